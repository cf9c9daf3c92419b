//! The Time-bound rule: a target date after the baseline date, a monitoring
//! frequency, and a date for the interim target within the goal's span.

use crate::model::Goal;
use crate::text::format_value;

use super::StartDate;

/// Lists the Time-bound problems of a goal, without the property's name.
pub(super) fn problems(goal: &Goal, start: StartDate) -> Vec<String> {
    let mut problems = Vec::new();

    match (goal.target_date, goal.baseline_date) {
        (None, _) => problems.push("no target date".to_owned()),
        (Some(target_date), Some(baseline_date)) if target_date <= baseline_date => {
            problems.push(format!(
                "the target date ({target_date}) is not after the baseline date ({baseline_date})"
            ));
        }
        _ => {}
    }

    if goal.monitoring_frequency.trim().is_empty() {
        problems.push("no monitoring frequency".to_owned());
    }

    match (goal.interim_target_value, goal.interim_target_date) {
        (Some(interim), None) => problems.push(format!(
            "the interim target ({}) has no date",
            format_value(interim, &goal.unit)
        )),
        (_, Some(interim_date)) => {
            let after_start = start.date().is_none_or(|date| interim_date > date);
            let before_target = goal.target_date.is_none_or(|date| interim_date < date);
            if !(after_start && before_target) {
                problems.push(format!(
                    "the interim target date ({interim_date}) is not between {} and the target \
                     date",
                    start.describe()
                ));
            }
        }
        (None, None) => {}
    }

    problems
}
