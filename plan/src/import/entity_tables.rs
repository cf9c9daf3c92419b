//! The milestone, resource, check-in and action review tables: their
//! columns and the reading of their rows.
//!
//! Each table starts with a one-cell title row (`Milestones`, `Resources`,
//! `Check-ins`, `Action Reviews`) and a header row. The CSV export writes
//! them after the plan table, and a spreadsheet may contain them too.
//! Cells that name actions (`Actions`, `Action #`) list action numbers or
//! titles separated by `;` or line breaks. The builder links them (see
//! `builder/tables.rs`), so these tables must come after the plan table
//! that defines the actions.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::import::columns::{ColumnSet, Header};
use crate::import::repair::filled_width;
use crate::import::report::CellWarning;
use crate::import::resources::{category_kind, kind_from_words};
use crate::import::values::{
    labels_of, normalize, parse_amount, parse_date, parse_label, parse_status, DATE_FORMATS,
};
use crate::import::Row;
use crate::model::{ActionStatus, CheckInKind, ResourceKind};

/// The columns of the milestone table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MilestoneColumn {
    Title,
    Date,
    Done,
    Actions,
}

impl ColumnSet for MilestoneColumn {
    const ALL: &'static [Self] = &[
        MilestoneColumn::Title,
        MilestoneColumn::Date,
        MilestoneColumn::Done,
        MilestoneColumn::Actions,
    ];

    fn aliases(self) -> &'static [&'static str] {
        match self {
            MilestoneColumn::Title => &["milestone", "milestone title", "title", "checkpoint"],
            MilestoneColumn::Date => &["date", "due date", "target date", "milestone date"],
            MilestoneColumn::Done => &["done", "reached", "complete", "completed", "status"],
            MilestoneColumn::Actions => &[
                "actions",
                "action",
                "action number",
                "linked actions",
                "action step",
            ],
        }
    }
}

/// The columns of the resource table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ResourceColumn {
    Description,
    Kind,
    Amount,
    FundingSource,
    Hours,
    Actions,
}

impl ColumnSet for ResourceColumn {
    const ALL: &'static [Self] = &[
        ResourceColumn::Description,
        ResourceColumn::Kind,
        ResourceColumn::Amount,
        ResourceColumn::FundingSource,
        ResourceColumn::Hours,
        ResourceColumn::Actions,
    ];

    fn aliases(self) -> &'static [&'static str] {
        match self {
            ResourceColumn::Description => &["resource", "description", "resources", "item"],
            ResourceColumn::Kind => &["kind", "resource kind", "type", "resource type"],
            ResourceColumn::Amount => &["amount", "budget", "cost", "budget amount"],
            ResourceColumn::FundingSource => &["funding source", "funding", "source of funds"],
            ResourceColumn::Hours => &["hours", "staff hours", "time hours"],
            ResourceColumn::Actions => &[
                "actions",
                "action",
                "action number",
                "linked actions",
                "action step",
            ],
        }
    }
}

/// The columns of the check-in table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CheckInColumn {
    Number,
    Date,
    Kind,
    Attendees,
    Summary,
    Decisions,
    NextSteps,
}

impl ColumnSet for CheckInColumn {
    const ALL: &'static [Self] = &[
        CheckInColumn::Number,
        CheckInColumn::Date,
        CheckInColumn::Kind,
        CheckInColumn::Attendees,
        CheckInColumn::Summary,
        CheckInColumn::Decisions,
        CheckInColumn::NextSteps,
    ];

    fn aliases(self) -> &'static [&'static str] {
        match self {
            CheckInColumn::Number => &["check in number", "check in no", "meeting number"],
            CheckInColumn::Date => &["date", "meeting date", "check in date"],
            CheckInColumn::Kind => &["kind", "type", "check in kind", "meeting type"],
            CheckInColumn::Attendees => &["attendees", "present", "participants"],
            CheckInColumn::Summary => &["summary", "notes", "discussion"],
            CheckInColumn::Decisions => &["decisions", "decisions made"],
            CheckInColumn::NextSteps => &["next steps", "follow up", "action items"],
        }
    }
}

/// The columns of the action review table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ActionReviewColumn {
    CheckIn,
    Action,
    Status,
}

impl ColumnSet for ActionReviewColumn {
    const ALL: &'static [Self] = &[
        ActionReviewColumn::CheckIn,
        ActionReviewColumn::Action,
        ActionReviewColumn::Status,
    ];

    fn aliases(self) -> &'static [&'static str] {
        match self {
            ActionReviewColumn::CheckIn => &["check in number", "check in", "meeting number"],
            ActionReviewColumn::Action => &["action number", "action", "action step"],
            ActionReviewColumn::Status => &["status", "action status", "reviewed status"],
        }
    }
}

/// A milestone row, before its actions are linked.
#[derive(Clone, Debug)]
pub(crate) struct MilestoneRow {
    pub(crate) line: usize,
    pub(crate) title: String,
    pub(crate) date: Option<NaiveDate>,
    pub(crate) done: bool,
    pub(crate) actions: ActionReferences,
}

/// A resource row, before its actions are linked.
#[derive(Clone, Debug)]
pub(crate) struct ResourceRow {
    pub(crate) line: usize,
    pub(crate) kind: ResourceKind,
    pub(crate) description: String,
    pub(crate) amount: Option<Decimal>,
    pub(crate) funding_source: String,
    pub(crate) hours: Option<Decimal>,
    pub(crate) actions: ActionReferences,
}

/// A check-in row.
#[derive(Clone, Debug)]
pub(crate) struct CheckInRow {
    /// The Check-in # cell, which the action review table refers to.
    pub(crate) number: String,
    pub(crate) date: Option<NaiveDate>,
    pub(crate) kind: CheckInKind,
    pub(crate) attendees: String,
    pub(crate) summary: String,
    pub(crate) decisions: String,
    pub(crate) next_steps: String,
}

/// An action review row, before its check-in and action are found.
#[derive(Clone, Debug)]
pub(crate) struct ActionReviewRow {
    pub(crate) check_in: String,
    pub(crate) action: String,
    pub(crate) status: ActionStatus,
}

/// The entries of a cell that names actions, with the column they came
/// from for warnings.
#[derive(Clone, Debug, Default)]
pub(crate) struct ActionReferences {
    pub(crate) column: String,
    pub(crate) entries: Vec<String>,
}

/// Cell access and warnings for one row of one of these tables.
struct Cells<'a, C: ColumnSet> {
    header: &'a Header<C>,
    row: &'a Row,
    warnings: &'a mut Vec<CellWarning>,
}

impl<C: ColumnSet> Cells<'_, C> {
    fn text(&self, column: C) -> String {
        self.header.cell(&self.row.cells, column).to_owned()
    }

    fn warn(&mut self, column: C, message: String) {
        self.warnings.push(CellWarning {
            line: self.row.line,
            column: self.header.name(column).to_owned(),
            message,
        });
    }

    fn date(&mut self, column: C) -> Option<NaiveDate> {
        let text = self.text(column);
        if text.is_empty() {
            return None;
        }

        let date = parse_date(&text);
        if date.is_none() {
            self.warn(
                column,
                format!(
                    "`{text}` is not a date (expected {DATE_FORMATS}); the date was left empty"
                ),
            );
        }
        date
    }

    /// Reads an amount of money or hours. Unlike the plan table's Budget
    /// column, zero and amounts below zero are kept as written.
    fn decimal(&mut self, column: C) -> Option<Decimal> {
        let text = self.text(column);
        if text.is_empty() {
            return None;
        }

        let value = parse_amount(&text);
        if value.is_none() {
            self.warn(
                column,
                format!("`{text}` is not a number (expected a value such as 1440 or $1,440.00); it was left empty"),
            );
        }
        value
    }

    fn actions(&self, column: C) -> ActionReferences {
        let entries = self
            .text(column)
            .split([';', '\n'])
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(str::to_owned)
            .collect();
        ActionReferences {
            column: self.header.name(column).to_owned(),
            entries,
        }
    }

    fn any_filled(&self) -> bool {
        C::ALL
            .iter()
            .any(|column| !self.header.cell(&self.row.cells, *column).is_empty())
    }
}

/// Rejects a row whose cells do not line up with its header.
fn check_width<C: ColumnSet>(header: &Header<C>, row: &Row) -> Result<(), String> {
    let filled = filled_width(&row.cells);
    if row.cells.len() < header.width || filled > header.width {
        return Err(format!(
            "the row has {filled} filled cells but the header on line {} has {} columns, so its \
             cells may have shifted; fill the missing cells and put cells that contain commas \
             in quotes",
            header.line, header.width
        ));
    }
    Ok(())
}

/// Reads a data row of the milestone table. Outside a file written by the
/// CSV export, a row without a title is skipped.
pub(crate) fn read_milestone_row(
    header: &Header<MilestoneColumn>,
    row: &Row,
    warnings: &mut Vec<CellWarning>,
    exact: bool,
) -> Result<MilestoneRow, String> {
    check_width(header, row)?;
    let mut cells = Cells {
        header,
        row,
        warnings,
    };

    let title = cells.text(MilestoneColumn::Title);
    if title.is_empty() && !exact {
        return Err(format!(
            "the {} cell is empty",
            header.name(MilestoneColumn::Title)
        ));
    }

    let done_text = cells.text(MilestoneColumn::Done);
    let done = parse_done(&done_text).unwrap_or_else(|| {
        cells.warn(
            MilestoneColumn::Done,
            format!("`{done_text}` is not yes or no; the milestone was imported as not done"),
        );
        false
    });

    Ok(MilestoneRow {
        line: row.line,
        date: cells.date(MilestoneColumn::Date),
        done,
        actions: cells.actions(MilestoneColumn::Actions),
        title,
    })
}

/// Reads a data row of the resource table. An empty or unknown kind is
/// `budget` for an amount above zero and otherwise comes from the
/// description's words. Outside a file written by the CSV export, a row
/// without a description, an amount or hours is skipped.
pub(crate) fn read_resource_row(
    header: &Header<ResourceColumn>,
    row: &Row,
    warnings: &mut Vec<CellWarning>,
    exact: bool,
) -> Result<ResourceRow, String> {
    check_width(header, row)?;
    let mut cells = Cells {
        header,
        row,
        warnings,
    };

    let description = cells.text(ResourceColumn::Description);
    let amount = cells.decimal(ResourceColumn::Amount);
    let hours = cells.decimal(ResourceColumn::Hours);
    if description.is_empty() && amount.is_none() && hours.is_none() && !exact {
        return Err("the row has no resource, amount or hours".to_owned());
    }

    let kind_text = cells.text(ResourceColumn::Kind);
    let named_kind = parse_label(ResourceKind::ALL, ResourceKind::as_str, &kind_text)
        .or_else(|| category_kind(&kind_text));
    let kind = match named_kind {
        Some(kind) => kind,
        None => {
            if !kind_text.is_empty() {
                cells.warn(
                    ResourceColumn::Kind,
                    format!(
                        "`{kind_text}` is not known (expected {}); the kind was taken from the \
                         amount and the description",
                        labels_of(ResourceKind::ALL, ResourceKind::as_str)
                    ),
                );
            }
            if amount.is_some_and(|amount| amount > Decimal::ZERO) {
                ResourceKind::Budget
            } else {
                kind_from_words(&description, None)
            }
        }
    };

    Ok(ResourceRow {
        line: row.line,
        kind,
        description,
        amount,
        funding_source: cells.text(ResourceColumn::FundingSource),
        hours,
        actions: cells.actions(ResourceColumn::Actions),
    })
}

/// Reads a data row of the check-in table. An empty kind is a regular
/// check-in.
pub(crate) fn read_check_in_row(
    header: &Header<CheckInColumn>,
    row: &Row,
    warnings: &mut Vec<CellWarning>,
) -> Result<CheckInRow, String> {
    check_width(header, row)?;
    let mut cells = Cells {
        header,
        row,
        warnings,
    };
    if !cells.any_filled() {
        return Err("the row has no check-in cells".to_owned());
    }

    let kind_text = cells.text(CheckInColumn::Kind);
    let kind = if kind_text.is_empty() {
        CheckInKind::CheckIn
    } else if let Some(kind) = parse_check_in_kind(&kind_text) {
        kind
    } else {
        cells.warn(
            CheckInColumn::Kind,
            format!(
                "`{kind_text}` is not known (expected {}); it was imported as a check-in",
                labels_of(CheckInKind::ALL, CheckInKind::as_str)
            ),
        );
        CheckInKind::CheckIn
    };

    Ok(CheckInRow {
        number: cells.text(CheckInColumn::Number),
        date: cells.date(CheckInColumn::Date),
        kind,
        attendees: cells.text(CheckInColumn::Attendees),
        summary: cells.text(CheckInColumn::Summary),
        decisions: cells.text(CheckInColumn::Decisions),
        next_steps: cells.text(CheckInColumn::NextSteps),
    })
}

/// Reads a data row of the action review table. A row without a check-in,
/// an action or a known status is skipped.
pub(crate) fn read_action_review_row(
    header: &Header<ActionReviewColumn>,
    row: &Row,
) -> Result<ActionReviewRow, String> {
    check_width(header, row)?;
    let cell = |column| header.cell(&row.cells, column).to_owned();

    let check_in = cell(ActionReviewColumn::CheckIn);
    let action = cell(ActionReviewColumn::Action);
    for (column, text) in [
        (ActionReviewColumn::CheckIn, &check_in),
        (ActionReviewColumn::Action, &action),
    ] {
        if text.trim().is_empty() {
            return Err(format!("the {} cell is empty", header.name(column)));
        }
    }

    let status_text = cell(ActionReviewColumn::Status);
    let Some(status) = parse_status(&status_text) else {
        return Err(format!(
            "{} `{status_text}` is not a known status (expected Not Started, In Progress, \
             Completed or On Hold)",
            header.name(ActionReviewColumn::Status)
        ));
    };

    Ok(ActionReviewRow {
        check_in,
        action,
        status,
    })
}

/// Reads a Done cell: yes, no, a status, or empty for not done.
fn parse_done(text: &str) -> Option<bool> {
    match normalize(text).as_str() {
        "yes" | "y" | "true" | "x" | "done" | "reached" | "met" | "complete" | "completed" => {
            Some(true)
        }
        "" | "no" | "n" | "false" | "not done" | "not met" | "open" | "pending" => Some(false),
        other => parse_status(other).map(|status| status == ActionStatus::Completed),
    }
}

fn parse_check_in_kind(text: &str) -> Option<CheckInKind> {
    if let Some(kind) = parse_label(CheckInKind::ALL, CheckInKind::as_str, text) {
        return Some(kind);
    }
    match normalize(text).as_str() {
        "pulse" | "pulse checks" => Some(CheckInKind::PulseCheck),
        "checkin" | "meeting" | "team meeting" | "regular" => Some(CheckInKind::CheckIn),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn done_reads_yes_no_and_statuses() {
        assert_eq!(parse_done("Yes"), Some(true));
        assert_eq!(parse_done(""), Some(false));
        assert_eq!(parse_done("Completed"), Some(true));
        assert_eq!(parse_done("In Progress"), Some(false));
        assert_eq!(parse_done("maybe"), None);
    }

    #[test]
    fn check_in_kinds_read_labels_and_synonyms() {
        assert_eq!(
            parse_check_in_kind("Pulse check"),
            Some(CheckInKind::PulseCheck)
        );
        assert_eq!(parse_check_in_kind("check_in"), Some(CheckInKind::CheckIn));
        assert_eq!(
            parse_check_in_kind("Team meeting"),
            Some(CheckInKind::CheckIn)
        );
        assert_eq!(parse_check_in_kind("Retreat"), None);
    }
}
