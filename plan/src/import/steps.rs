//! Splitting a cell that lists numbered steps, such as
//! `1) Teach lessons 2) Reteach after breaks`, into its steps.
//!
//! A cell is a numbered list only when all of these hold, so ordinary text
//! such as "Grades 1) and 2)" or "1.5 hours" is never split:
//!
//! - it starts with `1)` or `1.` followed by a space or a line break;
//! - every later marker uses the same punctuation, and the numbers run
//!   1, 2, 3, … without a gap;
//! - each marker after the first follows a space, a line break, `;` or
//!   `,`, and is followed by a space or a line break;
//! - there are at least two steps, and none is empty.
//!
//! Each step is trimmed of spaces and of a trailing `;` or `,`.

/// Returns the steps of a numbered list, or `None` for text that is not
/// one.
pub(crate) fn split_numbered_steps(text: &str) -> Option<Vec<String>> {
    let text = text.trim();
    let style = marker_style(text)?;

    let mut steps = Vec::new();
    let mut step_start = 2;
    let mut number = 2;
    while let Some(marker) = find_marker(text, step_start, number, style) {
        steps.push(clean_step(&text[step_start..marker.start]));
        step_start = marker.end;
        number += 1;
    }
    steps.push(clean_step(&text[step_start..]));

    let complete = steps.len() >= 2 && steps.iter().all(|step| !step.is_empty());
    complete.then_some(steps)
}

/// Returns the punctuation of the first marker, `)` or `.`, when the text
/// starts with `1)` or `1.` and a space or line break.
fn marker_style(text: &str) -> Option<char> {
    let mut chars = text.chars();
    if chars.next() != Some('1') {
        return None;
    }
    let style = chars.next().filter(|c| *c == ')' || *c == '.')?;
    chars.next().filter(|c| c.is_whitespace())?;
    Some(style)
}

/// Finds the marker of step `number` at or after byte `from`.
fn find_marker(
    text: &str,
    from: usize,
    number: usize,
    style: char,
) -> Option<std::ops::Range<usize>> {
    let marker = format!("{number}{style}");

    let mut search_from = from;
    while let Some(offset) = text[search_from..].find(&marker) {
        let start = search_from + offset;
        let end = start + marker.len();

        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        let separated_before = before.is_some_and(|c| c.is_whitespace() || c == ';' || c == ',');
        let separated_after = after.is_some_and(char::is_whitespace);
        if separated_before && separated_after {
            return Some(start..end);
        }
        search_from = end;
    }
    None
}

fn clean_step(text: &str) -> String {
    text.trim()
        .trim_end_matches([';', ','])
        .trim_end()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(texts: &[&str]) -> Option<Vec<String>> {
        Some(texts.iter().map(|text| text.to_string()).collect())
    }

    #[test]
    fn inline_steps_split() {
        assert_eq!(
            split_numbered_steps("1) Teach lessons 2) Reteach after breaks 3) Recognize classes"),
            steps(&["Teach lessons", "Reteach after breaks", "Recognize classes"])
        );
    }

    #[test]
    fn steps_separated_by_semicolons_split() {
        assert_eq!(
            split_numbered_steps("1) Publish the scope; 2) Build the block into schedules"),
            steps(&["Publish the scope", "Build the block into schedules"])
        );
    }

    #[test]
    fn numbered_lines_split() {
        assert_eq!(
            split_numbered_steps("1. Give the diagnostic\n2. Regroup every 6 weeks\n"),
            steps(&["Give the diagnostic", "Regroup every 6 weeks"])
        );
    }

    #[test]
    fn list_not_starting_at_one_is_kept() {
        assert_eq!(split_numbered_steps("Grades 1) K-2 2) 3-5"), None);
        assert_eq!(split_numbered_steps("2) Regroup 3) Review"), None);
    }

    #[test]
    fn gap_in_numbers_ends_the_list() {
        assert_eq!(
            split_numbered_steps("1) Plan lessons 3) Teach lessons"),
            None
        );
    }

    #[test]
    fn single_step_is_kept() {
        assert_eq!(
            split_numbered_steps("1. Plan lessons for the cafeteria"),
            None
        );
    }

    #[test]
    fn decimals_are_not_markers() {
        assert_eq!(split_numbered_steps("1.5 hours of planning 2. time"), None);
    }

    #[test]
    fn mixed_punctuation_is_not_a_list() {
        assert_eq!(split_numbered_steps("1) Plan lessons 2. Teach them"), None);
    }

    #[test]
    fn marker_inside_a_number_is_not_a_step() {
        assert_eq!(
            split_numbered_steps("1) Meet in room 12) then 2) review"),
            steps(&["Meet in room 12) then", "review"])
        );
    }
}
