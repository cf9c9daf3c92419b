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
//! - A one-cell title row such as `Milestones`, `Resources`, `Check-ins`
//!   or `Action Reviews` starts the table of that name (see
//!   [`entity_tables`]).
//! - Each data row is read by its header. A row that cannot be read is
//!   skipped with its line and the reason, and a cell that cannot be read
//!   adds a warning while the rest of its row is imported. Neither stops
//!   the import. Blank rows separate sections and are not counted.
//!
//! A file written by [`crate::export_csv`] starts with the line
//! `Format,Cairn CSV 1` and is read exactly: cells are not trimmed, no
//! value is inferred from text, entities are found by their numbers, and
//! tables start only at their title rows. So the export imports back into
//! an equal plan.
//!
//! The rules for each value are in `docs/import.md`. The importer reads
//! only the planning data in the file; plans must not contain student
//! names or other student identifiers.

mod builder;
mod columns;
mod entity_tables;
mod goal_statement;
mod measurement_rows;
mod plan_rows;
mod records;
mod repair;
mod report;
mod resources;
mod steps;
pub(crate) mod values;

use thiserror::Error;

use crate::csv_layout::{unquote_text, FORMAT_KEY, FORMAT_VALUE};
use crate::document::PlanDocument;
use crate::error::PlanError;
use builder::PlanBuilder;
use columns::{
    is_measurement_header, is_plan_header, normalize_header, table_title, ColumnSet, Header,
    MeasurementColumn, PlanColumn, PlanKey, Table,
};
use entity_tables::{
    read_action_review_row, read_check_in_row, read_milestone_row, read_resource_row,
    ActionReviewColumn, CheckInColumn, MilestoneColumn, ResourceColumn,
};
use measurement_rows::read_measurement_row;
use plan_rows::read_plan_row;
use records::read_records;

pub use report::{CellWarning, ImportReport, SkippedRow};
pub(crate) use values::find_school_year;
pub use values::parse_amount;

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

/// One CSV record. Its cells are trimmed at the edges, except in a file
/// written by the CSV export.
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
        let mut records = read_records(input, delimiter);
        let has_plan_table = records.iter().any(|record| match record {
            Ok(row) => is_plan_header(&Header::<PlanColumn>::match_row(row.line, &row.cells)),
            Err(_) => false,
        });
        if !has_plan_table {
            continue;
        }

        let exact = is_export(&records);
        for row in records.iter_mut().flatten() {
            clean_cells(row, exact);
        }

        let (plan, report) = read_sections(records, exact);
        let document = PlanDocument::from_plan(&plan)?;
        return Ok(Imported { document, report });
    }

    Err(ImportError::NoPlanTable {
        expected: PlanColumn::EXPECTED,
    })
}

/// Returns whether the first non-blank record is the format line that the
/// CSV export writes.
fn is_export(records: &[Result<Row, SkippedRow>]) -> bool {
    let first = records.iter().find_map(|record| match record {
        Ok(row) if row.cells.iter().all(|cell| cell.trim().is_empty()) => None,
        Ok(row) => Some(Some(row)),
        Err(_) => Some(None),
    });
    let Some(Some(row)) = first else {
        return false;
    };

    let cell = |index: usize| row.cells.get(index).map_or("", |cell| cell.trim());
    normalize_header(cell(0)) == normalize_header(FORMAT_KEY)
        && normalize_header(cell(1)) == normalize_header(FORMAT_VALUE)
}

/// Trims the cells of a spreadsheet's row, and removes the quote that
/// protects text from being read as a formula (see [`unquote_text`]).
fn clean_cells(row: &mut Row, exact: bool) {
    for cell in &mut row.cells {
        let trimmed = if exact { cell.as_str() } else { cell.trim() };
        let text = unquote_text(trimmed);
        if text.len() != cell.len() {
            *cell = text.to_owned();
        }
    }
}

/// The table that the rows being read belong to.
enum Section {
    /// Above the first table, or after a row that ended a table.
    Outside,
    /// After a title row, before the table's header.
    AwaitingHeader(Table),
    Plan(Header<PlanColumn>),
    Measurements(Header<MeasurementColumn>),
    Milestones(Header<MilestoneColumn>),
    Resources(Header<ResourceColumn>),
    CheckIns(Header<CheckInColumn>),
    ActionReviews(Header<ActionReviewColumn>),
}

fn read_sections(
    records: Vec<Result<Row, SkippedRow>>,
    exact: bool,
) -> (crate::model::Plan, ImportReport) {
    let mut builder = PlanBuilder::new(exact);
    let mut section = Section::Outside;
    let mut format_line_seen = false;

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

        if exact && !format_line_seen {
            format_line_seen = true;
            continue;
        }

        if filled == [0] {
            if let Some(table) = table_title(&row.cells[0]) {
                section = Section::AwaitingHeader(table);
                continue;
            }
        }

        if let Some(header) = read_header(&row, &section, exact) {
            section = header;
            warn_about_unknown_columns(&section, builder.report_mut());
            continue;
        }

        let key_row_allowed = !exact || matches!(section, Section::Outside);
        if key_row_allowed && filled.iter().all(|&index| index <= 1) {
            if let Some(key) = PlanKey::parse(&row.cells[0]) {
                let value = row.cells.get(1).map_or("", String::as_str);
                builder.set_plan_field(key, &row.cells[0], value, row.line);
                continue;
            }
        }

        read_data_row(&mut builder, &section, &row, exact);
    }

    builder.finish()
}

/// Reads a row of the current table into the builder, or skips it with
/// the reason.
fn read_data_row(builder: &mut PlanBuilder, section: &Section, row: &Row, exact: bool) {
    let mut warnings = Vec::new();
    let result = match section {
        Section::Plan(header) => read_plan_row(header, row, &mut warnings, exact).map(|plan_row| {
            builder.add_plan_row(plan_row, std::mem::take(&mut warnings));
        }),
        Section::Measurements(header) => read_measurement_row(header, row)
            .map(|measurement| builder.add_measurement(measurement)),
        Section::Milestones(header) => read_milestone_row(header, row, &mut warnings, exact)
            .map(|milestone| builder.add_milestone(milestone, &mut warnings)),
        Section::Resources(header) => read_resource_row(header, row, &mut warnings, exact)
            .map(|resource| builder.add_resource(resource, &mut warnings)),
        Section::CheckIns(header) => read_check_in_row(header, row, &mut warnings)
            .map(|check_in| builder.add_check_in(check_in)),
        Section::ActionReviews(header) => {
            read_action_review_row(header, row).and_then(|review| builder.add_action_review(review))
        }
        Section::Outside | Section::AwaitingHeader(_) => Err(
            "the row is not in a table and is not a known `Field,Value` line such as \
             `School,Lincoln Elementary`"
                .to_owned(),
        ),
    };

    let report = builder.report_mut();
    match result {
        Ok(()) => report.warnings.extend(warnings),
        Err(reason) => report.skip(row.line, reason),
    }
}

/// Returns the section that a header row starts, or `None` for a row that
/// is not a header.
///
/// After a title row, the header is read as the columns of that table. A
/// file written by the CSV export has headers only there. In other files,
/// a plan or progress monitoring header may also appear without a title.
/// A progress monitoring header then wins when it matches more cells than
/// a plan header does. Inside a table, such a header must qualify by exact
/// column names alone, so a data row whose cells contain column words
/// (`Goal 1: attendance`, `Action 1: daily calls`) stays a data row.
fn read_header(row: &Row, section: &Section, exact: bool) -> Option<Section> {
    if let Section::AwaitingHeader(table) = section {
        if let Some(header) = read_titled_header(row, *table) {
            return Some(header);
        }
    }
    if exact {
        return None;
    }

    let in_table = !matches!(section, Section::Outside | Section::AwaitingHeader(_));
    if in_table && !has_exact_header_names(row) {
        return None;
    }

    let plan = Header::<PlanColumn>::match_row(row.line, &row.cells);
    let measurements = Header::<MeasurementColumn>::match_row(row.line, &row.cells);

    let after_title = matches!(section, Section::AwaitingHeader(Table::Measurements));
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

/// Returns whether the row is a plan or progress monitoring header by its
/// exact column names, without matching the words of other cells.
fn has_exact_header_names(row: &Row) -> bool {
    let plan = Header::<PlanColumn>::match_exact_names(row.line, &row.cells);
    let measurements = Header::<MeasurementColumn>::match_exact_names(row.line, &row.cells);
    is_plan_header(&plan) || is_measurement_header(&measurements)
}

/// Reads a header row as the columns of `table`, or returns `None` when
/// the row does not look like that table's header.
fn read_titled_header(row: &Row, table: Table) -> Option<Section> {
    fn matched<C: ColumnSet>(row: &Row, required: &[C]) -> Option<Header<C>> {
        let header = Header::<C>::match_row(row.line, &row.cells);
        let complete = required.iter().all(|column| header.has(*column));
        (header.looks_like_header() && complete).then_some(header)
    }

    match table {
        Table::Plan => {
            let header = Header::<PlanColumn>::match_row(row.line, &row.cells);
            is_plan_header(&header).then_some(Section::Plan(header))
        }
        Table::Measurements => {
            let header = Header::<MeasurementColumn>::match_row(row.line, &row.cells);
            is_measurement_header(&header).then_some(Section::Measurements(header))
        }
        Table::Milestones => matched(row, &[MilestoneColumn::Title]).map(Section::Milestones),
        Table::Resources => matched(row, &[ResourceColumn::Description]).map(Section::Resources),
        Table::CheckIns => matched(row, &[CheckInColumn::Date]).map(Section::CheckIns),
        Table::ActionReviews => matched(
            row,
            &[
                ActionReviewColumn::CheckIn,
                ActionReviewColumn::Action,
                ActionReviewColumn::Status,
            ],
        )
        .map(Section::ActionReviews),
    }
}

fn unknown_columns_of<C: ColumnSet>(header: &Header<C>) -> (usize, Vec<(String, bool)>) {
    let unknown = header
        .unknown_columns()
        .map(|(index, name)| (name.to_owned(), header.repeats_imported_column(index)))
        .collect();
    (header.line, unknown)
}

fn warn_about_unknown_columns(section: &Section, report: &mut ImportReport) {
    let (line, unknown) = match section {
        Section::Plan(header) => unknown_columns_of(header),
        Section::Measurements(header) => unknown_columns_of(header),
        Section::Milestones(header) => unknown_columns_of(header),
        Section::Resources(header) => unknown_columns_of(header),
        Section::CheckIns(header) => unknown_columns_of(header),
        Section::ActionReviews(header) => unknown_columns_of(header),
        Section::Outside | Section::AwaitingHeader(_) => return,
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
