//! Fictional MTSS action plans, generated from a seeded random number
//! generator and built through `PlanDocument`'s insert methods, one change
//! per entity, as the editor builds them.
//!
//! Each plan has a title, a focus area, a school year and one to three root
//! causes. It has two to four SMART goals, each with a baseline, a target
//! and two to six progress monitoring measurements, and six to twelve
//! actions with mixed statuses and due dates. Milestones, budget lines
//! across several funding sources and up to four check-ins complete it.
//! Entity ids come from the generator too, so one seed gives the same
//! content on every run with the same `rand` version.
//!
//! Every date is placed relative to `today`, the day of the run, so each
//! run has the same share of overdue actions and stale check-ins. One plan
//! in seven belongs to the previous school year and is dated a year earlier.

use std::str::FromStr;

use anyhow::Context;
use cairn_plan::{
    Action, ActionKind, ActionReview, ActionStatus, CheckIn, CheckInKind, Direction, EntityId,
    Goal, Measurement, Milestone, PlanDocument, PlanStatus, Resource, ResourceKind, RootCause,
};
use cairn_sync::DocumentId;
use chrono::{Datelike, Days, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;
use rust_decimal::Decimal;

use super::content::{
    FocusArea, GoalTemplate, BUDGET_LINES, FOCUS_AREAS, FUNDING_SOURCES, MILESTONES, OWNERS,
    SUPPORT_STRUCTURES,
};

/// The district every plan names.
pub const DISTRICT_NAME: &str = "Cedar Valley Unified";

/// A generated plan, ready to store.
pub struct GeneratedPlan {
    pub id: DocumentId,
    pub document: PlanDocument,
    /// The review status, kept both in the document and in the `plans` row.
    pub status: PlanStatus,
}

/// Review statuses of current plans, with their weights.
const CURRENT_STATUSES: &[(PlanStatus, u32)] = &[
    (PlanStatus::Draft, 12),
    (PlanStatus::Submitted, 10),
    (PlanStatus::Returned, 5),
    (PlanStatus::Approved, 18),
    (PlanStatus::Active, 45),
    (PlanStatus::Closed, 10),
];

/// Review statuses of plans of the previous school year.
const PREVIOUS_YEAR_STATUSES: &[(PlanStatus, u32)] =
    &[(PlanStatus::Closed, 70), (PlanStatus::Active, 30)];

/// The paces of a goal's measurements toward the target, as shares of the
/// aim line's pace, with weights. The mix gives goals on track, at risk and
/// off track, and some moving away from the target.
const GOAL_PACES: &[(f64, u32)] = &[(1.25, 40), (0.75, 25), (0.3, 20), (-0.3, 15)];

/// Generates one plan of the school named `school`.
pub fn generate_plan(
    rng: &mut StdRng,
    school: &str,
    today: NaiveDate,
) -> anyhow::Result<GeneratedPlan> {
    let high_school = school.ends_with(" High") || school.contains(" High ");
    let focus_areas: Vec<&FocusArea> = FOCUS_AREAS
        .iter()
        .filter(|focus| high_school || !focus.high_school_only)
        .collect();
    let focus = *focus_areas
        .choose(rng)
        .context("no focus area fits the school")?;
    let previous_year = rng.random_ratio(1, 7);
    let (plan_today, statuses) = if previous_year {
        (days_before(today, 365), PREVIOUS_YEAR_STATUSES)
    } else {
        (today, CURRENT_STATUSES)
    };
    let status = *pick_weighted(rng, statuses);

    let mut document = PlanDocument::create();
    let title = focus.titles.choose(rng).copied().unwrap_or(focus.name);
    document.set_title(title)?;
    document.set_district(DISTRICT_NAME)?;
    document.set_school(school)?;
    document.set_school_year(&school_year_label(plan_today))?;
    document.set_focus_area(focus.name)?;
    document.set_team("School leadership team")?;
    document.set_status(status)?;

    let root_causes = insert_root_causes(&mut document, rng, focus)?;
    let goals = insert_goals(&mut document, rng, focus, &root_causes, plan_today)?;
    let actions = insert_actions(&mut document, rng, focus, &goals, plan_today)?;
    insert_milestones(&mut document, rng, &actions, plan_today)?;
    insert_resources(&mut document, rng, &actions)?;
    insert_check_ins(&mut document, rng, &actions, plan_today)?;

    Ok(GeneratedPlan {
        id: document_id(rng),
        document,
        status,
    })
}

fn insert_root_causes(
    document: &mut PlanDocument,
    rng: &mut StdRng,
    focus: &FocusArea,
) -> anyhow::Result<Vec<EntityId>> {
    let count = rng.random_range(1..=3);
    let mut ids: Vec<EntityId> = Vec::new();
    for statement in focus.root_causes.choose_multiple(rng, count) {
        let mut root_cause = RootCause::new(*statement);
        root_cause.id = entity_id(rng);
        root_cause.evidence = "Fall data review and staff survey".to_owned();
        ids.push(document.insert_root_cause(&root_cause, ids.last())?);
    }
    Ok(ids)
}

/// Inserts two to four goals, each with its measurements after it.
fn insert_goals(
    document: &mut PlanDocument,
    rng: &mut StdRng,
    focus: &FocusArea,
    root_causes: &[EntityId],
    today: NaiveDate,
) -> anyhow::Result<Vec<EntityId>> {
    let count = rng.random_range(2..=4);
    let mut ids: Vec<EntityId> = Vec::new();
    let mut last_measurement: Option<EntityId> = None;
    for template in focus.goals.choose_multiple(rng, count) {
        let mut goal = goal_from_template(rng, template, root_causes, today);
        let measurements = measurements(rng, &mut goal, today);
        ids.push(document.insert_goal(&goal, ids.last())?);

        for measurement in measurements {
            last_measurement =
                Some(document.insert_measurement(&measurement, last_measurement.as_ref())?);
        }
    }
    Ok(ids)
}

fn goal_from_template(
    rng: &mut StdRng,
    template: &GoalTemplate,
    root_causes: &[EntityId],
    today: NaiveDate,
) -> Goal {
    let baseline = round_value(
        rng.random_range(template.baseline.0..=template.baseline.1),
        template.unit,
    );
    let gap = round_value(
        rng.random_range(template.gap.0..=template.gap.1),
        template.unit,
    );
    let target = match template.direction {
        Direction::Increase => (baseline + gap).min(100.0),
        Direction::Decrease => (baseline - gap).max(0.0),
    };
    let target_date = school_year_end(today);

    let verb = match template.direction {
        Direction::Increase => "Increase",
        Direction::Decrease => "Reduce",
    };
    let statement = format!(
        "{verb} {} from {} to {} by {}",
        template.subject,
        with_unit(baseline, template.unit),
        with_unit(target, template.unit),
        target_date.format("%B %Y"),
    );

    let mut goal = Goal::new(statement);
    goal.id = entity_id(rng);
    goal.measure = template.measure.to_owned();
    goal.unit = template.unit.to_owned();
    goal.baseline_value = Some(baseline);
    goal.target_value = Some(target);
    goal.target_date = Some(target_date);
    goal.direction = Some(template.direction);
    goal.root_cause_ids = root_causes.choose(rng).cloned().into_iter().collect();
    goal
}

/// Builds the measurements of `goal`, oldest first, and sets the goal's
/// baseline date one interval before the first. One goal in ten has only
/// two measurements, too few for a trend.
fn measurements(rng: &mut StdRng, goal: &mut Goal, today: NaiveDate) -> Vec<Measurement> {
    let count: u64 = if rng.random_ratio(1, 10) {
        2
    } else {
        rng.random_range(3..=6)
    };
    let spacing = rng.random_range(14..=28);
    let latest = days_before(today, rng.random_range(0..=10));
    let baseline_date = days_before(latest, count * spacing);
    goal.baseline_date = Some(baseline_date);
    let (Some(baseline), Some(target), Some(target_date)) =
        (goal.baseline_value, goal.target_value, goal.target_date)
    else {
        return Vec::new();
    };

    let pace = *pick_weighted(rng, GOAL_PACES);
    let year_days = (target_date - baseline_date).num_days().max(1) as f64;
    let mut measurements = Vec::new();
    for step in 1..=count {
        let date = days_before(latest, (count - step) * spacing);
        let share_of_year = (date - baseline_date).num_days() as f64 / year_days;
        let noise = rng.random_range(-0.04..=0.04) * (target - baseline).abs();
        let value = baseline + pace * (target - baseline) * share_of_year + noise;
        let ceiling = if goal.unit == "%" { 100.0 } else { f64::MAX };
        let value = round_value(value.clamp(0.0, ceiling), &goal.unit);

        let mut measurement = Measurement::new(goal.id.clone(), date, value);
        measurement.id = entity_id(rng);
        measurements.push(measurement);
    }

    measurements
}

/// Inserts six to twelve actions: primary actions of the focus area, then
/// support structures. Returns their ids and statuses.
fn insert_actions(
    document: &mut PlanDocument,
    rng: &mut StdRng,
    focus: &FocusArea,
    goals: &[EntityId],
    today: NaiveDate,
) -> anyhow::Result<Vec<(EntityId, ActionStatus)>> {
    let count = rng.random_range(6..=12);
    let primary_count = rng.random_range(4..=focus.actions.len().min(count - 2));
    let support_count = (count - primary_count).min(SUPPORT_STRUCTURES.len());

    let mut actions: Vec<Action> = Vec::new();
    for title in focus.actions.choose_multiple(rng, primary_count) {
        let mut action = Action::new(ActionKind::Primary, *title);
        action.goal_ids = goals.choose(rng).cloned().into_iter().collect();
        actions.push(action);
    }
    for (support_type, title) in SUPPORT_STRUCTURES.choose_multiple(rng, support_count) {
        actions.push(Action::support(*support_type, *title));
    }

    let mut inserted: Vec<(EntityId, ActionStatus)> = Vec::new();
    for mut action in actions {
        action.id = entity_id(rng);
        action.owner = OWNERS.choose(rng).copied().unwrap_or_default().to_owned();
        action.success_indicator =
            "Walk-throughs find the routine in place in 80% of visits".to_owned();

        // One action in ten has no due date. The others fall between four
        // months before and six months after today.
        let due = (!rng.random_ratio(1, 10)).then(|| shift(today, rng.random_range(-120..=180)));
        action.due_date = due;
        action.start_date = due.map(|due| days_before(due, rng.random_range(30..=90)));
        action.status = action_status(rng, due.is_some_and(|due| due < today));

        let after = inserted.last().map(|(id, _)| id);
        let id = document.insert_action(&action, after)?;
        inserted.push((id, action.status));
    }
    Ok(inserted)
}

/// Draws an action's status. Most actions past their due date are
/// completed, and the others are overdue.
fn action_status(rng: &mut StdRng, past_due: bool) -> ActionStatus {
    let weights: &[(ActionStatus, u32)] = if past_due {
        &[
            (ActionStatus::Completed, 55),
            (ActionStatus::InProgress, 25),
            (ActionStatus::NotStarted, 10),
            (ActionStatus::OnHold, 10),
        ]
    } else {
        &[
            (ActionStatus::NotStarted, 45),
            (ActionStatus::InProgress, 40),
            (ActionStatus::Completed, 10),
            (ActionStatus::OnHold, 5),
        ]
    };
    *pick_weighted(rng, weights)
}

/// Inserts two to five milestones. Most past milestones are done.
fn insert_milestones(
    document: &mut PlanDocument,
    rng: &mut StdRng,
    actions: &[(EntityId, ActionStatus)],
    today: NaiveDate,
) -> anyhow::Result<()> {
    let count = rng.random_range(2..=5);
    let mut dated: Vec<(NaiveDate, &str)> = MILESTONES
        .choose_multiple(rng, count)
        .map(|title| (shift(today, rng.random_range(-150..=150)), *title))
        .collect();
    dated.sort();

    let mut last: Option<EntityId> = None;
    for (date, title) in dated {
        let mut milestone = Milestone::new(title, Some(date));
        milestone.id = entity_id(rng);
        milestone.done = date < today && rng.random_ratio(7, 10);
        milestone.action_ids = actions
            .choose(rng)
            .map(|(id, _)| id.clone())
            .into_iter()
            .collect();
        last = Some(document.insert_milestone(&milestone, last.as_ref())?);
    }
    Ok(())
}

/// Inserts three to six budget lines from several funding sources, and in
/// half of the plans a staff role with hours.
fn insert_resources(
    document: &mut PlanDocument,
    rng: &mut StdRng,
    actions: &[(EntityId, ActionStatus)],
) -> anyhow::Result<()> {
    let count = rng.random_range(3..=6);
    let mut resources: Vec<Resource> = Vec::new();
    for description in BUDGET_LINES.choose_multiple(rng, count) {
        let mut budget = Resource::new(ResourceKind::Budget, *description);
        budget.amount = Some(Decimal::from(rng.random_range(5..=400) * 50));
        budget.funding_source = FUNDING_SOURCES
            .choose(rng)
            .copied()
            .unwrap_or_default()
            .to_owned();
        resources.push(budget);
    }
    if rng.random_bool(0.5) {
        let mut staff = Resource::new(ResourceKind::StaffRole, "Interventionist time");
        staff.hours = Some(Decimal::from(rng.random_range(2..=20) * 5));
        resources.push(staff);
    }

    let mut last: Option<EntityId> = None;
    for mut resource in resources {
        resource.id = entity_id(rng);
        resource.action_ids = actions
            .choose(rng)
            .map(|(id, _)| id.clone())
            .into_iter()
            .collect();
        last = Some(document.insert_resource(&resource, last.as_ref())?);
    }
    Ok(())
}

/// Inserts up to four check-ins in the last three months, oldest first,
/// each reviewing two actions. One plan in ten has none.
fn insert_check_ins(
    document: &mut PlanDocument,
    rng: &mut StdRng,
    actions: &[(EntityId, ActionStatus)],
    today: NaiveDate,
) -> anyhow::Result<()> {
    let count = if rng.random_ratio(1, 10) {
        0
    } else {
        rng.random_range(1..=4)
    };
    let mut dates: Vec<NaiveDate> = (0..count)
        .map(|_| days_before(today, rng.random_range(3..=90)))
        .collect();
    dates.sort();

    let mut last: Option<EntityId> = None;
    for date in dates {
        let kind = if rng.random_ratio(1, 4) {
            CheckInKind::PulseCheck
        } else {
            CheckInKind::CheckIn
        };
        let mut check_in = CheckIn::new(kind, Some(date));
        check_in.id = entity_id(rng);
        check_in.attendees = "Principal, MTSS coordinator, grade-level team leads".to_owned();
        check_in.summary =
            "Reviewed the latest progress monitoring data and action status.".to_owned();
        check_in.decisions =
            "Keep the current intervention groups and regroup after the next screener.".to_owned();
        check_in.next_steps = "Coach models the routine in the two classrooms behind.".to_owned();
        check_in.action_reviews = actions
            .choose_multiple(rng, 2)
            .map(|(action_id, status)| ActionReview {
                action_id: action_id.clone(),
                status: *status,
            })
            .collect();
        last = Some(document.insert_check_in(&check_in, last.as_ref())?);
    }
    Ok(())
}

/// Draws one value, each with the chance of its weight.
pub fn pick_weighted<'a, T>(rng: &mut StdRng, weighted: &'a [(T, u32)]) -> &'a T {
    let total: u32 = weighted.iter().map(|(_, weight)| weight).sum();
    let mut draw = rng.random_range(0..total);
    for (value, weight) in weighted {
        if draw < *weight {
            return value;
        }
        draw -= weight;
    }
    &weighted[weighted.len() - 1].0
}

/// Draws an entity id in the usual form, 32 lowercase hex digits.
pub fn entity_id(rng: &mut StdRng) -> EntityId {
    let text = format!("{:032x}", rng.random::<u128>());
    EntityId::from_str(&text).unwrap_or_else(|_| EntityId::random())
}

/// Draws a document id, a UUID v4.
pub fn document_id(rng: &mut StdRng) -> DocumentId {
    DocumentId::from(uuid::Builder::from_random_bytes(rng.random()).into_uuid())
}

/// Names the school year that `date` falls in, such as `2026-27`. US
/// school years run from July 1 to June 30.
fn school_year_label(date: NaiveDate) -> String {
    let start = school_year_start(date);
    format!("{start}-{:02}", (start + 1) % 100)
}

/// Returns June 15 of the school year that `date` falls in, the target
/// date of its goals.
fn school_year_end(date: NaiveDate) -> NaiveDate {
    let end_year = school_year_start(date) + 1;
    NaiveDate::from_ymd_opt(end_year, 6, 15).unwrap_or(date)
}

fn school_year_start(date: NaiveDate) -> i32 {
    if date.month() >= 7 {
        date.year()
    } else {
        date.year() - 1
    }
}

fn days_before(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(days)).unwrap_or(date)
}

fn shift(date: NaiveDate, days: i64) -> NaiveDate {
    date + chrono::Duration::days(days)
}

/// Rounds a percentage to one decimal and a count to a whole number.
fn round_value(value: f64, unit: &str) -> f64 {
    if unit == "%" {
        (value * 10.0).round() / 10.0
    } else {
        value.round()
    }
}

fn with_unit(value: f64, unit: &str) -> String {
    if unit == "%" {
        format!("{value}%")
    } else {
        format!("{value} {unit}")
    }
}
