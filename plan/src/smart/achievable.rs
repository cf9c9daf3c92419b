//! The Achievable rule: the change that a goal's target requires is not
//! larger per month than school teams usually reach, unless the team backs
//! it with a rationale or an interim target. A percentage target also lies
//! within 0 to 100.
//!
//! The change runs from the baseline date to the target date. A goal with
//! no baseline date counts from the start of the plan's school year
//! ([`Plan::school_year_start`](crate::Plan::school_year_start)).

use chrono::NaiveDate;

use crate::model::Goal;
use crate::text::{format_number, format_value, is_percent, join_with_and};

use super::{is_between, StartDate};

/// The maximum change per month, in percentage points, that passes without
/// a rationale or an interim target: 30 points over a ten-month school
/// year.
pub const MAX_POINTS_PER_MONTH: f64 = 3.0;

/// The maximum change per month, as a share of the baseline, that passes
/// without a rationale or an interim target for a goal whose unit is not a
/// percentage: 0.05 is 5% of the baseline per month, half of it over a
/// ten-month school year.
pub const MAX_RELATIVE_CHANGE_PER_MONTH: f64 = 0.05;

/// The mean length of a Gregorian month in days.
const DAYS_PER_MONTH: f64 = 365.2425 / 12.0;

/// Lists the Achievable problems of a goal, without the property's name.
pub(super) fn problems(goal: &Goal, start: StartDate) -> Vec<String> {
    let mut problems = Vec::new();

    if let Some(target) = goal.target_value {
        if is_percent(&goal.unit) && !(0.0..=100.0).contains(&target) {
            problems.push(format!(
                "the target ({}) is outside 0-100%",
                format_value(target, &goal.unit)
            ));
        }
    }

    match measure_pace(goal, start) {
        Err(reason) => {
            problems.push(format!("the size of the change cannot be judged {reason}"));
        }
        Ok(Some(pace)) if pace.is_too_fast() && !is_backed(goal, start) => {
            problems.push(format!(
                "the target asks for a change of {} in {}; add a rationale or an interim target",
                pace.describe_change(),
                describe_months(pace.months)
            ));
        }
        Ok(_) => {}
    }

    problems
}

/// The change that a goal's target requires, and the time it gives.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Pace {
    change: Change,
    months: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Change {
    /// The distance between two percentages, in points.
    Points(f64),
    /// The change of any other unit, as a share of the baseline.
    Relative {
        share: f64,
        baseline: f64,
        target: f64,
    },
}

impl Pace {
    fn is_too_fast(self) -> bool {
        match self.change {
            Change::Points(points) => points / self.months > MAX_POINTS_PER_MONTH,
            Change::Relative { share, .. } => share / self.months > MAX_RELATIVE_CHANGE_PER_MONTH,
        }
    }

    /// Writes the change as "33 points" or "47% (from 38 to 20)".
    fn describe_change(self) -> String {
        match self.change {
            Change::Points(points) => {
                let number = format_number(points);
                if number == "1" {
                    "1 point".to_owned()
                } else {
                    format!("{number} points")
                }
            }
            Change::Relative {
                share,
                baseline,
                target,
            } => format!(
                "{}% (from {} to {})",
                format_number((share * 100.0).round()),
                format_number(baseline),
                format_number(target)
            ),
        }
    }
}

/// Measures the change that a goal's target requires, and the time it gives.
///
/// Returns `Ok(None)` for a goal whose unit is not a percentage and whose
/// baseline is zero, because a change from zero has no size relative to
/// the baseline. Returns the end of a sentence naming what is missing when
/// the pace cannot be measured.
fn measure_pace(goal: &Goal, start: StartDate) -> Result<Option<Pace>, String> {
    let mut missing = Vec::new();
    if goal.baseline_value.is_none() {
        missing.push("a baseline value");
    }
    if goal.target_value.is_none() {
        missing.push("a target value");
    }
    if start == StartDate::Unknown {
        missing.push("a baseline date or a school year");
    }
    if goal.target_date.is_none() {
        missing.push("a target date");
    }

    let (Some(baseline), Some(target), Some(start_date), Some(target_date)) = (
        goal.baseline_value,
        goal.target_value,
        start.date(),
        goal.target_date,
    ) else {
        return Err(format!("without {}", join_with_and(&missing)));
    };

    if target_date <= start_date {
        return Err(format!(
            "because the target date ({target_date}) is not after {}",
            start.describe()
        ));
    }
    let months = months_between(start_date, target_date);

    let change = if is_percent(&goal.unit) {
        Change::Points((target - baseline).abs())
    } else if baseline == 0.0 {
        return Ok(None);
    } else {
        Change::Relative {
            share: ((target - baseline) / baseline).abs(),
            baseline,
            target,
        }
    };
    Ok(Some(Pace { change, months }))
}

/// Returns whether the team backs the goal with a rationale or with an
/// interim target on the way. An interim target is on the way when its value
/// lies between the baseline and the target, and its date after the start
/// date and before the target date.
fn is_backed(goal: &Goal, start: StartDate) -> bool {
    if !goal.rationale.trim().is_empty() {
        return true;
    }

    let (Some(interim), Some(interim_date)) = (goal.interim_target_value, goal.interim_target_date)
    else {
        return false;
    };
    let (Some(baseline), Some(target)) = (goal.baseline_value, goal.target_value) else {
        return false;
    };

    let after_start = start.date().is_none_or(|date| interim_date > date);
    let before_target = goal.target_date.is_none_or(|date| interim_date < date);
    is_between(interim, baseline, target) && after_start && before_target
}

fn months_between(start: NaiveDate, end: NaiveDate) -> f64 {
    (end - start).num_days() as f64 / DAYS_PER_MONTH
}

/// Writes a number of months for a message, rounded to whole months.
fn describe_months(months: f64) -> String {
    let whole = months.round();
    if months < 1.0 {
        "less than a month".to_owned()
    } else if whole == 1.0 {
        "1 month".to_owned()
    } else {
        format!("{whole} months")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_between_school_year_dates() {
        let start = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();

        assert_eq!(describe_months(months_between(start, end)), "9 months");
    }

    #[test]
    fn short_span_reads_less_than_a_month() {
        assert_eq!(describe_months(0.6), "less than a month");
    }
}
