//! The progress monitoring status of a goal: its measurements, the aim line
//! from baseline to target, the trend fitted through the measurements, and
//! whether the goal is on track.
//!
//! [`goal_progress`] applies this rule, explained in
//! `docs/progress-monitoring.md`:
//!
//! 1. **Not enough data** when the goal lacks a baseline value, a baseline
//!    date, a target value or a target date. The same holds when its
//!    direction is unknown or contradicts its values, and when fewer than
//!    [`MIN_MEASUREMENTS`] measurements fall on or after the baseline date
//!    or all of them fall on one date. The reason names what is missing.
//! 2. Otherwise a least-squares line through the measurements since the
//!    baseline date is projected to the target date.
//! 3. **On track** when the projection meets the target, unless the latest
//!    [`LATEST_POINTS_BEHIND`] measurements all fall behind the aim line,
//!    which makes the goal **at risk**.
//! 4. **At risk** when the projection closes at least
//!    [`AT_RISK_MIN_SHARE_OF_GAP`] of the gap between baseline and target,
//!    but not all of it.
//! 5. **Off track** otherwise: the projection closes less than that share,
//!    or moves away from the target.
//!
//! "Behind" means below the aim line for a goal that increases and above it
//! for a goal that decreases.
//!
//! ```
//! use cairn_plan::progress::{goal_progress, GoalStatus};
//! use cairn_plan::{Goal, Plan};
//!
//! let plan = Plan::default();
//! let goal = Goal::new("Reduce chronic absence in grades 6-8 from 24% to 18%");
//!
//! let progress = goal_progress(&plan, &goal);
//!
//! assert_eq!(progress.status, GoalStatus::NotEnoughData);
//! ```

mod trend;

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{named_enum, Direction, Goal, Plan};
use crate::text::{format_value, join_with_and};
use trend::{AimLine, Trend};

/// The minimum number of measurements since the baseline date needed to
/// fit a trend.
pub const MIN_MEASUREMENTS: usize = 3;

/// The smallest share of the gap between baseline and target that the
/// projected trend must close for a goal to be at risk rather than off
/// track.
pub const AT_RISK_MIN_SHARE_OF_GAP: f64 = 0.5;

/// How many of the latest measurements must all fall behind the aim line to
/// make a goal at risk even though its trend meets the target.
pub const LATEST_POINTS_BEHIND: usize = 3;

/// Tolerance for rounding when the projection is compared with the target.
const EPSILON: f64 = 1e-9;

named_enum! {
    /// Whether a goal's measurements show it reaching its target.
    GoalStatus, "goal status" {
        OnTrack => "on_track",
        AtRisk => "at_risk",
        OffTrack => "off_track",
        NotEnoughData => "not_enough_data",
    }
}

impl GoalStatus {
    /// Returns the status as the UI shows it, such as "On track".
    pub fn label(self) -> &'static str {
        match self {
            GoalStatus::OnTrack => "On track",
            GoalStatus::AtRisk => "At risk",
            GoalStatus::OffTrack => "Off track",
            GoalStatus::NotEnoughData => "Not enough data",
        }
    }
}

/// A value of a goal's measure on a date, in the goal's unit.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ProgressPoint {
    pub date: NaiveDate,
    pub value: f64,
}

/// A goal's measurements, lines and status, ready to chart.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GoalProgress {
    /// The goal's measurements, sorted by date. Measurements before the
    /// baseline date are included here but left out of the trend.
    pub points: Vec<ProgressPoint>,
    /// The line from the baseline (value, date) to the target (value,
    /// date). `None` when one of the four is missing or the target date is
    /// not after the baseline date.
    pub aim_line: Option<(ProgressPoint, ProgressPoint)>,
    /// The least-squares trend from the date of the first measurement since
    /// the baseline date, projected to the target date. `None` when the
    /// status is [`GoalStatus::NotEnoughData`].
    pub trend: Option<(ProgressPoint, ProgressPoint)>,
    pub status: GoalStatus,
    /// One plain sentence saying why the goal has this status.
    pub reason: String,
}

/// Computes the progress of a goal of `plan` from the plan's measurements
/// of it, by the rule in the module documentation.
pub fn goal_progress(plan: &Plan, goal: &Goal) -> GoalProgress {
    let points = sorted_points(plan, goal);
    let aim = AimLine::of_goal(goal);
    let aim_line = aim.map(|aim| (aim.start, aim.end));

    let (status, reason, trend) = match inputs_for_status(goal, aim, &points) {
        Err(reason) => (GoalStatus::NotEnoughData, reason, None),
        Ok(inputs) => {
            let trend = (inputs.trend_start(), inputs.projection());
            if trend.0.value.is_finite() && trend.1.value.is_finite() {
                let (status, reason) = decide_status(goal, &inputs);
                (status, reason, Some(trend))
            } else {
                // Values near the limits of a float overflow the fit; no
                // real measure comes close, so this is a typing mistake.
                let reason = "The values are too large to fit a trend; check the baseline, target and measurements.".to_owned();
                (GoalStatus::NotEnoughData, reason, None)
            }
        }
    };

    GoalProgress {
        points,
        aim_line,
        trend,
        status,
        reason,
    }
}

/// Collects the goal's measurements as points, oldest first. Measurements
/// on one date keep their plan order.
fn sorted_points(plan: &Plan, goal: &Goal) -> Vec<ProgressPoint> {
    let mut points: Vec<ProgressPoint> = plan
        .measurements_of_goal(&goal.id)
        .map(|measurement| ProgressPoint {
            date: measurement.date,
            value: measurement.value,
        })
        .collect();
    points.sort_by_key(|point| point.date);
    points
}

/// Inputs of the status decision, available once the goal has enough data.
#[derive(Clone, Debug)]
struct StatusInputs {
    aim: AimLine,
    direction: Direction,
    /// The measurements on or after the baseline date, oldest first.
    monitored: Vec<ProgressPoint>,
    trend: Trend,
}

impl StatusInputs {
    fn trend_start(&self) -> ProgressPoint {
        let date = self.monitored[0].date;
        ProgressPoint {
            date,
            value: self.trend.value_at(date),
        }
    }

    fn projection(&self) -> ProgressPoint {
        let date = self.aim.end.date;
        ProgressPoint {
            date,
            value: self.trend.value_at(date),
        }
    }

    /// +1 for a goal that increases, -1 for one that decreases, so that a
    /// larger signed value is always better.
    fn sign(&self) -> f64 {
        match self.direction {
            Direction::Increase => 1.0,
            Direction::Decrease => -1.0,
        }
    }
}

/// Checks that the goal has the data a status needs, and fits the trend.
/// Returns the reason for "not enough data" otherwise.
fn inputs_for_status(
    goal: &Goal,
    aim: Option<AimLine>,
    points: &[ProgressPoint],
) -> Result<StatusInputs, String> {
    let monitored: Vec<ProgressPoint> = match goal.baseline_date {
        Some(baseline_date) => points
            .iter()
            .filter(|point| point.date >= baseline_date)
            .copied()
            .collect(),
        None => points.to_vec(),
    };

    let missing_fields = missing_fields(goal);
    let too_few = monitored.len() < MIN_MEASUREMENTS;
    if !missing_fields.is_empty() || too_few {
        return Err(describe_missing(goal, &missing_fields, monitored.len()));
    }

    let Some(aim) = aim else {
        return Err(format!(
            "The target date ({}) is not after the baseline date ({}), so there is no aim line.",
            display_date(goal.target_date),
            display_date(goal.baseline_date)
        ));
    };

    let direction = direction_for_status(goal, aim)?;

    let Some(trend) = Trend::fit(aim.start.date, &monitored) else {
        return Err(format!(
            "All {} measurements since the baseline date are from {}, so no trend can be fitted.",
            monitored.len(),
            monitored[0].date
        ));
    };

    Ok(StatusInputs {
        aim,
        direction,
        monitored,
        trend,
    })
}

fn missing_fields(goal: &Goal) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if goal.baseline_value.is_none() {
        missing.push("no baseline value");
    }
    if goal.baseline_date.is_none() {
        missing.push("no baseline date");
    }
    if goal.target_value.is_none() {
        missing.push("no target value");
    }
    if goal.target_date.is_none() {
        missing.push("no target date");
    }
    missing
}

/// Writes the reason for "not enough data" from the missing fields and the
/// number of measurements since the baseline date.
fn describe_missing(goal: &Goal, missing_fields: &[&str], measurement_count: usize) -> String {
    let mut parts: Vec<String> = missing_fields
        .iter()
        .map(|part| (*part).to_owned())
        .collect();

    let too_few = measurement_count < MIN_MEASUREMENTS;
    if too_few {
        let since = if goal.baseline_date.is_some() {
            " since the baseline date"
        } else {
            ""
        };
        parts.push(match measurement_count {
            0 => format!("no measurements{since}"),
            1 => format!("only 1 measurement{since}"),
            count => format!("only {count} measurements{since}"),
        });
    }

    let listed = join_with_and(&parts);
    if too_few {
        format!("The goal has {listed}, and a trend needs at least {MIN_MEASUREMENTS}.")
    } else {
        format!("The goal has {listed}, so there is no aim line to compare with.")
    }
}

/// Finds the direction the status is judged in: the goal's own, or the one
/// its baseline and target give. Returns the reason for "not enough data"
/// when there is none or when it contradicts the values.
fn direction_for_status(goal: &Goal, aim: AimLine) -> Result<Direction, String> {
    let baseline = format_value(aim.start.value, &goal.unit);
    let target = format_value(aim.end.value, &goal.unit);

    let Some(direction) = goal.effective_direction() else {
        return Err(format!(
            "The goal has no direction, and its target equals its baseline ({baseline}), so \
             the status cannot tell progress from decline."
        ));
    };

    let contradiction = match direction {
        Direction::Increase if aim.end.value <= aim.start.value => Some("above"),
        Direction::Decrease if aim.end.value >= aim.start.value => Some("below"),
        _ => None,
    };
    if let Some(side) = contradiction {
        return Err(format!(
            "The goal's direction is {direction}, but its target ({target}) is not {side} its \
             baseline ({baseline})."
        ));
    }
    Ok(direction)
}

/// Applies steps 3 to 5 of the rule in the module documentation.
fn decide_status(goal: &Goal, inputs: &StatusInputs) -> (GoalStatus, String) {
    let value = |value: f64| format_value(value, &goal.unit);
    let sign = inputs.sign();
    let aim = inputs.aim;

    let projection = inputs.projection();
    let gap = (aim.end.value - aim.start.value) * sign;
    let share_closed = (projection.value - aim.start.value) * sign / gap;

    let projects = format!(
        "The trend projects {} by {}",
        value(projection.value),
        projection.date
    );
    let between = format!(
        "the gap between the baseline ({}) and the target ({})",
        value(aim.start.value),
        value(aim.end.value)
    );

    if share_closed >= 1.0 - EPSILON {
        if latest_points_behind(inputs) {
            let side = match inputs.direction {
                Direction::Increase => "below",
                Direction::Decrease => "above",
            };
            return (
                GoalStatus::AtRisk,
                format!(
                    "{projects}, which meets the target of {}, but the last \
                     {LATEST_POINTS_BEHIND} measurements are {side} the aim line.",
                    value(aim.end.value)
                ),
            );
        }
        return (
            GoalStatus::OnTrack,
            format!(
                "{projects}, which meets the target of {}.",
                value(aim.end.value)
            ),
        );
    }

    // Floor, so that a share just short of the whole gap never reads 100%.
    let percent_closed = (share_closed * 100.0).floor();
    if share_closed >= AT_RISK_MIN_SHARE_OF_GAP {
        (
            GoalStatus::AtRisk,
            format!("{projects}, which closes {percent_closed}% of {between}."),
        )
    } else if share_closed > 0.0 {
        (
            GoalStatus::OffTrack,
            format!("{projects}, which closes only {percent_closed}% of {between}."),
        )
    } else {
        (
            GoalStatus::OffTrack,
            format!(
                "{projects}, which does not move from the baseline ({}) toward the target ({}).",
                value(aim.start.value),
                value(aim.end.value)
            ),
        )
    }
}

/// Returns whether the latest [`LATEST_POINTS_BEHIND`] measurements since
/// the baseline date all fall behind the aim line.
fn latest_points_behind(inputs: &StatusInputs) -> bool {
    let sign = inputs.sign();
    let latest = inputs
        .monitored
        .iter()
        .rev()
        .take(LATEST_POINTS_BEHIND)
        .collect::<Vec<_>>();

    latest.len() == LATEST_POINTS_BEHIND
        && latest
            .iter()
            .all(|point| (point.value - inputs.aim.value_at(point.date)) * sign < -EPSILON)
}

fn display_date(date: Option<NaiveDate>) -> String {
    date.map_or_else(String::new, |date| date.to_string())
}
