//! The progress monitoring status of goals from school MTSS plans: when
//! there is not enough data, and when a trend is on track, at risk or off
//! track.
//!
//! Most tests use two goals whose measurements fall every 30 days after the
//! baseline date, so the trend is easy to follow by hand:
//!
//! - a reading fluency goal that increases from 40% on 2026-09-30 to 58% on
//!   2027-05-28 (240 days, so the aim line rises 2.25 points per 30 days);
//! - a chronic absence goal that decreases from 24% on 2026-09-30 to 18% on
//!   2027-06-04 (247 days).

use cairn_plan::{
    goal_progress, import_csv, Direction, Goal, GoalProgress, GoalStatus, Measurement, Plan,
    ProgressPoint,
};
use chrono::{Days, NaiveDate};

const LINCOLN: &[u8] = include_bytes!("fixtures/lincoln-elementary-behavior-2026-27.csv");
const RIVERBEND: &[u8] = include_bytes!("fixtures/riverbend-usd-early-literacy-2026-27.csv");

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// Returns the date `days` days after the baseline date of both test goals.
fn day(days: u64) -> NaiveDate {
    date(2026, 9, 30).checked_add_days(Days::new(days)).unwrap()
}

fn fluency_goal() -> Goal {
    let mut goal = Goal::new(
        "Increase the percentage of grade 2 students meeting the oral reading fluency \
         benchmark on monthly probes from 40% to 58% by May 28, 2027.",
    );
    goal.measure = "% of grade 2 students at the fluency benchmark".to_owned();
    goal.unit = "%".to_owned();
    goal.baseline_value = Some(40.0);
    goal.baseline_date = Some(day(0));
    goal.target_value = Some(58.0);
    goal.target_date = Some(date(2027, 5, 28));
    goal.direction = Some(Direction::Increase);
    goal.monitoring_frequency = "Monthly".to_owned();
    goal
}

fn absence_goal() -> Goal {
    let mut goal = Goal::new(
        "Reduce the percentage of students in grades 6-8 who are chronically absent from 24% \
         to 18% by June 4, 2027.",
    );
    goal.measure = "% of grade 6-8 students chronically absent".to_owned();
    goal.unit = "%".to_owned();
    goal.baseline_value = Some(24.0);
    goal.baseline_date = Some(day(0));
    goal.target_value = Some(18.0);
    goal.target_date = Some(date(2027, 6, 4));
    goal.direction = Some(Direction::Decrease);
    goal.monitoring_frequency = "Monthly".to_owned();
    goal
}

/// Computes the progress of a goal in a plan that contains it and the given
/// measurements, as (date, value) pairs.
fn progress(goal: Goal, measurements: &[(NaiveDate, f64)]) -> GoalProgress {
    let plan = Plan {
        measurements: measurements
            .iter()
            .map(|(date, value)| Measurement::new(goal.id.clone(), *date, *value))
            .collect(),
        goals: vec![goal],
        ..Plan::default()
    };
    goal_progress(&plan, &plan.goals[0])
}

/// Returns three monthly fluency results that rise 3 points a month, faster than
/// the aim line's 2.25.
fn fluency_rising_fast() -> Vec<(NaiveDate, f64)> {
    vec![(day(30), 43.0), (day(60), 46.0), (day(90), 49.0)]
}

fn point(date: NaiveDate, value: f64) -> ProgressPoint {
    ProgressPoint { date, value }
}

fn imported(input: &[u8]) -> Plan {
    import_csv(input).unwrap().document.snapshot()
}

// Status names.

#[test]
fn status_names_are_snake_case() {
    let names: Vec<&str> = GoalStatus::ALL
        .iter()
        .map(|status| status.as_str())
        .collect();

    assert_eq!(
        names,
        ["on_track", "at_risk", "off_track", "not_enough_data"]
    );
}

#[test]
fn status_labels_are_sentence_case() {
    let labels: Vec<&str> = GoalStatus::ALL
        .iter()
        .map(|status| status.label())
        .collect();

    assert_eq!(
        labels,
        ["On track", "At risk", "Off track", "Not enough data"]
    );
}

#[test]
fn status_parses_from_its_name() {
    assert_eq!("at_risk".parse::<GoalStatus>(), Ok(GoalStatus::AtRisk));
}

// Not enough data.

#[test]
fn no_measurements_is_not_enough_data() {
    let progress = progress(fluency_goal(), &[]);

    assert_eq!(
        progress.reason,
        "The goal has no measurements since the baseline date, and a trend needs at least 3."
    );
}

#[test]
fn two_measurements_is_not_enough_data() {
    let progress = progress(fluency_goal(), &[(day(30), 43.0), (day(60), 46.0)]);

    assert_eq!(progress.status, GoalStatus::NotEnoughData);
}

#[test]
fn two_measurements_reason_gives_count() {
    let progress = progress(fluency_goal(), &[(day(30), 43.0), (day(60), 46.0)]);

    assert_eq!(
        progress.reason,
        "The goal has only 2 measurements since the baseline date, and a trend needs at least 3."
    );
}

#[test]
fn not_enough_data_has_no_trend() {
    let progress = progress(fluency_goal(), &[(day(30), 43.0)]);

    assert_eq!(progress.trend, None);
}

#[test]
fn missing_baseline_value_is_named() {
    let mut goal = fluency_goal();
    goal.baseline_value = None;

    let progress = progress(goal, &fluency_rising_fast());

    assert_eq!(
        progress.reason,
        "The goal has no baseline value, so there is no aim line to compare with."
    );
}

#[test]
fn missing_baseline_date_is_named() {
    let mut goal = fluency_goal();
    goal.baseline_date = None;

    let progress = progress(goal, &fluency_rising_fast());

    assert_eq!(
        progress.reason,
        "The goal has no baseline date, so there is no aim line to compare with."
    );
}

#[test]
fn missing_target_value_is_named() {
    let mut goal = fluency_goal();
    goal.target_value = None;

    let progress = progress(goal, &fluency_rising_fast());

    assert_eq!(
        progress.reason,
        "The goal has no target value, so there is no aim line to compare with."
    );
}

#[test]
fn missing_target_date_is_named() {
    let mut goal = fluency_goal();
    goal.target_date = None;

    let progress = progress(goal, &fluency_rising_fast());

    assert_eq!(progress.status, GoalStatus::NotEnoughData);
}

#[test]
fn missing_items_named_together() {
    let mut goal = fluency_goal();
    goal.target_value = None;
    goal.target_date = None;

    let progress = progress(goal, &[(day(30), 43.0)]);

    assert_eq!(
        progress.reason,
        "The goal has no target value, no target date and only 1 measurement since the \
         baseline date, and a trend needs at least 3."
    );
}

#[test]
fn missing_target_leaves_no_aim_line() {
    let mut goal = fluency_goal();
    goal.target_value = None;

    let progress = progress(goal, &fluency_rising_fast());

    assert_eq!(progress.aim_line, None);
}

#[test]
fn identical_dates_are_not_enough_data() {
    let measurements = [(day(30), 43.0), (day(30), 46.0), (day(30), 44.0)];

    let progress = progress(fluency_goal(), &measurements);

    assert_eq!(progress.status, GoalStatus::NotEnoughData);
}

#[test]
fn identical_dates_reason_names_the_date() {
    let measurements = [(day(30), 43.0), (day(30), 46.0), (day(30), 44.0)];

    let progress = progress(fluency_goal(), &measurements);

    assert_eq!(
        progress.reason,
        "All 3 measurements since the baseline date are from 2026-10-30, so no trend can be \
         fitted."
    );
}

#[test]
fn target_date_before_baseline_is_not_enough_data() {
    let mut goal = fluency_goal();
    goal.target_date = Some(date(2026, 6, 1));

    let progress = progress(goal, &fluency_rising_fast());

    assert_eq!(
        progress.reason,
        "The target date (2026-06-01) is not after the baseline date (2026-09-30), so there is \
         no aim line."
    );
}

#[test]
fn no_direction_equal_values_lacks_data() {
    let mut goal = fluency_goal();
    goal.direction = None;
    goal.target_value = Some(40.0);

    let progress = progress(goal, &fluency_rising_fast());

    assert_eq!(
        progress.reason,
        "The goal has no direction, and its target equals its baseline (40%), so the status \
         cannot tell progress from decline."
    );
}

#[test]
fn direction_against_values_is_not_enough_data() {
    let mut goal = fluency_goal();
    goal.target_value = Some(35.0);

    let progress = progress(goal, &fluency_rising_fast());

    assert_eq!(
        progress.reason,
        "The goal's direction is increase, but its target (35%) is not above its baseline (40%)."
    );
}

// Measurements before the baseline date.

#[test]
fn measurements_before_baseline_do_not_count() {
    let measurements = [
        (date(2026, 8, 31), 38.0),
        (date(2026, 9, 15), 39.0),
        (day(30), 43.0),
        (day(60), 46.0),
    ];

    let progress = progress(fluency_goal(), &measurements);

    assert_eq!(progress.status, GoalStatus::NotEnoughData);
}

#[test]
fn measurements_before_baseline_stay_on_chart() {
    let mut measurements = fluency_rising_fast();
    measurements.push((date(2026, 8, 31), 20.0));

    let progress = progress(fluency_goal(), &measurements);

    assert_eq!(progress.points.len(), 4);
}

#[test]
fn measurements_before_baseline_leave_trend_alone() {
    // Last spring's results, before the summer, would pull the fitted line
    // down if they counted.
    let mut measurements = fluency_rising_fast();
    measurements.push((date(2026, 5, 29), 56.0));
    measurements.push((date(2026, 6, 12), 55.0));

    let progress = progress(fluency_goal(), &measurements);

    assert_eq!(progress.status, GoalStatus::OnTrack);
}

#[test]
fn trend_starts_after_baseline() {
    let mut measurements = fluency_rising_fast();
    measurements.push((date(2026, 8, 31), 20.0));

    let progress = progress(fluency_goal(), &measurements);

    assert_eq!(progress.trend.map(|(start, _)| start.date), Some(day(30)));
}

// Chart data.

#[test]
fn points_are_sorted_by_date() {
    let measurements = [(day(90), 49.0), (day(30), 43.0), (day(60), 46.0)];

    let progress = progress(fluency_goal(), &measurements);

    assert_eq!(
        progress.points,
        [
            point(day(30), 43.0),
            point(day(60), 46.0),
            point(day(90), 49.0)
        ]
    );
}

#[test]
fn other_goals_measurements_are_left_out() {
    let goal = fluency_goal();
    let other = absence_goal();
    let plan = Plan {
        measurements: vec![
            Measurement::new(goal.id.clone(), day(30), 43.0),
            Measurement::new(other.id.clone(), day(30), 23.0),
        ],
        goals: vec![goal, other],
        ..Plan::default()
    };

    let progress = goal_progress(&plan, &plan.goals[0]);

    assert_eq!(progress.points, [point(day(30), 43.0)]);
}

#[test]
fn aim_line_runs_from_baseline_to_target() {
    let progress = progress(fluency_goal(), &[]);

    assert_eq!(
        progress.aim_line,
        Some((point(day(0), 40.0), point(date(2027, 5, 28), 58.0)))
    );
}

#[test]
fn trend_ends_at_target_projection() {
    // The results rise 0.1 a day from 43 on day 30, so day 240 gives 64.
    let progress = progress(fluency_goal(), &fluency_rising_fast());
    let (_, end) = progress.trend.unwrap();

    assert!(
        end.date == date(2027, 5, 28) && (end.value - 64.0).abs() < 1e-9,
        "{end:?}"
    );
}

#[test]
fn trend_of_scattered_points_balances_them() {
    // Days 30, 60, 90 with 44, 43, 48: the fitted line rises 2 points per
    // 30 days through the mean (45 on day 60), so day 240 gives 57.
    let measurements = [(day(30), 44.0), (day(60), 43.0), (day(90), 48.0)];

    let progress = progress(fluency_goal(), &measurements);
    let (_, end) = progress.trend.unwrap();

    assert!((end.value - 57.0).abs() < 1e-9, "{end:?}");
}

// Increasing goals.

#[test]
fn increase_meeting_target_is_on_track() {
    let progress = progress(fluency_goal(), &fluency_rising_fast());

    assert_eq!(progress.status, GoalStatus::OnTrack);
}

#[test]
fn on_track_reason_gives_projection() {
    let progress = progress(fluency_goal(), &fluency_rising_fast());

    assert_eq!(
        progress.reason,
        "The trend projects 64% by 2027-05-28, which meets the target of 58%."
    );
}

#[test]
fn increase_closing_most_of_gap_is_at_risk() {
    // Rising 1.5 points a month from 41 projects 51.5 on day 240: 64% of the
    // 18 points.
    let measurements = [(day(30), 41.0), (day(60), 42.5), (day(90), 44.0)];

    let progress = progress(fluency_goal(), &measurements);

    assert_eq!(progress.status, GoalStatus::AtRisk);
}

#[test]
fn at_risk_reason_gives_share_of_gap() {
    let measurements = [(day(30), 41.0), (day(60), 42.5), (day(90), 44.0)];

    let progress = progress(fluency_goal(), &measurements);

    assert_eq!(
        progress.reason,
        "The trend projects 51.5% by 2027-05-28, which closes 63% of the gap between the \
         baseline (40%) and the target (58%)."
    );
}

#[test]
fn increase_behind_aim_is_at_risk() {
    // A dip, then a steep climb: the trend projects about 65.7, above the
    // target, but 38, 41 and 46 all sit below the aim line (42.25, 44.5 and
    // 46.75 on those days).
    let measurements = [(day(30), 38.0), (day(60), 41.0), (day(90), 46.0)];

    let progress = progress(fluency_goal(), &measurements);

    assert_eq!(progress.status, GoalStatus::AtRisk);
}

#[test]
fn below_aim_reason_names_the_points() {
    let measurements = [(day(30), 38.0), (day(60), 41.0), (day(90), 46.0)];

    let progress = progress(fluency_goal(), &measurements);

    assert_eq!(
        progress.reason,
        "The trend projects 65.67% by 2027-05-28, which meets the target of 58%, but the last \
         3 measurements are below the aim line."
    );
}

#[test]
fn one_recent_point_on_aim_keeps_on_track() {
    // The latest result is back on the aim line (46.75 on day 90).
    let measurements = [(day(30), 38.0), (day(60), 41.0), (day(90), 46.75)];

    let progress = progress(fluency_goal(), &measurements);

    assert_eq!(progress.status, GoalStatus::OnTrack);
}

#[test]
fn increase_closing_under_half_is_off_track() {
    // Rising half a point a month from 40.5 projects 44 on day 240: 22% of
    // the gap.
    let measurements = [(day(30), 40.5), (day(60), 41.0), (day(90), 41.5)];

    let progress = progress(fluency_goal(), &measurements);

    assert_eq!(
        progress.reason,
        "The trend projects 44% by 2027-05-28, which closes only 22% of the gap between the \
         baseline (40%) and the target (58%)."
    );
}

#[test]
fn increase_moving_away_is_off_track() {
    let measurements = [(day(30), 39.0), (day(60), 38.0), (day(90), 36.5)];

    let progress = progress(fluency_goal(), &measurements);

    assert_eq!(progress.status, GoalStatus::OffTrack);
}

#[test]
fn moving_away_reason_says_so() {
    let measurements = [(day(30), 39.0), (day(60), 38.0), (day(90), 37.0)];

    let progress = progress(fluency_goal(), &measurements);

    assert_eq!(
        progress.reason,
        "The trend projects 32% by 2027-05-28, which does not move from the baseline (40%) \
         toward the target (58%)."
    );
}

// Decreasing goals.

#[test]
fn decrease_meeting_target_is_on_track() {
    let measurements = [(day(30), 23.0), (day(60), 22.0), (day(90), 21.0)];

    let progress = progress(absence_goal(), &measurements);

    assert_eq!(progress.status, GoalStatus::OnTrack);
}

#[test]
fn decrease_behind_aim_is_at_risk() {
    // The aim line expects about 23.27, 22.54 and 21.81 on these days.
    let measurements = [(day(30), 25.0), (day(60), 23.5), (day(90), 22.0)];

    let progress = progress(absence_goal(), &measurements);

    assert_eq!(
        progress.reason,
        "The trend projects 14.15% by 2027-06-04, which meets the target of 18%, but the last \
         3 measurements are above the aim line."
    );
}

#[test]
fn decrease_rising_is_off_track() {
    let measurements = [(day(30), 24.5), (day(60), 25.0), (day(90), 26.0)];

    let progress = progress(absence_goal(), &measurements);

    assert_eq!(progress.status, GoalStatus::OffTrack);
}

#[test]
fn goal_without_direction_takes_it_from_values() {
    let mut goal = absence_goal();
    goal.direction = None;
    let measurements = [(day(30), 23.0), (day(60), 22.0), (day(90), 21.0)];

    let progress = progress(goal, &measurements);

    assert_eq!(progress.status, GoalStatus::OnTrack);
}

// The sample plans.

#[test]
fn lincoln_referrals_need_baseline_date() {
    let plan = imported(LINCOLN);
    let goal = &plan.goals[0];

    assert_eq!(
        goal_progress(&plan, goal).reason,
        "The goal has no baseline date, so there is no aim line to compare with."
    );
}

#[test]
fn riverbend_intervention_goal_has_two_measurements() {
    let plan = imported(RIVERBEND);
    let goal = &plan.goals[1];

    assert_eq!(
        goal_progress(&plan, goal).reason,
        "The goal has only 2 measurements since the baseline date, and a trend needs at least 3."
    );
}

#[test]
fn values_too_large_to_fit_give_not_enough_data() {
    let mut goal =
        Goal::new("Increase the average of a measure far beyond any real scale for all students");
    goal.baseline_value = Some(1e308);
    goal.baseline_date = NaiveDate::from_ymd_opt(2026, 9, 15);
    goal.target_value = Some(1.7e308);
    goal.target_date = NaiveDate::from_ymd_opt(2027, 5, 28);
    let mut plan = Plan::default();
    for (month, value) in [(10, 1.1e308), (11, 1.2e308), (12, 1.3e308)] {
        let date = NaiveDate::from_ymd_opt(2026, month, 1).unwrap();
        plan.measurements
            .push(Measurement::new(goal.id.clone(), date, value));
    }
    plan.goals.push(goal.clone());

    assert_eq!(
        goal_progress(&plan, &goal).status,
        GoalStatus::NotEnoughData
    );
}
