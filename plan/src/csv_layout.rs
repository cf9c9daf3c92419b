//! The names and conventions that the CSV export writes and the importer
//! reads back: the format line, the table titles, the labels of enum
//! values and the quote that protects text from being run as a
//! spreadsheet formula.
//!
//! The export and the importer share these, so a file written by
//! [`crate::export_csv`] imports back into an equal plan. The layout is
//! described in `docs/export-format.md`.

/// The first cell of the line that marks a file written by the CSV export.
pub(crate) const FORMAT_KEY: &str = "Format";

/// The second cell of that line. A file that starts with it is read
/// exactly: no value is inferred and no cell is trimmed.
pub(crate) const FORMAT_VALUE: &str = "Cairn CSV 1";

/// The title rows that introduce the tables of the export.
pub(crate) const PLAN_TABLE_TITLE: &str = "Action Plan";
pub(crate) const MEASUREMENTS_TITLE: &str = "Progress Monitoring";
pub(crate) const MILESTONES_TITLE: &str = "Milestones";
pub(crate) const RESOURCES_TITLE: &str = "Resources";
pub(crate) const CHECK_INS_TITLE: &str = "Check-ins";
pub(crate) const ACTION_REVIEWS_TITLE: &str = "Action Reviews";

/// The separator between the entries of a link cell, such as `1; 3`.
pub(crate) const LINK_SEPARATOR: &str = "; ";

/// The characters that make a spreadsheet read a cell as a formula when
/// they start it: `=`, `+`, `-`, `@`, tab and carriage return.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The prefix that keeps a cell from starting with a formula character.
const TEXT_QUOTE: char = '\'';

/// Protects a text cell from formula injection. Text that starts with a
/// formula character, or with the quote itself, gets one leading `'`, so
/// a spreadsheet reads the cell as text. [`unquote_text`] removes it again.
pub(crate) fn quote_text(text: &str) -> String {
    let starts_risky = text
        .chars()
        .next()
        .is_some_and(|first| first == TEXT_QUOTE || FORMULA_STARTS.contains(&first));
    if starts_risky {
        format!("{TEXT_QUOTE}{text}")
    } else {
        text.to_owned()
    }
}

/// Removes the quote that [`quote_text`] adds: one leading `'` that is
/// followed by a formula character or by another `'`. Any other leading
/// quote is part of the text.
pub(crate) fn unquote_text(cell: &str) -> &str {
    let Some(rest) = cell.strip_prefix(TEXT_QUOTE) else {
        return cell;
    };
    let quoted = rest
        .chars()
        .next()
        .is_some_and(|first| first == TEXT_QUOTE || FORMULA_STARTS.contains(&first));
    if quoted {
        rest
    } else {
        cell
    }
}

/// Turns an enum's snake_case name into the label the export writes:
/// `procedure_audit` becomes `Procedure audit`.
pub(crate) fn enum_label(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_text_is_quoted() {
        assert_eq!(quote_text("=SUM(A1:A3)"), "'=SUM(A1:A3)");
        assert_eq!(quote_text("-2 ODRs per week"), "'-2 ODRs per week");
        assert_eq!(quote_text("@counselor"), "'@counselor");
    }

    #[test]
    fn plain_text_is_not_quoted() {
        assert_eq!(quote_text("Teach lessons"), "Teach lessons");
        assert_eq!(quote_text(""), "");
    }

    #[test]
    fn leading_quote_is_doubled() {
        assert_eq!(quote_text("'Tier 2' groups"), "''Tier 2' groups");
    }

    #[test]
    fn quoted_text_reads_back() {
        for text in ["=1+1", "+pd", "-", "@home", "'x", "''=", "\tindent", "'"] {
            assert_eq!(unquote_text(&quote_text(text)), text);
        }
    }

    #[test]
    fn lone_quote_before_letters_is_kept() {
        assert_eq!(unquote_text("'Tier 2' groups"), "'Tier 2' groups");
    }

    #[test]
    fn labels_are_sentence_case() {
        assert_eq!(enum_label("procedure_audit"), "Procedure audit");
        assert_eq!(enum_label("coach_or_mentor"), "Coach or mentor");
    }
}
