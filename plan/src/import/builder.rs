//! Collecting the rows of a spreadsheet into one [`Plan`].
//!
//! Rows that repeat a root cause, goal or action become one entity, found
//! by its text compared without case, punctuation or extra spaces, and each
//! repeat adds its links: goal to root cause, action to goal. A row that
//! gives only an entity's number (`Root Cause #`, `Goal #`, `Action #`)
//! refers to the entity an earlier row gave that number. A repeated goal
//! keeps the values of its first row, and a later row that gives another
//! value adds a warning. Different Monitoring Frequency values are joined
//! with `; ` instead.
//!
//! In a file written by the CSV export (`exact`), entities are found by
//! their number only, so two entities with the same text stay two, and no
//! value is inferred from text: the cells are the whole entity.

mod goals;
mod numbers;
mod tables;

use std::collections::HashMap;

use crate::ids::EntityId;
use crate::import::columns::PlanKey;
use crate::import::measurement_rows::{match_goal, PendingMeasurement};
use crate::import::plan_rows::{ActionCells, PlanRow, RootCauseCells};
use crate::import::report::{CellWarning, ImportReport};
use crate::import::resources::ResourceDraft;
use crate::import::values::{
    find_school_year, infer_support_type, labels_of, normalize, parse_label, SchoolYear,
};
use crate::model::{
    Action, ActionKind, Measurement, Milestone, Plan, PlanStatus, Resource, RootCause, SupportType,
};
use numbers::EntityNumbers;

/// The plan being read, with indexes for finding repeated entities.
#[derive(Default)]
pub(crate) struct PlanBuilder {
    plan: Plan,
    report: ImportReport,
    /// Whether the file was written by the CSV export.
    exact: bool,
    school_year: Option<SchoolYear>,
    root_causes: HashMap<String, usize>,
    root_cause_numbers: EntityNumbers,
    goals: HashMap<String, usize>,
    goal_numbers: EntityNumbers,
    /// The line that created each goal, by goal index.
    goal_lines: Vec<usize>,
    actions: HashMap<(ActionKind, String), usize>,
    action_numbers: EntityNumbers,
    check_in_numbers: EntityNumbers,
    pending: Vec<PendingMeasurement>,
}

impl PlanBuilder {
    /// Starts an empty plan. `exact` is set for a file written by the CSV
    /// export.
    pub(crate) fn new(exact: bool) -> Self {
        Self {
            exact,
            ..Self::default()
        }
    }

    pub(crate) fn report_mut(&mut self) -> &mut ImportReport {
        &mut self.report
    }

    /// Applies a `Key,Value` row. `key_cell` is the key as written, for
    /// warnings.
    pub(crate) fn set_plan_field(
        &mut self,
        key: PlanKey,
        key_cell: &str,
        value: &str,
        line: usize,
    ) {
        match key {
            PlanKey::Title => {
                self.plan.title = value.to_owned();
                if self.school_year.is_none() && !self.exact {
                    self.set_school_year(find_school_year(value));
                }
            }
            PlanKey::District => self.plan.district = value.to_owned(),
            PlanKey::School => self.plan.school = value.to_owned(),
            PlanKey::SchoolYear if self.exact => {
                self.school_year = find_school_year(value);
                self.plan.school_year = value.to_owned();
            }
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
            PlanKey::ParticipatingSchool => {
                if self.exact || !value.is_empty() {
                    self.plan.participating_schools.push(value.to_owned());
                }
            }
            PlanKey::Currency => self.plan.currency = value.to_owned(),
            PlanKey::Status => match parse_label(PlanStatus::ALL, PlanStatus::as_str, value) {
                Some(status) => self.plan.status = status,
                None => self.report.warnings.push(CellWarning {
                    line,
                    column: key_cell.to_owned(),
                    message: format!(
                        "`{value}` is not a plan status (expected {}); the plan was imported as a \
                         draft",
                        labels_of(PlanStatus::ALL, PlanStatus::as_str)
                    ),
                }),
            },
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
            .and_then(|cells| self.root_cause(cells, line, &mut warnings));

        let goal = row
            .goal
            .and_then(|cells| self.goal(cells, line, &mut warnings));
        if let (Some(goal), Some(root_cause)) = (goal, root_cause) {
            let root_cause_id = self.plan.root_causes[root_cause].id.clone();
            add_link(&mut self.plan.goals[goal].root_cause_ids, root_cause_id);
        }

        let goal_id = goal.map(|index| self.plan.goals[index].id.clone());
        let mut action_ids = Vec::new();
        for cells in row.actions {
            let action = self.action(
                cells,
                goal_id.as_ref(),
                &row.action_steps,
                line,
                &mut warnings,
            );
            if let Some(index) = action {
                action_ids.push(self.plan.actions[index].id.clone());
            }
        }

        for draft in row.resources {
            self.resource(draft, &action_ids);
        }

        if let Some(title) = row.professional_learning {
            let cells = ActionCells::support_title(title);
            self.action(cells, goal_id.as_ref(), &[], line, &mut warnings);
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
            match match_goal(&self.plan, self.goal_numbers.as_slice(), &measurement) {
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

    /// Finds the entity of the row, or `None` when it is new. In a file
    /// written by the CSV export only the number counts. Elsewhere the text
    /// counts, and the number only when the text is empty. A number that no
    /// earlier row gave is then an error, returned as `Err`.
    fn find_entity(
        &self,
        numbers: &EntityNumbers,
        by_text: impl Fn(&str) -> Option<usize>,
        number: &str,
        text: &str,
    ) -> Result<Option<usize>, ()> {
        let by_number = || numbers.find(number);

        if self.exact {
            return Ok(by_number());
        }
        if !text.is_empty() {
            return Ok(by_text(&normalize(text)));
        }
        by_number().map(Some).ok_or(())
    }

    fn root_cause(
        &mut self,
        cells: RootCauseCells,
        line: usize,
        warnings: &mut Vec<CellWarning>,
    ) -> Option<usize> {
        let by_text = |key: &str| self.root_causes.get(key).copied();
        let found = self.find_entity(
            &self.root_cause_numbers,
            by_text,
            &cells.number,
            &cells.statement,
        );
        let existing = match found {
            Ok(existing) => existing,
            Err(()) => {
                warnings.push(missing_number_warning(line, "Root Cause #", &cells.number));
                return None;
            }
        };

        if let Some(index) = existing {
            let root_cause = &mut self.plan.root_causes[index];
            if let Some(warning) = number_text_conflict(
                self.exact,
                line,
                "Root Cause",
                &cells.number,
                &root_cause.statement,
                &cells.statement,
            ) {
                warnings.push(warning);
            }
            if root_cause.evidence.is_empty() {
                root_cause.evidence = cells.evidence;
            }
            self.root_cause_numbers.fill(index, cells.number);
            return Some(index);
        }

        let mut root_cause = RootCause::new(cells.statement.clone());
        root_cause.evidence = cells.evidence;
        self.plan.root_causes.push(root_cause);
        self.root_cause_numbers.push(cells.number);

        let index = self.plan.root_causes.len() - 1;
        if !self.exact {
            self.root_causes.insert(normalize(&cells.statement), index);
        }
        Some(index)
    }

    /// Finds or creates the row's action and links it to the row's goal. A
    /// new action gets one milestone per entry of `steps`, in order.
    fn action(
        &mut self,
        cells: ActionCells,
        goal_id: Option<&EntityId>,
        steps: &[String],
        line: usize,
        warnings: &mut Vec<CellWarning>,
    ) -> Option<usize> {
        let kind = cells.kind;
        let by_text = |title: &str| self.actions.get(&(kind, title.to_owned())).copied();
        let found = self.find_entity(&self.action_numbers, by_text, &cells.number, &cells.title);
        let existing = match found {
            Ok(existing) => existing,
            Err(()) => {
                warnings.push(missing_number_warning(line, "Action #", &cells.number));
                return None;
            }
        };

        if let Some(index) = existing {
            if let Some(warning) = number_text_conflict(
                self.exact,
                line,
                "Action Step",
                &cells.number,
                &self.plan.actions[index].title,
                &cells.title,
            ) {
                warnings.push(warning);
            }
            if let Some(goal_id) = goal_id {
                add_link(&mut self.plan.actions[index].goal_ids, goal_id.clone());
            }
            self.action_numbers.fill(index, cells.number);
            return Some(index);
        }

        let key = (cells.kind, normalize(&cells.title));
        let number = cells.number.clone();
        let action = self.new_action(cells, goal_id);
        let action_id = action.id.clone();
        self.plan.actions.push(action);
        self.action_numbers.push(number);

        let index = self.plan.actions.len() - 1;
        if !self.exact {
            self.actions.insert(key, index);
        }

        for step in steps {
            let mut milestone = Milestone::new(step.clone(), None);
            milestone.action_ids.push(action_id.clone());
            self.plan.milestones.push(milestone);
        }
        Some(index)
    }

    fn new_action(&self, cells: ActionCells, goal_id: Option<&EntityId>) -> Action {
        let mut action = match cells.kind {
            ActionKind::Primary => Action::new(ActionKind::Primary, cells.title.clone()),
            ActionKind::Support if self.exact => Action {
                support_type: cells.support_type,
                ..Action::new(ActionKind::Support, cells.title.clone())
            },
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
        action
    }

    /// Adds a resource linked to the row's actions, unless the same
    /// resource is already linked to the first of them, so a repeated row
    /// does not count twice.
    fn resource(&mut self, draft: ResourceDraft, action_ids: &[EntityId]) {
        let same = self.plan.resources.iter().any(|resource| {
            resource.kind == draft.kind
                && resource.description == draft.description
                && resource.amount == draft.amount
                && resource.funding_source == draft.funding_source
                && action_ids
                    .first()
                    .is_some_and(|id| resource.action_ids.contains(id))
        });
        if same {
            return;
        }

        let mut resource = Resource::new(draft.kind, draft.description);
        resource.amount = draft.amount;
        resource.funding_source = draft.funding_source;
        resource.action_ids = action_ids.to_vec();
        self.plan.resources.push(resource);
    }
}

fn missing_number_warning(line: usize, column: &str, number: &str) -> CellWarning {
    CellWarning {
        line,
        column: column.to_owned(),
        message: format!(
            "`{number}` is not the number of an entity on this or an earlier row, so the row's \
             links to it were not imported"
        ),
    }
}

impl ActionCells {
    /// Builds the cells of a support structure named in a Professional
    /// Learning column: training, with no other field.
    fn support_title(title: String) -> Self {
        Self {
            number: String::new(),
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

/// Returns a warning when a row of a file written by the CSV export
/// repeats an entity's number with other text. Such a row refers to the
/// entity by its number, so its text is not imported.
pub(super) fn number_text_conflict(
    exact: bool,
    line: usize,
    column: &str,
    number: &str,
    kept: &str,
    given: &str,
) -> Option<CellWarning> {
    if !exact || given.is_empty() || given == kept {
        return None;
    }

    Some(CellWarning {
        line,
        column: column.to_owned(),
        message: format!(
            "`{given}` differs from `{kept}`, the text an earlier row gave number `{number}`;              the earlier text was kept. Give the row another number to import it as a new entry"
        ),
    })
}
