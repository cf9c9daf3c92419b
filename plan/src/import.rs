//! Reading a plan from the CSV export of a planning spreadsheet.
//!
//! Teams keep their MTSS plans in spreadsheets of many layouts, so the
//! importer finds its way by content rather than by fixed positions:
//!
//! - `Key,Value` lines such as `School,Lincoln Elementary` set plan fields.
//! - A row in which at least three cells name known columns starts a table
//!   (see [`columns`] for the names). The plan table contains root causes,
//!   goals, actions and resources. A table whose header has Measure, Date
//!   and Value, often below a title row such as `Progress Monitoring`,
//!   contains progress monitoring data.
//! - Each data row is read by its header. A row that cannot be read is
//!   skipped with its line and the reason, and a cell that cannot be read
//!   adds a warning while the rest of its row is imported. Neither stops
//!   the import. Blank rows separate sections and are not counted.
//!
//! The rules for each value are in `docs/import.md`. The importer reads
//! only the planning data in the file; plans must not contain student
//! names or other student identifiers.

mod builder;
mod columns;
mod goal_statement;
mod measurement_rows;
mod plan_rows;
mod repair;
mod report;
mod resources;
pub(crate) mod values;

use thiserror::Error;

use crate::document::PlanDocument;
use crate::error::PlanError;
use builder::PlanBuilder;
use columns::{
    is_measurement_header, is_measurement_title, is_plan_header, Header, MeasurementColumn,
    PlanColumn, PlanKey,
};
use measurement_rows::read_measurement_row;
use plan_rows::read_plan_row;

pub use report::{CellWarning, ImportReport, SkippedRow};
pub(crate) use values::find_school_year;

/// The delimiters tried, in order. The first one under which the file has
/// a plan table is used.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A plan read from CSV, with the report of what was and was not read.
#[derive(Debug)]
pub struct Imported {
    pub document: PlanDocument,
    pub report: ImportReport,
}

/// Errors that stop an import. Problems in single rows or cells never do;
/// they are listed in the [`ImportReport`].
#[derive(Debug, Error)]
pub enum ImportError {
    #[error(
        "the file has no plan table: expected a header row with at least 3 of these columns: {expected}"
    )]
    NoPlanTable { expected: &'static str },

    #[error("the imported plan could not be stored as a document: {0}")]
    Document(#[from] PlanError),
}

/// One CSV record with its trimmed-at-the-edges cells.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    /// The 1-based line of the file on which the record starts.
    pub(crate) line: usize,
    pub(crate) cells: Vec<String>,
}

/// Reads a plan from CSV bytes into a new [`PlanDocument`].
///
/// Returns [`ImportError::NoPlanTable`] only when no row of the file is a
/// plan table header; every other problem is reported in
/// [`Imported::report`].
pub fn import_csv(input: &[u8]) -> Result<Imported, ImportError> {
    let input = input.strip_prefix(UTF8_BOM).unwrap_or(input);

    for delimiter in DELIMITERS {
        let records = read_records(input, delimiter);
        let has_plan_table = records.iter().any(|record| match record {
            Ok(row) => is_plan_header(&Header::<PlanColumn>::match_row(row.line, &row.cells)),
            Err(_) => false,
        });
        if !has_plan_table {
            continue;
        }

        let (plan, report) = read_sections(records);
        let document = PlanDocument::from_plan(&plan)?;
        return Ok(Imported { document, report });
    }

    Err(ImportError::NoPlanTable {
        expected: PlanColumn::EXPECTED,
    })
}

/// Splits the input into records. A record that cannot be read becomes a
/// skipped row.
fn read_records(input: &[u8], delimiter: u8) -> Vec<Result<Row, SkippedRow>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(input);

    let mut records = Vec::new();
    for result in reader.byte_records() {
        match result {
            Ok(record) => {
                let line = record.position().map_or(0, |position| {
                    usize::try_from(position.line()).unwrap_or(usize::MAX)
                });
                let cells: Result<Vec<String>, _> = record
                    .iter()
                    .map(|cell| std::str::from_utf8(cell).map(|text| text.trim().to_owned()))
                    .collect();
                records.push(match cells {
                    Ok(cells) => Ok(Row { line, cells }),
                    Err(_) => Err(SkippedRow {
                        line,
                        reason: "the row is not valid UTF-8 text; save the file as CSV UTF-8"
                            .to_owned(),
                    }),
                });
            }
            Err(error) => {
                let Some(position) = error.position() else {
                    break;
                };
                records.push(Err(SkippedRow {
                    line: usize::try_from(position.line()).unwrap_or(usize::MAX),
                    reason: format!("the row is not valid CSV: {error}"),
                }));
            }
        }
    }
    records
}

/// The table that the rows being read belong to.
enum Section {
    /// Above the first table, or after a row that ended a table.
    Outside,
    /// After a progress monitoring title row, before its header.
    AwaitingMeasurementHeader,
    Plan(Header<PlanColumn>),
    Measurements(Header<MeasurementColumn>),
}

fn read_sections(records: Vec<Result<Row, SkippedRow>>) -> (crate::model::Plan, ImportReport) {
    let mut builder = PlanBuilder::default();
    let mut section = Section::Outside;

    for record in records {
        let row = match record {
            Ok(row) => row,
            Err(skipped) => {
                builder.report_mut().skip(skipped.line, skipped.reason);
                continue;
            }
        };

        let filled: Vec<usize> = (0..row.cells.len())
            .filter(|&index| !row.cells[index].is_empty())
            .collect();
        if filled.is_empty() {
            continue;
        }

        if filled == [0] && is_measurement_title(&row.cells[0]) {
            section = Section::AwaitingMeasurementHeader;
            continue;
        }

        if let Some(header) = read_header(&row, &section) {
            section = header;
            warn_about_unknown_columns(&section, builder.report_mut());
            continue;
        }

        if filled.iter().all(|&index| index <= 1) {
            if let Some(key) = PlanKey::parse(&row.cells[0]) {
                let value = row.cells.get(1).map_or("", String::as_str);
                builder.set_plan_field(key, value);
                continue;
            }
        }

        let mut warnings = Vec::new();
        match &section {
            Section::Plan(header) => match read_plan_row(header, &row, &mut warnings) {
                Ok(plan_row) => builder.add_plan_row(plan_row, warnings),
                Err(reason) => builder.report_mut().skip(row.line, reason),
            },
            Section::Measurements(header) => match read_measurement_row(header, &row) {
                Ok(measurement) => builder.add_measurement(measurement),
                Err(reason) => builder.report_mut().skip(row.line, reason),
            },
            Section::Outside | Section::AwaitingMeasurementHeader => builder.report_mut().skip(
                row.line,
                "the row is not in a table and is not a known `Field,Value` line such as \
                 `School,Lincoln Elementary`"
                    .to_owned(),
            ),
        }
    }

    builder.finish()
}

/// Returns the section that a header row starts, or `None` for a row that
/// is not a header. A progress monitoring header wins after a title row or
/// when it matches more cells than a plan header does.
fn read_header(row: &Row, section: &Section) -> Option<Section> {
    let plan = Header::<PlanColumn>::match_row(row.line, &row.cells);
    let measurements = Header::<MeasurementColumn>::match_row(row.line, &row.cells);

    let after_title = matches!(section, Section::AwaitingMeasurementHeader);
    if is_measurement_header(&measurements)
        && (after_title
            || !is_plan_header(&plan)
            || measurements.match_count() > plan.match_count())
    {
        return Some(Section::Measurements(measurements));
    }
    if is_plan_header(&plan) {
        return Some(Section::Plan(plan));
    }
    None
}

fn warn_about_unknown_columns(section: &Section, report: &mut ImportReport) {
    let (line, unknown): (usize, Vec<(String, bool)>) = match section {
        Section::Plan(header) => (
            header.line,
            header
                .unknown_columns()
                .map(|(index, name)| (name.to_owned(), header.repeats_imported_column(index)))
                .collect(),
        ),
        Section::Measurements(header) => (
            header.line,
            header
                .unknown_columns()
                .map(|(index, name)| (name.to_owned(), header.repeats_imported_column(index)))
                .collect(),
        ),
        Section::Outside | Section::AwaitingMeasurementHeader => return,
    };

    for (column, repeated) in unknown {
        let message = if repeated {
            "the column appears twice, so only the first one was imported; rename or remove the other"
        } else {
            "the column name is not recognized, so its cells were not imported"
        };
        report.warnings.push(CellWarning {
            line,
            column,
            message: message.to_owned(),
        });
    }
}
