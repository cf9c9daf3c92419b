//! Repairing rows whose cells do not line up with their header.
//!
//! Spreadsheet exports sometimes leave a cell that contains a comma
//! unquoted, so the comma splits it in two and every later cell moves one
//! column to the right. Such a row has exactly one filled cell more than its
//! header. The repair tries joining each pair of neighbouring filled cells
//! and keeps a join after which every typed cell (dates, numbers, amounts,
//! statuses, action types) reads correctly. When several joins qualify,
//! only those whose second part starts with a lowercase letter, as the
//! rest of a sentence does, are kept. The repair is used only when exactly
//! one join is left; otherwise the row is skipped.

/// A row after joining two cells.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Repair {
    pub(crate) cells: Vec<String>,
    /// The index of the joined cell.
    pub(crate) index: usize,
}

/// Returns one past the index of the last non-empty cell.
pub(crate) fn filled_width(cells: &[String]) -> usize {
    cells
        .iter()
        .rposition(|cell| !cell.is_empty())
        .map_or(0, |last| last + 1)
}

/// Finds the single join of two neighbouring cells after which `fits`
/// accepts the row, for a row with one filled cell more than `width`.
pub(crate) fn rejoin_split_cell(
    cells: &[String],
    width: usize,
    fits: impl Fn(&[String]) -> bool,
) -> Option<Repair> {
    let filled = filled_width(cells);
    if filled != width + 1 {
        return None;
    }

    let candidates: Vec<Repair> = (0..filled - 1)
        .filter(|&index| !cells[index].is_empty() && !cells[index + 1].is_empty())
        .map(|index| {
            let mut joined = cells[..index].to_vec();
            joined.push(format!("{}, {}", cells[index], cells[index + 1]));
            joined.extend_from_slice(&cells[index + 2..]);
            Repair {
                cells: joined,
                index,
            }
        })
        .filter(|repair| fits(&repair.cells))
        .collect();

    let continues_sentence = |repair: &&Repair| {
        cells[repair.index + 1]
            .chars()
            .next()
            .is_some_and(char::is_lowercase)
    };
    let chosen: Vec<&Repair> = if candidates.len() > 1 {
        candidates.iter().filter(continues_sentence).collect()
    } else {
        candidates.iter().collect()
    };

    match chosen.as_slice() {
        [repair] => Some((*repair).clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|text| text.to_string()).collect()
    }

    #[test]
    fn split_sentence_is_rejoined() {
        let row = cells(&[
            "Goal A",
            "Plan lessons for cafeteria",
            "hallway and recess",
            "Primary",
            "0",
        ]);
        let fits = |cells: &[String]| cells.get(2).is_some_and(|kind| kind == "Primary");

        let repair = rejoin_split_cell(&row, 4, fits);

        assert_eq!(repair.map(|repair| repair.index), Some(1));
    }

    #[test]
    fn ambiguous_split_is_not_repaired() {
        let row = cells(&["Goal A", "Plan lessons", "Teach lessons", "Primary"]);
        let fits = |cells: &[String]| cells.get(2).is_some_and(|kind| kind == "Primary");

        assert_eq!(rejoin_split_cell(&row, 3, fits), None);
    }

    #[test]
    fn row_two_cells_too_wide_is_not_repaired() {
        let row = cells(&["a", "b", "c", "d"]);

        assert_eq!(rejoin_split_cell(&row, 2, |_| true), None);
    }
}
