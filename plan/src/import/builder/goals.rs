//! Finding, creating and merging the goals of the plan table's rows.

use std::fmt::Display;

use chrono::NaiveDate;

use crate::import::builder::{number_text_conflict, PlanBuilder};
use crate::import::goal_statement::{read_statement, StatementFacts};
use crate::import::plan_rows::GoalCells;
use crate::import::report::CellWarning;
use crate::import::values::normalize;
use crate::model::Goal;

impl PlanBuilder {
    /// Finds or creates the row's goal. Returns `None` for a row that names
    /// only a goal number that no earlier row gave a statement for.
    pub(super) fn goal(
        &mut self,
        cells: GoalCells,
        line: usize,
        warnings: &mut Vec<CellWarning>,
    ) -> Option<usize> {
        let by_text = |key: &str| self.goals.get(key).copied();
        let found = self.find_entity(&self.goal_numbers, by_text, &cells.number, &cells.statement);
        let existing = match found {
            Ok(existing) => existing,
            Err(()) => {
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
        };

        match existing {
            Some(index) => {
                if let Some(warning) = number_text_conflict(
                    self.exact,
                    line,
                    "SMART Goal",
                    &cells.number,
                    &self.plan.goals[index].statement,
                    &cells.statement,
                ) {
                    warnings.push(warning);
                }
                self.merge_goal(index, cells, line, warnings);
                Some(index)
            }
            None => Some(self.new_goal(cells, line)),
        }
    }

    fn new_goal(&mut self, cells: GoalCells, line: usize) -> usize {
        let facts = if self.exact {
            StatementFacts::default()
        } else {
            read_statement(&cells.statement)
        };
        let baseline = cells.baseline.or(facts.baseline);
        let target = cells.target.or(facts.target);

        let mut goal = Goal::new(cells.statement.clone());
        goal.measure = cells.measure;
        goal.unit = cells.unit;
        goal.baseline_value = baseline.map(|number| number.value);
        goal.baseline_date = cells.baseline_date;
        goal.target_value = target.map(|number| number.value);
        goal.target_date = cells.target_date.or(facts.target_date);
        goal.direction = cells.direction.or(facts.direction);
        goal.interim_target_value = cells.interim_target.map(|number| number.value);
        goal.interim_target_date = cells.interim_target_date;
        goal.monitoring_frequency = cells.monitoring_frequency;
        goal.rationale = cells.rationale;

        let percent = baseline.is_some_and(|number| number.percent)
            || target.is_some_and(|number| number.percent);
        if goal.unit.is_empty() && percent {
            goal.unit = "%".to_owned();
        }

        self.plan.goals.push(goal);
        self.goal_numbers.push(cells.number);
        self.goal_lines.push(line);

        let index = self.plan.goals.len() - 1;
        if !self.exact {
            self.goals.insert(normalize(&cells.statement), index);
        }
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
        merge_option(
            &mut goal.interim_target_value,
            cells.interim_target.map(|n| n.value),
            "Interim Target",
            &mut conflict,
        );
        merge_date(
            &mut goal.interim_target_date,
            cells.interim_target_date,
            "Interim Target Date",
            &mut conflict,
        );
        merge_text(
            &mut goal.rationale,
            &cells.rationale,
            "Rationale",
            &mut conflict,
        );
        match (goal.direction, cells.direction) {
            (None, Some(direction)) => goal.direction = Some(direction),
            (Some(kept), Some(given)) if kept != given => {
                conflict("Direction", &kept, &given);
            }
            _ => {}
        }

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
        self.goal_numbers.fill(index, cells.number);
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
