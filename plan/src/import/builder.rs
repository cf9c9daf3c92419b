//! Collecting the rows of a spreadsheet into one [`Plan`].
//!
//! Rows that repeat a root cause, goal or action become one entity, found
//! by its text compared without case, punctuation or extra spaces, and each
//! repeat adds its links: goal to root cause, action to goal. A repeated
//! goal keeps the values of its first row, and a later row that gives
//! another value adds a warning. Different Monitoring Frequency values are
//! joined with `; ` instead.

use std::collections::HashMap;
use std::fmt::Display;

use chrono::NaiveDate;

use crate::ids::EntityId;
use crate::import::columns::PlanKey;
use crate::import::goal_statement::read_statement;
use crate::import::measurement_rows::{match_goal, PendingMeasurement};
use crate::import::plan_rows::{ActionCells, GoalCells, PlanRow};
use crate::import::report::{CellWarning, ImportReport};
use crate::import::resources::ResourceDraft;
use crate::import::values::{find_school_year, infer_support_type, normalize, SchoolYear};
use crate::model::{Action, ActionKind, Goal, Measurement, Plan, Resource, RootCause, SupportType};

/// The plan being read, with indexes for finding repeated entities.
#[derive(Default)]
pub(crate) struct PlanBuilder {
    plan: Plan,
    report: ImportReport,
    school_year: Option<SchoolYear>,
    root_causes: HashMap<String, usize>,
    goals: HashMap<String, usize>,
    /// The Goal # cell of each goal, by goal index.
    goal_numbers: Vec<String>,
    /// The line that created each goal, by goal index.
    goal_lines: Vec<usize>,
    actions: HashMap<(ActionKind, String), usize>,
    pending: Vec<PendingMeasurement>,
}

impl PlanBuilder {
    pub(crate) fn report_mut(&mut self) -> &mut ImportReport {
        &mut self.report
    }

    /// Applies a `Key,Value` row above the tables.
    pub(crate) fn set_plan_field(&mut self, key: PlanKey, value: &str) {
        match key {
            PlanKey::Title => {
                self.plan.title = value.to_owned();
                if self.school_year.is_none() {
                    self.set_school_year(find_school_year(value));
                }
            }
            PlanKey::District => self.plan.district = value.to_owned(),
            PlanKey::School => self.plan.school = value.to_owned(),
            PlanKey::SchoolYear => match find_school_year(value) {
                Some(year) => self.set_school_year(Some(year)),
                None => self.plan.school_year = value.to_owned(),
            },
            PlanKey::FocusArea => self.plan.focus_area = value.to_owned(),
            PlanKey::Team => self.plan.team = value.to_owned(),
            PlanKey::Schools => {
                self.plan.participating_schools = value
                    .split([';', '\n'])
                    .map(str::trim)
                    .filter(|school| !school.is_empty())
                    .map(str::to_owned)
                    .collect();
            }
        }
    }

    fn set_school_year(&mut self, year: Option<SchoolYear>) {
        if let Some(year) = year {
            self.school_year = Some(year);
            self.plan.school_year = year.label();
        }
    }

    /// Adds the entities of one plan table row.
    pub(crate) fn add_plan_row(&mut self, row: PlanRow, warnings: Vec<CellWarning>) {
        let mut warnings = warnings;
        let line = row.line;

        let root_cause = row
            .root_cause
            .map(|cells| self.root_cause(&cells.statement, &cells.evidence));

        let goal = row
            .goal
            .and_then(|cells| self.goal(cells, line, &mut warnings));
        if let (Some(goal), Some(root_cause)) = (goal, root_cause) {
            let root_cause_id = self.plan.root_causes[root_cause].id.clone();
            add_link(&mut self.plan.goals[goal].root_cause_ids, root_cause_id);
        }

        let goal_id = goal.map(|index| self.plan.goals[index].id.clone());
        let action = row.action.map(|cells| self.action(cells, goal_id.as_ref()));

        let action_id = action.map(|index| self.plan.actions[index].id.clone());
        for draft in row.resources {
            self.resource(draft, action_id.as_ref());
        }

        if let Some(title) = row.professional_learning {
            let cells = ActionCells::support_title(title);
            self.action(cells, goal_id.as_ref());
        }

        for (season, column, value) in row.seasonal {
            let Some(goal_id) = goal_id.clone() else {
                warnings.push(CellWarning {
                    line,
                    column,
                    message: "the row has no goal, so this value was not imported".to_owned(),
                });
                continue;
            };
            let Some(date) = self.school_year.and_then(|year| season.date(year)) else {
                warnings.push(CellWarning {
                    line,
                    column,
                    message: "no school year was found in the plan title or a School Year line, \
                              so this value has no date and was not imported"
                        .to_owned(),
                });
                continue;
            };

            let duplicate = self
                .plan
                .measurements
                .iter()
                .any(|measurement| measurement.goal_id == goal_id && measurement.date == date);
            if !duplicate {
                let mut measurement = Measurement::new(goal_id, date, value);
                measurement.note = column;
                self.plan.measurements.push(measurement);
            }
        }

        self.report.rows_imported += 1;
        self.report.warnings.extend(warnings);
    }

    /// Queues a progress monitoring row until every goal is known.
    pub(crate) fn add_measurement(&mut self, measurement: PendingMeasurement) {
        self.pending.push(measurement);
    }

    /// Links the queued measurements to goals, fills empty goal measures
    /// from them, and returns the plan with the report.
    pub(crate) fn finish(mut self) -> (Plan, ImportReport) {
        let pending = std::mem::take(&mut self.pending);

        for measurement in pending {
            match match_goal(&self.plan, &self.goal_numbers, &measurement) {
                Ok(goal) => {
                    let goal = &mut self.plan.goals[goal];
                    if goal.measure.is_empty() {
                        goal.measure = measurement.measure.clone();
                    }

                    let mut entity =
                        Measurement::new(goal.id.clone(), measurement.date, measurement.value);
                    entity.note = measurement.note;
                    self.plan.measurements.push(entity);
                    self.report.rows_imported += 1;
                }
                Err(reason) => self.report.skip(measurement.line, reason),
            }
        }

        self.report.sort_by_line();
        (self.plan, self.report)
    }

    fn root_cause(&mut self, statement: &str, evidence: &str) -> usize {
        let key = normalize(statement);
        if let Some(index) = self.root_causes.get(&key) {
            let existing = &mut self.plan.root_causes[*index];
            if existing.evidence.is_empty() {
                existing.evidence = evidence.to_owned();
            }
            return *index;
        }

        let mut root_cause = RootCause::new(statement);
        root_cause.evidence = evidence.to_owned();
        self.plan.root_causes.push(root_cause);

        let index = self.plan.root_causes.len() - 1;
        self.root_causes.insert(key, index);
        index
    }

    /// Finds or creates the row's goal. Returns `None` for a row that names
    /// only a goal number that no earlier row gave a statement for.
    fn goal(
        &mut self,
        cells: GoalCells,
        line: usize,
        warnings: &mut Vec<CellWarning>,
    ) -> Option<usize> {
        let existing = if cells.statement.is_empty() {
            let number = normalize(&cells.number);
            let found = self
                .goal_numbers
                .iter()
                .position(|other| normalize(other) == number);
            if found.is_none() {
                warnings.push(CellWarning {
                    line,
                    column: "Goal".to_owned(),
                    message: format!(
                        "goal number `{}` has no goal statement on this or an earlier row, so the \
                         row's goal links were not imported",
                        cells.number
                    ),
                });
                return None;
            }
            found
        } else {
            self.goals.get(&normalize(&cells.statement)).copied()
        };

        match existing {
            Some(index) => {
                self.merge_goal(index, cells, line, warnings);
                Some(index)
            }
            None => Some(self.new_goal(cells, line)),
        }
    }

    fn new_goal(&mut self, cells: GoalCells, line: usize) -> usize {
        let facts = read_statement(&cells.statement);
        let baseline = cells.baseline.or(facts.baseline);
        let target = cells.target.or(facts.target);

        let mut goal = Goal::new(cells.statement.clone());
        goal.measure = cells.measure;
        goal.unit = cells.unit;
        goal.baseline_value = baseline.map(|number| number.value);
        goal.baseline_date = cells.baseline_date;
        goal.target_value = target.map(|number| number.value);
        goal.target_date = cells.target_date.or(facts.target_date);
        goal.direction = facts.direction;
        goal.monitoring_frequency = cells.monitoring_frequency;

        let percent = baseline.is_some_and(|number| number.percent)
            || target.is_some_and(|number| number.percent);
        if goal.unit.is_empty() && percent {
            goal.unit = "%".to_owned();
        }

        self.plan.goals.push(goal);
        self.goal_numbers.push(cells.number);
        self.goal_lines.push(line);

        let index = self.plan.goals.len() - 1;
        self.goals.insert(normalize(&cells.statement), index);
        index
    }

    fn merge_goal(
        &mut self,
        index: usize,
        cells: GoalCells,
        line: usize,
        warnings: &mut Vec<CellWarning>,
    ) {
        let first_line = self.goal_lines[index];
        let goal = &mut self.plan.goals[index];
        let mut conflict = |column: &str, kept: &dyn Display, given: &dyn Display| {
            warnings.push(CellWarning {
                line,
                column: column.to_owned(),
                message: format!(
                    "`{given}` differs from `{kept}` given for this goal on line {first_line}; \
                     the value of line {first_line} was kept"
                ),
            });
        };

        merge_text(&mut goal.measure, &cells.measure, "Measure", &mut conflict);
        merge_option(
            &mut goal.baseline_value,
            cells.baseline.map(|n| n.value),
            "Baseline",
            &mut conflict,
        );
        merge_option(
            &mut goal.target_value,
            cells.target.map(|n| n.value),
            "Target",
            &mut conflict,
        );
        merge_date(
            &mut goal.baseline_date,
            cells.baseline_date,
            "Baseline Date",
            &mut conflict,
        );
        merge_date(
            &mut goal.target_date,
            cells.target_date,
            "Target Date",
            &mut conflict,
        );

        let frequency = cells.monitoring_frequency;
        let known = goal
            .monitoring_frequency
            .split("; ")
            .any(|part| normalize(part) == normalize(&frequency));
        if !frequency.is_empty() && !known {
            if !goal.monitoring_frequency.is_empty() {
                goal.monitoring_frequency.push_str("; ");
            }
            goal.monitoring_frequency.push_str(&frequency);
        }

        if goal.unit.is_empty() {
            goal.unit = cells.unit;
        }
        if self.goal_numbers[index].is_empty() {
            self.goal_numbers[index] = cells.number;
        }
    }

    fn action(&mut self, cells: ActionCells, goal_id: Option<&EntityId>) -> usize {
        let key = (cells.kind, normalize(&cells.title));
        if let Some(index) = self.actions.get(&key) {
            if let Some(goal_id) = goal_id {
                add_link(&mut self.plan.actions[*index].goal_ids, goal_id.clone());
            }
            return *index;
        }

        let mut action = match cells.kind {
            ActionKind::Primary => Action::new(ActionKind::Primary, cells.title.clone()),
            ActionKind::Support => {
                let support_type = cells.support_type.unwrap_or_else(|| {
                    infer_support_type(&format!("{} {}", cells.title, cells.description))
                });
                Action::support(support_type, cells.title.clone())
            }
        };
        action.description = cells.description;
        action.owner = cells.owner;
        action.start_date = cells.start_date;
        action.due_date = cells.due_date;
        action.status = cells.status;
        action.success_indicator = cells.success_indicator;
        action.evidence_of_implementation = cells.evidence_of_implementation;
        action.notes = cells.notes;
        action.goal_ids = goal_id.cloned().into_iter().collect();

        self.plan.actions.push(action);
        let index = self.plan.actions.len() - 1;
        self.actions.insert(key, index);
        index
    }

    /// Adds a resource, or only links the action when the same resource
    /// is already in the plan, so a repeated row does not count twice.
    fn resource(&mut self, draft: ResourceDraft, action_id: Option<&EntityId>) {
        let same = self.plan.resources.iter_mut().find(|resource| {
            resource.kind == draft.kind
                && resource.description == draft.description
                && resource.amount == draft.amount
                && resource.funding_source == draft.funding_source
                && action_id.is_some_and(|id| resource.action_ids.contains(id))
        });
        if same.is_some() {
            return;
        }

        let mut resource = Resource::new(draft.kind, draft.description);
        resource.amount = draft.amount;
        resource.funding_source = draft.funding_source;
        resource.action_ids = action_id.cloned().into_iter().collect();
        self.plan.resources.push(resource);
    }
}

impl ActionCells {
    /// Builds the cells of a support structure named in a Professional
    /// Learning column: training, with no other field.
    fn support_title(title: String) -> Self {
        Self {
            kind: ActionKind::Support,
            support_type: Some(SupportType::Training),
            title,
            description: String::new(),
            owner: String::new(),
            start_date: None,
            due_date: None,
            status: Default::default(),
            success_indicator: String::new(),
            evidence_of_implementation: String::new(),
            notes: String::new(),
        }
    }
}

fn add_link(links: &mut Vec<EntityId>, id: EntityId) {
    if !links.contains(&id) {
        links.push(id);
    }
}

type Conflict<'a> = dyn FnMut(&str, &dyn Display, &dyn Display) + 'a;

fn merge_text(slot: &mut String, given: &str, column: &str, conflict: &mut Conflict<'_>) {
    if given.is_empty() {
        return;
    }
    if slot.is_empty() {
        *slot = given.to_owned();
    } else if normalize(slot) != normalize(given) {
        conflict(column, slot, &given);
    }
}

fn merge_option(
    slot: &mut Option<f64>,
    given: Option<f64>,
    column: &str,
    conflict: &mut Conflict<'_>,
) {
    match (*slot, given) {
        (None, Some(value)) => *slot = Some(value),
        (Some(kept), Some(value)) if kept != value => conflict(column, &kept, &value),
        _ => {}
    }
}

fn merge_date(
    slot: &mut Option<NaiveDate>,
    given: Option<NaiveDate>,
    column: &str,
    conflict: &mut Conflict<'_>,
) {
    match (*slot, given) {
        (None, Some(date)) => *slot = Some(date),
        (Some(kept), Some(date)) if kept != date => conflict(column, &kept, &date),
        _ => {}
    }
}
