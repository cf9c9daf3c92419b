//! The report of a CSV import: what was imported, which rows were skipped
//! and why, and which cells could not be read.

use std::fmt;

/// The outcome of reading one CSV file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Rows of the plan and progress monitoring tables that were imported.
    pub rows_imported: usize,
    /// Rows that were not imported at all. Blank rows are not counted.
    pub rows_skipped: usize,
    pub skipped: Vec<SkippedRow>,
    /// Cells that could not be read in rows that were imported.
    pub warnings: Vec<CellWarning>,
}

/// A row that was not imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedRow {
    /// The 1-based line of the file on which the row starts.
    pub line: usize,
    pub reason: String,
}

/// A cell that could not be read in a row that was imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellWarning {
    /// The 1-based line of the file on which the row starts.
    pub line: usize,
    /// The column's header as written in the file.
    pub column: String,
    pub message: String,
}

impl ImportReport {
    pub(crate) fn skip(&mut self, line: usize, reason: String) {
        self.rows_skipped += 1;
        self.skipped.push(SkippedRow { line, reason });
    }

    /// Returns whether every row was imported and every cell read.
    pub fn is_clean(&self) -> bool {
        self.skipped.is_empty() && self.warnings.is_empty()
    }

    pub(crate) fn sort_by_line(&mut self) {
        self.skipped.sort_by_key(|row| row.line);
        self.warnings.sort_by_key(|warning| warning.line);
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Imported {}, skipped {}, {}.",
            count(self.rows_imported, "row"),
            self.rows_skipped,
            count(self.warnings.len(), "cell warning")
        )?;
        for row in &self.skipped {
            writeln!(f, "Skipped line {}: {}", row.line, row.reason)?;
        }
        for warning in &self.warnings {
            writeln!(
                f,
                "Warning, line {}, column {}: {}",
                warning.line, warning.column, warning.message
            )?;
        }
        Ok(())
    }
}

/// Writes a count with its noun, singular for one.
fn count(number: usize, noun: &str) -> String {
    if number == 1 {
        format!("1 {noun}")
    } else {
        format!("{number} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_lists_counts_then_rows_then_warnings() {
        let mut report = ImportReport {
            rows_imported: 7,
            ..ImportReport::default()
        };
        report.skip(9, "action type `Tier 2` is not known".to_owned());
        report.warnings.push(CellWarning {
            line: 12,
            column: "Budget ($)".to_owned(),
            message: "`abc` is not an amount".to_owned(),
        });

        assert_eq!(
            report.to_string(),
            "Imported 7 rows, skipped 1, 1 cell warning.\n\
             Skipped line 9: action type `Tier 2` is not known\n\
             Warning, line 12, column Budget ($): `abc` is not an amount\n"
        );
    }
}
