//! Reading one row of the plan table into typed cells, with a warning for
//! each cell that cannot be read and a reason when the whole row cannot.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::import::columns::{Header, PlanColumn};
use crate::import::repair::{filled_width, rejoin_split_cell};
use crate::import::report::CellWarning;
use crate::import::resources::{resource_with_budget, resources_from_cell, ResourceDraft};
use crate::import::values::{
    normalize, parse_action_kind, parse_amount, parse_date, parse_number, parse_status,
    parse_timeline, Number, Season, DATE_FORMATS,
};
use crate::import::Row;
use crate::model::{ActionKind, ActionStatus, SupportType};

/// The typed cells of one plan table row.
#[derive(Clone, Debug)]
pub(crate) struct PlanRow {
    pub(crate) line: usize,
    pub(crate) root_cause: Option<RootCauseCells>,
    pub(crate) goal: Option<GoalCells>,
    pub(crate) action: Option<ActionCells>,
    pub(crate) resources: Vec<ResourceDraft>,
    pub(crate) professional_learning: Option<String>,
    /// Fall, Winter and Spring values, with the column name as written.
    pub(crate) seasonal: Vec<(Season, String, f64)>,
}

#[derive(Clone, Debug)]
pub(crate) struct RootCauseCells {
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
    pub(crate) monitoring_frequency: String,
}

#[derive(Clone, Debug)]
pub(crate) struct ActionCells {
    pub(crate) kind: ActionKind,
    /// `None` lets the importer infer the type of a support structure.
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
pub(crate) fn read_plan_row(
    header: &Header<PlanColumn>,
    row: &Row,
    warnings: &mut Vec<CellWarning>,
) -> Result<PlanRow, String> {
    let row = line_up(header, row, warnings)?;
    let row = &row;

    let mut cells = Cells {
        header,
        row,
        warnings,
    };

    let root_cause_text = cells.text(PlanColumn::RootCause);
    let goal_statement = cells.text(PlanColumn::GoalStatement);
    let goal_number = cells.text(PlanColumn::GoalNumber);
    let action_title = cells.text(PlanColumn::ActionTitle);
    let professional_learning = cells.text(PlanColumn::ProfessionalLearning);
    let professional_learning =
        (!is_none_text(&professional_learning)).then_some(professional_learning);

    if root_cause_text.is_empty()
        && goal_statement.is_empty()
        && goal_number.is_empty()
        && action_title.is_empty()
        && professional_learning.is_none()
    {
        return Err("the row has no root cause, goal or action text".to_owned());
    }

    let action_kind = read_action_kind(&mut cells, &action_title)?;

    let root_cause = (!root_cause_text.is_empty()).then(|| RootCauseCells {
        statement: root_cause_text,
        evidence: cells.text(PlanColumn::RootCauseEvidence),
    });

    let goal = if goal_statement.is_empty() && goal_number.is_empty() {
        None
    } else {
        Some(read_goal_cells(&mut cells, goal_number, goal_statement))
    };

    let action = action_kind.map(|kind| read_action_cells(&mut cells, kind, action_title));

    let resources = read_resources(&mut cells);
    let seasonal = read_seasonal(&mut cells);

    Ok(PlanRow {
        line: row.line,
        root_cause,
        goal,
        action,
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
        ]
        .into_iter()
        .all(|column| reads(column, &is_date))
        && [
            PlanColumn::Baseline,
            PlanColumn::Target,
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

/// Reads the kind of the row's action, or `None` when the row has no
/// action. An action type that is present but unknown rejects the row,
/// because filing the action under the wrong kind would misstate the plan.
fn read_action_kind(cells: &mut Cells<'_>, title: &str) -> Result<Option<ActionKind>, String> {
    if title.is_empty() {
        return Ok(None);
    }
    if !cells.header.has(PlanColumn::ActionType) {
        return Ok(Some(ActionKind::Primary));
    }

    let text = cells.text(PlanColumn::ActionType);
    if text.is_empty() {
        cells.warn(
            PlanColumn::ActionType,
            "the action type is empty; the action was imported as a primary action".to_owned(),
        );
        return Ok(Some(ActionKind::Primary));
    }

    match parse_action_kind(&text) {
        Some(kind) => Ok(Some(kind)),
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
        monitoring_frequency: cells.text(PlanColumn::MonitoringFrequency),
    }
}

fn read_action_cells(cells: &mut Cells<'_>, kind: ActionKind, title: String) -> ActionCells {
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
        kind,
        support_type: None,
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
