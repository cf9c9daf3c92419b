//! Reading one row of the plan table into typed cells, with a warning for
//! each cell that cannot be read and a reason when the whole row cannot.
//!
//! Outside a file written by the CSV export, an action cell that lists
//! numbered steps becomes one action per step, and a description cell that
//! lists them becomes the action's milestones (see [`crate::import::steps`]).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::import::columns::{Header, PlanColumn};
use crate::import::repair::{filled_width, rejoin_split_cell};
use crate::import::report::CellWarning;
use crate::import::resources::{resource_with_budget, resources_from_cell, ResourceDraft};
use crate::import::steps::split_numbered_steps;
use crate::import::values::{
    labels_of, normalize, parse_action_kind, parse_amount, parse_date, parse_label, parse_number,
    parse_status, parse_timeline, Number, Season, DATE_FORMATS,
};
use crate::import::Row;
use crate::model::{ActionKind, ActionStatus, Direction, SupportType};

/// The columns whose cells belong to the row's goal.
const GOAL_COLUMNS: [PlanColumn; 13] = [
    PlanColumn::GoalNumber,
    PlanColumn::GoalStatement,
    PlanColumn::Measure,
    PlanColumn::Unit,
    PlanColumn::BaselineDate,
    PlanColumn::Baseline,
    PlanColumn::TargetDate,
    PlanColumn::Target,
    PlanColumn::Direction,
    PlanColumn::InterimTargetDate,
    PlanColumn::InterimTarget,
    PlanColumn::MonitoringFrequency,
    PlanColumn::Rationale,
];

/// The columns whose cells belong to the row's action.
const ACTION_COLUMNS: [PlanColumn; 13] = [
    PlanColumn::ActionNumber,
    PlanColumn::ActionTitle,
    PlanColumn::ActionDescription,
    PlanColumn::ActionType,
    PlanColumn::SupportType,
    PlanColumn::Owner,
    PlanColumn::StartDate,
    PlanColumn::DueDate,
    PlanColumn::Timeline,
    PlanColumn::Status,
    PlanColumn::SuccessIndicator,
    PlanColumn::EvidenceOfImplementation,
    PlanColumn::Notes,
];

/// The typed cells of one plan table row.
#[derive(Clone, Debug)]
pub(crate) struct PlanRow {
    pub(crate) line: usize,
    pub(crate) root_cause: Option<RootCauseCells>,
    pub(crate) goal: Option<GoalCells>,
    /// One action, or one per step of a numbered list in the action cell.
    pub(crate) actions: Vec<ActionCells>,
    /// The numbered steps of the description cell, which become milestones
    /// of each action the row creates.
    pub(crate) action_steps: Vec<String>,
    pub(crate) resources: Vec<ResourceDraft>,
    pub(crate) professional_learning: Option<String>,
    /// Fall, Winter and Spring values, with the column name as written.
    pub(crate) seasonal: Vec<(Season, String, f64)>,
}

#[derive(Clone, Debug)]
pub(crate) struct RootCauseCells {
    /// The Root Cause # cell, which later rows and tables refer to.
    pub(crate) number: String,
    pub(crate) statement: String,
    pub(crate) evidence: String,
}

#[derive(Clone, Debug)]
pub(crate) struct GoalCells {
    pub(crate) number: String,
    pub(crate) statement: String,
    pub(crate) measure: String,
    pub(crate) unit: String,
    pub(crate) baseline: Option<Number>,
    pub(crate) baseline_date: Option<NaiveDate>,
    pub(crate) target: Option<Number>,
    pub(crate) target_date: Option<NaiveDate>,
    pub(crate) direction: Option<Direction>,
    pub(crate) interim_target: Option<Number>,
    pub(crate) interim_target_date: Option<NaiveDate>,
    pub(crate) monitoring_frequency: String,
    pub(crate) rationale: String,
}

#[derive(Clone, Debug)]
pub(crate) struct ActionCells {
    /// The Action # cell, which later rows and tables refer to.
    pub(crate) number: String,
    pub(crate) kind: ActionKind,
    /// `None` lets the importer infer the type of a support structure,
    /// except in a file written by the CSV export.
    pub(crate) support_type: Option<SupportType>,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) owner: String,
    pub(crate) start_date: Option<NaiveDate>,
    pub(crate) due_date: Option<NaiveDate>,
    pub(crate) status: ActionStatus,
    pub(crate) success_indicator: String,
    pub(crate) evidence_of_implementation: String,
    pub(crate) notes: String,
}

/// Cell access and warnings for one row.
struct Cells<'a> {
    header: &'a Header<PlanColumn>,
    row: &'a Row,
    warnings: &'a mut Vec<CellWarning>,
}

impl Cells<'_> {
    fn text(&self, column: PlanColumn) -> String {
        self.header.cell(&self.row.cells, column).to_owned()
    }

    fn any_filled(&self, columns: &[PlanColumn]) -> bool {
        columns
            .iter()
            .any(|column| !self.header.cell(&self.row.cells, *column).is_empty())
    }

    /// Reads an enum cell by its label or snake_case name. An unreadable
    /// cell adds a warning and reads as `None`.
    fn label<T: Copy>(
        &mut self,
        column: PlanColumn,
        all: &[T],
        name: fn(T) -> &'static str,
    ) -> Option<T> {
        let text = self.text(column);
        if text.is_empty() {
            return None;
        }

        let value = parse_label(all, name, &text);
        if value.is_none() {
            self.warn(
                column,
                format!(
                    "`{text}` is not known (expected {}); it was left empty",
                    labels_of(all, name)
                ),
            );
        }
        value
    }

    fn warn(&mut self, column: PlanColumn, message: String) {
        self.warnings.push(CellWarning {
            line: self.row.line,
            column: self.header.name(column).to_owned(),
            message,
        });
    }

    fn date(&mut self, column: PlanColumn) -> Option<NaiveDate> {
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

    fn number(&mut self, column: PlanColumn) -> Option<Number> {
        let text = self.text(column);
        if text.is_empty() {
            return None;
        }

        let number = parse_number(&text);
        if number.is_none() {
            self.warn(
                column,
                format!("`{text}` is not a number (expected a value such as 48 or 48%); it was left empty"),
            );
        }
        number
    }

    fn amount(&mut self, column: PlanColumn) -> Option<Decimal> {
        let text = self.text(column);
        if text.is_empty() {
            return None;
        }

        match parse_amount(&text) {
            Some(amount) if amount < Decimal::ZERO => {
                self.warn(
                    column,
                    format!("`{text}` is below zero; no budget line was made"),
                );
                None
            }
            Some(amount) => Some(amount),
            None => {
                self.warn(
                    column,
                    format!(
                        "`{text}` is not an amount (expected a number such as 1440 or $1,440.00); \
                         no budget line was made"
                    ),
                );
                None
            }
        }
    }
}

/// Reads a data row of the plan table. Returns the reason when the row
/// cannot be imported at all; unreadable cells only add warnings.
///
/// In a file written by the CSV export (`exact`), a row has a root cause,
/// goal or action when any of its cells is filled, and numbered steps are
/// not split. Elsewhere it needs the text or the number of the entity.
pub(crate) fn read_plan_row(
    header: &Header<PlanColumn>,
    row: &Row,
    warnings: &mut Vec<CellWarning>,
    exact: bool,
) -> Result<PlanRow, String> {
    let row = line_up(header, row, warnings)?;
    let row = &row;

    let mut cells = Cells {
        header,
        row,
        warnings,
    };

    let root_cause_number = cells.text(PlanColumn::RootCauseNumber);
    let root_cause_text = cells.text(PlanColumn::RootCause);
    let goal_statement = cells.text(PlanColumn::GoalStatement);
    let goal_number = cells.text(PlanColumn::GoalNumber);
    let action_title = cells.text(PlanColumn::ActionTitle);
    let action_number = cells.text(PlanColumn::ActionNumber);
    let professional_learning = cells.text(PlanColumn::ProfessionalLearning);
    let professional_learning =
        (!is_none_text(&professional_learning)).then_some(professional_learning);

    let (has_root_cause, has_goal, has_action) = if exact {
        (
            cells.any_filled(&[
                PlanColumn::RootCauseNumber,
                PlanColumn::RootCause,
                PlanColumn::RootCauseEvidence,
            ]),
            cells.any_filled(&GOAL_COLUMNS),
            cells.any_filled(&ACTION_COLUMNS),
        )
    } else {
        (
            !root_cause_text.is_empty() || !root_cause_number.is_empty(),
            !goal_statement.is_empty() || !goal_number.is_empty(),
            !action_title.is_empty() || !action_number.is_empty(),
        )
    };

    if !has_root_cause && !has_goal && !has_action && professional_learning.is_none() {
        return Err("the row has no root cause, goal or action text".to_owned());
    }

    let action_kind = if has_action {
        Some(read_action_kind(&mut cells, &action_title)?)
    } else {
        None
    };

    let root_cause = has_root_cause.then(|| RootCauseCells {
        number: root_cause_number,
        statement: root_cause_text,
        evidence: cells.text(PlanColumn::RootCauseEvidence),
    });

    let goal = has_goal.then(|| read_goal_cells(&mut cells, goal_number, goal_statement));

    let mut actions = Vec::new();
    let mut action_steps = Vec::new();
    if let Some(kind) = action_kind {
        let mut action = read_action_cells(&mut cells, kind, action_number, action_title);
        if !exact {
            if let Some(steps) = split_numbered_steps(&action.description) {
                action_steps = steps;
                action.description.clear();
            }
        }
        actions = match split_numbered_steps(&action.title).filter(|_| !exact) {
            Some(titles) => titles
                .into_iter()
                .map(|title| ActionCells {
                    title,
                    ..action.clone()
                })
                .collect(),
            None => vec![action],
        };
    }

    let resources = read_resources(&mut cells);
    let seasonal = read_seasonal(&mut cells);

    Ok(PlanRow {
        line: row.line,
        root_cause,
        goal,
        actions,
        action_steps,
        resources,
        professional_learning,
        seasonal,
    })
}

/// Checks that the row's cells line up with the header, repairing a cell
/// split by an unquoted comma (see [`crate::import::repair`]).
fn line_up(
    header: &Header<PlanColumn>,
    row: &Row,
    warnings: &mut Vec<CellWarning>,
) -> Result<Row, String> {
    let filled = filled_width(&row.cells);
    let shifted = || {
        format!(
            "the row has {filled} filled cells but the header on line {} has {} columns, so its \
             cells may have shifted; put cells that contain commas in quotes",
            header.line, header.width
        )
    };

    if row.cells.len() < header.width {
        return Err(format!(
            "the row has {} cells but the header on line {} has {} columns, so its cells may \
             have shifted; fill the missing cells or remove the row",
            row.cells.len(),
            header.line,
            header.width
        ));
    }
    if filled <= header.width {
        return Ok(row.clone());
    }

    let fits = |cells: &[String]| typed_cells_fit(header, cells);
    if let Some(repair) = rejoin_split_cell(&row.cells, header.width, fits) {
        let column = header.names.get(repair.index).cloned().unwrap_or_default();
        warnings.push(CellWarning {
            line: row.line,
            column,
            message: format!(
                "the row had {filled} filled cells for {} columns, so `{}` was read as one \
                 cell whose comma was not quoted",
                header.width, repair.cells[repair.index]
            ),
        });
        return Ok(Row {
            line: row.line,
            cells: repair.cells,
        });
    }

    if !typed_cells_fit(header, &row.cells) {
        return Err(shifted());
    }

    for (index, text) in row.cells.iter().enumerate().skip(header.width) {
        if !text.is_empty() {
            warnings.push(CellWarning {
                line: row.line,
                column: format!("column {}", index + 1),
                message: format!("`{text}` is in a column with no header and was not imported"),
            });
        }
    }
    Ok(row.clone())
}

/// Returns whether every non-empty typed cell of the row reads as its type.
fn typed_cells_fit(header: &Header<PlanColumn>, cells: &[String]) -> bool {
    let reads = |column: PlanColumn, parse: &dyn Fn(&str) -> bool| {
        let text = header.cell(cells, column);
        text.is_empty() || parse(text)
    };
    let is_date = |text: &str| parse_date(text).is_some();
    let is_number = |text: &str| parse_number(text).is_some();

    reads(PlanColumn::ActionType, &|text| {
        parse_action_kind(text).is_some()
    }) && reads(PlanColumn::Status, &|text| parse_status(text).is_some())
        && reads(PlanColumn::Budget, &|text| parse_amount(text).is_some())
        && [
            PlanColumn::StartDate,
            PlanColumn::DueDate,
            PlanColumn::BaselineDate,
            PlanColumn::TargetDate,
            PlanColumn::InterimTargetDate,
        ]
        .into_iter()
        .all(|column| reads(column, &is_date))
        && [
            PlanColumn::Baseline,
            PlanColumn::Target,
            PlanColumn::InterimTarget,
            PlanColumn::Fall,
            PlanColumn::Winter,
            PlanColumn::Spring,
        ]
        .into_iter()
        .all(|column| reads(column, &is_number))
}

/// Returns whether a cell means "nothing", such as `None` or `N/A`.
fn is_none_text(text: &str) -> bool {
    matches!(
        normalize(text).as_str(),
        "" | "none" | "n a" | "na" | "not applicable"
    )
}

/// Reads the kind of the row's action. An action type that is present but
/// unknown rejects the row, because filing the action under the wrong kind
/// would misstate the plan. An empty one reads as primary, with a warning
/// when the row names an action rather than only an action number.
fn read_action_kind(cells: &mut Cells<'_>, title: &str) -> Result<ActionKind, String> {
    if !cells.header.has(PlanColumn::ActionType) {
        return Ok(ActionKind::Primary);
    }

    let text = cells.text(PlanColumn::ActionType);
    if text.is_empty() {
        if !title.is_empty() {
            cells.warn(
                PlanColumn::ActionType,
                "the action type is empty; the action was imported as a primary action".to_owned(),
            );
        }
        return Ok(ActionKind::Primary);
    }

    match parse_action_kind(&text) {
        Some(kind) => Ok(kind),
        None => Err(format!(
            "{} `{text}` is not known (expected Primary Action or Support Structure)",
            cells.header.name(PlanColumn::ActionType)
        )),
    }
}

fn read_goal_cells(cells: &mut Cells<'_>, number: String, statement: String) -> GoalCells {
    let baseline = cells.number(PlanColumn::Baseline);
    let target = cells.number(PlanColumn::Target);

    let mut unit = cells.text(PlanColumn::Unit);
    let percent = baseline.is_some_and(|number| number.percent)
        || target.is_some_and(|number| number.percent);
    if unit.is_empty() && percent {
        unit = "%".to_owned();
    }

    GoalCells {
        number,
        statement,
        measure: cells.text(PlanColumn::Measure),
        unit,
        baseline,
        baseline_date: cells.date(PlanColumn::BaselineDate),
        target,
        target_date: cells.date(PlanColumn::TargetDate),
        direction: cells.label(PlanColumn::Direction, Direction::ALL, Direction::as_str),
        interim_target: cells.number(PlanColumn::InterimTarget),
        interim_target_date: cells.date(PlanColumn::InterimTargetDate),
        monitoring_frequency: cells.text(PlanColumn::MonitoringFrequency),
        rationale: cells.text(PlanColumn::Rationale),
    }
}

fn read_action_cells(
    cells: &mut Cells<'_>,
    kind: ActionKind,
    number: String,
    title: String,
) -> ActionCells {
    let mut start_date = cells.date(PlanColumn::StartDate);
    let mut due_date = cells.date(PlanColumn::DueDate);

    let timeline = cells.text(PlanColumn::Timeline);
    if !timeline.is_empty() && start_date.is_none() && due_date.is_none() {
        match parse_timeline(&timeline) {
            Some((start, due)) => {
                start_date = start;
                due_date = Some(due);
            }
            None => cells.warn(
                PlanColumn::Timeline,
                format!(
                    "`{timeline}` is not a date range (expected Mon YYYY - Mon YYYY or two dates); \
                     the dates were left empty"
                ),
            ),
        }
    }

    let status_text = cells.text(PlanColumn::Status);
    let status = if status_text.is_empty() {
        ActionStatus::NotStarted
    } else {
        parse_status(&status_text).unwrap_or_else(|| {
            cells.warn(
                PlanColumn::Status,
                format!(
                    "`{status_text}` is not a known status (expected Not Started, In Progress, \
                     Completed or On Hold); the action was imported as not started"
                ),
            );
            ActionStatus::NotStarted
        })
    };

    ActionCells {
        number,
        kind,
        support_type: cells.label(
            PlanColumn::SupportType,
            SupportType::ALL,
            SupportType::as_str,
        ),
        title,
        description: cells.text(PlanColumn::ActionDescription),
        owner: cells.text(PlanColumn::Owner),
        start_date,
        due_date,
        status,
        success_indicator: cells.text(PlanColumn::SuccessIndicator),
        evidence_of_implementation: cells.text(PlanColumn::EvidenceOfImplementation),
        notes: cells.text(PlanColumn::Notes),
    }
}

fn read_resources(cells: &mut Cells<'_>) -> Vec<ResourceDraft> {
    let text = cells.text(PlanColumn::Resources);
    let funding_source = cells.text(PlanColumn::FundingSource);

    if cells.header.has(PlanColumn::Budget) {
        let amount = cells.amount(PlanColumn::Budget);
        return resource_with_budget(&text, amount, &funding_source)
            .into_iter()
            .collect();
    }

    let (drafts, messages) = resources_from_cell(&text, &funding_source);
    for message in messages {
        cells.warn(PlanColumn::Resources, message);
    }
    drafts
}

fn read_seasonal(cells: &mut Cells<'_>) -> Vec<(Season, String, f64)> {
    let seasons = [
        (Season::Fall, PlanColumn::Fall),
        (Season::Winter, PlanColumn::Winter),
        (Season::Spring, PlanColumn::Spring),
    ];

    let mut values = Vec::new();
    for (season, column) in seasons {
        if let Some(number) = cells.number(column) {
            values.push((season, cells.header.name(column).to_owned(), number.value));
        }
    }
    values
}
