//! The Measurable rule: a baseline, a target on the right side of it, and a
//! direction, with values that fit the unit.

use crate::model::{Direction, Goal};
use crate::text::{format_value, is_percent};

use super::is_between;

/// Lists the Measurable problems of a goal, without the property's name.
pub(super) fn problems(goal: &Goal) -> Vec<String> {
    let mut problems = Vec::new();
    let value = |value: f64| format_value(value, &goal.unit);

    if goal.baseline_value.is_none() {
        problems.push("no baseline value".to_owned());
    }
    if goal.target_value.is_none() {
        problems.push("no target value".to_owned());
    }

    if let Some(problem) = direction_problem(goal) {
        problems.push(problem);
    }

    if let Some(baseline) = goal.baseline_value {
        if is_percent(&goal.unit) && !(0.0..=100.0).contains(&baseline) {
            problems.push(format!(
                "the baseline ({}) is outside 0-100%",
                value(baseline)
            ));
        }
    }

    match (goal.interim_target_value, goal.interim_target_date) {
        (Some(interim), _) => {
            if let (Some(baseline), Some(target)) = (goal.baseline_value, goal.target_value) {
                if !is_between(interim, baseline, target) {
                    problems.push(format!(
                        "the interim target ({}) is not between the baseline ({}) and the \
                         target ({})",
                        value(interim),
                        value(baseline),
                        value(target)
                    ));
                }
            }
        }
        (None, Some(date)) => {
            problems.push(format!("the interim target on {date} has no value"));
        }
        (None, None) => {}
    }

    problems
}

/// Finds a missing direction, or a target on the wrong side of the baseline
/// for the goal's direction.
fn direction_problem(goal: &Goal) -> Option<String> {
    let value = |value: f64| format_value(value, &goal.unit);

    let Some(direction) = goal.effective_direction() else {
        let equal_values =
            goal.baseline_value.is_some() && goal.baseline_value == goal.target_value;
        return Some(if equal_values {
            "no direction (increase or decrease), and the target equals the baseline".to_owned()
        } else {
            "no direction (increase or decrease)".to_owned()
        });
    };

    let (baseline, target) = (goal.baseline_value?, goal.target_value?);
    match direction {
        Direction::Increase if target <= baseline => Some(format!(
            "the target ({}) is not above the baseline ({}), but the goal is to increase",
            value(target),
            value(baseline)
        )),
        Direction::Decrease if target >= baseline => Some(format!(
            "the target ({}) is not below the baseline ({}), but the goal is to decrease",
            value(target),
            value(baseline)
        )),
        _ => None,
    }
}
