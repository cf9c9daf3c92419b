//! The CSV export of a plan: one sheet that [`crate::import_csv`] reads
//! back into an equal plan (with new entity ids).
//!
//! The sheet uses the importer's layout. A `Format,Cairn CSV 1` line comes
//! first, so the importer reads the file exactly, then the `Key,Value`
//! plan lines and one table per part of the plan, each after a title row:
//!
//! 1. `Action Plan`: root causes, then goals, then actions, one row each,
//!    numbered by their position (`Root Cause #`, `Goal #`, `Action #`).
//!    A goal's first root cause and an action's first goal share its row;
//!    each further link gets a row that has only the two numbers.
//! 2. `Progress Monitoring`: the measurements, by `Goal #`.
//! 3. `Milestones` and `Resources`, which name their actions by `Action #`.
//! 4. `Check-ins`, numbered, and `Action Reviews`, by `Check-in #` and
//!    `Action #`.
//!
//! Cells are quoted as RFC 4180 specifies, and lines end in CRLF. Amounts and
//! numbers are plain decimals, dates are `YYYY-MM-DD`, and enum values are
//! written as labels such as `In progress`. Text that starts with `=`, `+`,
//! `-`, `@`, a tab or a carriage return gets a leading `'`, so a
//! spreadsheet reads it as text instead of running it as a formula. The
//! importer removes that quote. The format is described in
//! `docs/export-format.md`.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::csv_layout::{
    enum_label, quote_text, ACTION_REVIEWS_TITLE, CHECK_INS_TITLE, FORMAT_KEY, FORMAT_VALUE,
    LINK_SEPARATOR, MEASUREMENTS_TITLE, MILESTONES_TITLE, PLAN_TABLE_TITLE, RESOURCES_TITLE,
};
use crate::ids::EntityId;
use crate::model::{Action, ActionKind, Goal, Plan, RootCause};

/// The header of the plan table. The row builders below fill the cells in
/// this order.
const PLAN_HEADER: [&str; 28] = [
    "Root Cause #",
    "Root Cause",
    "Root Cause Evidence",
    "Goal #",
    "SMART Goal",
    "Measure",
    "Unit",
    "Baseline",
    "Baseline Date",
    "Target",
    "Target Date",
    "Direction",
    "Interim Target",
    "Interim Target Date",
    "Monitoring Frequency",
    "Rationale",
    "Action #",
    "Action Step",
    "Description",
    "Action Type",
    "Support Type",
    "Person(s) Responsible",
    "Start Date",
    "Due Date",
    "Status",
    "Success Indicator",
    "Evidence of Implementation",
    "Notes",
];

/// The first column of each entity's cells in [`PLAN_HEADER`].
const ROOT_CAUSE_START: usize = 0;
const GOAL_START: usize = 3;
const ACTION_START: usize = 16;

const LINE_END: &str = "\r\n";

/// Writes a plan as one CSV sheet that [`crate::import_csv`] reads back
/// into an equal plan.
///
/// ```
/// use cairn_plan::{export_csv, import_csv, Goal, Plan, PlanDocument};
///
/// let mut plan = Plan::default();
/// plan.title = "Lincoln Elementary Behavior Plan 2026-27".to_owned();
/// plan.goals.push(Goal::new("Reduce monthly ODRs, from 38 to 20"));
/// let plan = PlanDocument::from_plan(&plan).unwrap().snapshot();
///
/// let text = export_csv(&plan);
/// let read_back = import_csv(text.as_bytes()).unwrap().document.snapshot();
///
/// assert_eq!(read_back.title, plan.title);
/// assert_eq!(read_back.goals[0].statement, plan.goals[0].statement);
/// assert_eq!(read_back.goals[0].baseline_value, None);
/// ```
pub fn export_csv(plan: &Plan) -> String {
    let mut sheet = Sheet::default();

    sheet.row([FORMAT_KEY.to_owned(), FORMAT_VALUE.to_owned()]);
    write_plan_fields(&mut sheet, plan);

    let numbers = Numbers::new(plan);
    write_plan_table(&mut sheet, plan, &numbers);
    write_measurements(&mut sheet, plan, &numbers);
    write_milestones(&mut sheet, plan, &numbers);
    write_resources(&mut sheet, plan, &numbers);
    write_check_ins(&mut sheet, plan);
    write_action_reviews(&mut sheet, plan, &numbers);

    sheet.text
}

/// The text of the sheet being written.
#[derive(Default)]
pub(crate) struct Sheet {
    pub(crate) text: String,
}

impl Sheet {
    /// Writes one row, quoting each cell as RFC 4180 specifies.
    pub(crate) fn row<I: IntoIterator<Item = String>>(&mut self, cells: I) {
        for (index, cell) in cells.into_iter().enumerate() {
            if index > 0 {
                self.text.push(',');
            }
            self.text.push_str(&quote_cell(&cell));
        }
        self.text.push_str(LINE_END);
    }

    /// Starts a table: a blank line, the title row and the header row.
    pub(crate) fn table(&mut self, title: &str, header: &[&str]) {
        self.text.push_str(LINE_END);
        self.row([title.to_owned()]);
        self.row(header.iter().map(|name| (*name).to_owned()));
    }
}

/// Quotes a cell that contains a comma, a quote or a line break, or that
/// starts or ends with white space, and doubles its quotes.
fn quote_cell(cell: &str) -> String {
    let needs_quotes = cell.contains([',', '"', '\r', '\n'])
        || cell.starts_with(char::is_whitespace)
        || cell.ends_with(char::is_whitespace);
    if needs_quotes {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

/// The 1-based numbers that the sheet gives entities in place of their
/// ids.
struct Numbers {
    root_causes: Vec<EntityId>,
    goals: Vec<EntityId>,
    actions: Vec<EntityId>,
}

impl Numbers {
    fn new(plan: &Plan) -> Self {
        Self {
            root_causes: plan
                .root_causes
                .iter()
                .map(|item| item.id.clone())
                .collect(),
            goals: plan.goals.iter().map(|item| item.id.clone()).collect(),
            actions: plan.actions.iter().map(|item| item.id.clone()).collect(),
        }
    }

    fn root_cause(&self, id: &EntityId) -> String {
        number_of(&self.root_causes, id)
    }

    fn goal(&self, id: &EntityId) -> String {
        number_of(&self.goals, id)
    }

    fn action(&self, id: &EntityId) -> String {
        number_of(&self.actions, id)
    }

    /// Lists the numbers of linked actions, such as `1; 3`.
    fn actions(&self, ids: &[EntityId]) -> String {
        ids.iter()
            .map(|id| self.action(id))
            .filter(|number| !number.is_empty())
            .collect::<Vec<_>>()
            .join(LINK_SEPARATOR)
    }
}

/// Returns the 1-based position of `id`, or "" for an id that is not in
/// the plan.
fn number_of(ids: &[EntityId], id: &EntityId) -> String {
    ids.iter()
        .position(|other| other == id)
        .map_or_else(String::new, |index| (index + 1).to_string())
}

fn write_plan_fields(sheet: &mut Sheet, plan: &Plan) {
    let mut field = |key: &str, value: &str| sheet.row([key.to_owned(), quote_text(value)]);

    field("Title", &plan.title);
    field("District", &plan.district);
    field("School", &plan.school);
    field("School Year", &plan.school_year);
    field("Focus Area", &plan.focus_area);
    field("Team", &plan.team);
    for school in &plan.participating_schools {
        field("Participating School", school);
    }
    field("Status", &enum_label(plan.status.as_str()));
    field("Currency", &plan.currency);
}

fn write_plan_table(sheet: &mut Sheet, plan: &Plan, numbers: &Numbers) {
    sheet.table(PLAN_TABLE_TITLE, &PLAN_HEADER);

    for root_cause in &plan.root_causes {
        let mut row = empty_plan_row();
        fill(
            &mut row,
            ROOT_CAUSE_START,
            root_cause_cells(root_cause, numbers),
        );
        sheet.row(row);
    }

    for goal in &plan.goals {
        let mut links = goal.root_cause_ids.iter().map(|id| numbers.root_cause(id));

        let mut row = empty_plan_row();
        fill(&mut row, GOAL_START, goal_cells(goal, numbers));
        row[ROOT_CAUSE_START] = links.next().unwrap_or_default();
        sheet.row(row);

        for root_cause in links {
            sheet.row(link_row(
                ROOT_CAUSE_START,
                root_cause,
                GOAL_START,
                numbers.goal(&goal.id),
            ));
        }
    }

    for action in &plan.actions {
        let mut links = action.goal_ids.iter().map(|id| numbers.goal(id));

        let mut row = empty_plan_row();
        fill(&mut row, ACTION_START, action_cells(action, numbers));
        row[GOAL_START] = links.next().unwrap_or_default();
        sheet.row(row);

        for goal in links {
            sheet.row(link_row(
                GOAL_START,
                goal,
                ACTION_START,
                numbers.action(&action.id),
            ));
        }
    }
}

fn empty_plan_row() -> Vec<String> {
    vec![String::new(); PLAN_HEADER.len()]
}

fn fill(row: &mut [String], start: usize, cells: Vec<String>) {
    for (offset, cell) in cells.into_iter().enumerate() {
        row[start + offset] = cell;
    }
}

/// Builds a row that only links two entities by their numbers.
fn link_row(
    first: usize,
    first_number: String,
    second: usize,
    second_number: String,
) -> Vec<String> {
    let mut row = empty_plan_row();
    row[first] = first_number;
    row[second] = second_number;
    row
}

fn root_cause_cells(root_cause: &RootCause, numbers: &Numbers) -> Vec<String> {
    vec![
        numbers.root_cause(&root_cause.id),
        quote_text(&root_cause.statement),
        quote_text(&root_cause.evidence),
    ]
}

fn goal_cells(goal: &Goal, numbers: &Numbers) -> Vec<String> {
    vec![
        numbers.goal(&goal.id),
        quote_text(&goal.statement),
        quote_text(&goal.measure),
        quote_text(&goal.unit),
        number_cell(goal.baseline_value),
        date_cell(goal.baseline_date),
        number_cell(goal.target_value),
        date_cell(goal.target_date),
        goal.direction
            .map_or_else(String::new, |direction| enum_label(direction.as_str())),
        number_cell(goal.interim_target_value),
        date_cell(goal.interim_target_date),
        quote_text(&goal.monitoring_frequency),
        quote_text(&goal.rationale),
    ]
}

fn action_cells(action: &Action, numbers: &Numbers) -> Vec<String> {
    let kind = match action.kind {
        ActionKind::Primary => "Primary Action",
        ActionKind::Support => "Support Structure",
    };

    vec![
        numbers.action(&action.id),
        quote_text(&action.title),
        quote_text(&action.description),
        kind.to_owned(),
        action
            .support_type
            .map_or_else(String::new, |support_type| {
                enum_label(support_type.as_str())
            }),
        quote_text(&action.owner),
        date_cell(action.start_date),
        date_cell(action.due_date),
        enum_label(action.status.as_str()),
        quote_text(&action.success_indicator),
        quote_text(&action.evidence_of_implementation),
        quote_text(&action.notes),
    ]
}

fn write_measurements(sheet: &mut Sheet, plan: &Plan, numbers: &Numbers) {
    sheet.table(
        MEASUREMENTS_TITLE,
        &["Goal #", "Measure", "Date", "Value", "Note"],
    );

    for measurement in &plan.measurements {
        let measure = plan
            .goal(&measurement.goal_id)
            .map_or("", |goal| goal.measure.as_str());
        sheet.row([
            numbers.goal(&measurement.goal_id),
            quote_text(measure),
            measurement.date.to_string(),
            measurement.value.to_string(),
            quote_text(&measurement.note),
        ]);
    }
}

fn write_milestones(sheet: &mut Sheet, plan: &Plan, numbers: &Numbers) {
    sheet.table(MILESTONES_TITLE, &["Milestone", "Date", "Done", "Actions"]);

    for milestone in &plan.milestones {
        let done = if milestone.done { "Yes" } else { "No" };
        sheet.row([
            quote_text(&milestone.title),
            date_cell(milestone.date),
            done.to_owned(),
            numbers.actions(&milestone.action_ids),
        ]);
    }
}

fn write_resources(sheet: &mut Sheet, plan: &Plan, numbers: &Numbers) {
    sheet.table(
        RESOURCES_TITLE,
        &[
            "Resource",
            "Kind",
            "Amount",
            "Funding Source",
            "Hours",
            "Actions",
        ],
    );

    for resource in &plan.resources {
        sheet.row([
            quote_text(&resource.description),
            enum_label(resource.kind.as_str()),
            decimal_cell(resource.amount),
            quote_text(&resource.funding_source),
            decimal_cell(resource.hours),
            numbers.actions(&resource.action_ids),
        ]);
    }
}

fn write_check_ins(sheet: &mut Sheet, plan: &Plan) {
    sheet.table(
        CHECK_INS_TITLE,
        &[
            "Check-in #",
            "Date",
            "Kind",
            "Attendees",
            "Summary",
            "Decisions",
            "Next Steps",
        ],
    );

    for (index, check_in) in plan.check_ins.iter().enumerate() {
        sheet.row([
            (index + 1).to_string(),
            date_cell(check_in.date),
            enum_label(check_in.kind.as_str()),
            quote_text(&check_in.attendees),
            quote_text(&check_in.summary),
            quote_text(&check_in.decisions),
            quote_text(&check_in.next_steps),
        ]);
    }
}

fn write_action_reviews(sheet: &mut Sheet, plan: &Plan, numbers: &Numbers) {
    sheet.table(ACTION_REVIEWS_TITLE, &["Check-in #", "Action #", "Status"]);

    for (index, check_in) in plan.check_ins.iter().enumerate() {
        for review in &check_in.action_reviews {
            let action = numbers.action(&review.action_id);
            if action.is_empty() {
                continue;
            }
            sheet.row([
                (index + 1).to_string(),
                action,
                enum_label(review.status.as_str()),
            ]);
        }
    }
}

fn number_cell(value: Option<f64>) -> String {
    value.map_or_else(String::new, |value| value.to_string())
}

fn decimal_cell(value: Option<Decimal>) -> String {
    value.map_or_else(String::new, |value| value.to_string())
}

fn date_cell(date: Option<NaiveDate>) -> String {
    date.map_or_else(String::new, |date| date.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_with_commas_quotes_and_breaks_are_quoted() {
        assert_eq!(quote_cell("cafeteria, hallway"), "\"cafeteria, hallway\"");
        assert_eq!(
            quote_cell("the \"Cool Tools\" lessons"),
            "\"the \"\"Cool Tools\"\" lessons\""
        );
        assert_eq!(quote_cell("line one\nline two"), "\"line one\nline two\"");
    }

    #[test]
    fn plain_cells_are_not_quoted() {
        assert_eq!(quote_cell("Teach lessons"), "Teach lessons");
        assert_eq!(quote_cell(""), "");
    }

    #[test]
    fn cells_with_edge_spaces_are_quoted() {
        assert_eq!(quote_cell(" Principal"), "\" Principal\"");
    }

    #[test]
    fn rows_end_in_crlf() {
        let mut sheet = Sheet::default();

        sheet.row(["School".to_owned(), "Lincoln Elementary".to_owned()]);

        assert_eq!(sheet.text, "School,Lincoln Elementary\r\n");
    }
}
