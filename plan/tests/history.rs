//! Undo and redo of one person's edits with `EditHistory`, alone and with
//! other replicas editing the same plan.

mod common;

use cairn_plan::history::{Target, MAX_UNDO_STEPS};
use cairn_plan::{
    Action, ActionKind, ActionReview, ActionStatus, CheckIn, CheckInKind, Collection, Direction,
    EditHistory, EntityId, Goal, Measurement, Milestone, Plan, PlanDocument, PlanError, PlanStatus,
    Resource, ResourceKind, RootCause, Skipped, SupportType,
};
use chrono::NaiveDate;
use common::{apply, edit};
use proptest::collection::vec;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// A Tier 1 behavior plan with one entity of each kind, all linked.
struct Lincoln {
    document: PlanDocument,
    root_cause: RootCause,
    goal: Goal,
    action: Action,
    support: Action,
    resource: Resource,
    milestone: Milestone,
    measurement: Measurement,
    check_in: CheckIn,
}

fn lincoln_plan() -> Lincoln {
    let mut document = PlanDocument::create();
    document
        .set_title("Lincoln Elementary Tier 1 Behavior Plan")
        .unwrap();
    document.set_district("Riverbend Unified").unwrap();
    document.set_school("Lincoln Elementary").unwrap();
    document.set_school_year("2026-27").unwrap();

    let mut root_cause = RootCause::new("Expectations are not taught after the first week");
    root_cause.evidence = "62% of referrals come from the cafeteria and playground".to_owned();
    document.insert_root_cause(&root_cause, None).unwrap();

    let mut goal = Goal::new("Reduce non-classroom referrals from 38 to 20 a month");
    goal.measure = "Monthly office discipline referrals".to_owned();
    goal.unit = "referrals".to_owned();
    goal.baseline_value = Some(38.0);
    goal.baseline_date = Some(date(2026, 9, 30));
    goal.target_value = Some(20.0);
    goal.target_date = Some(date(2027, 5, 28));
    goal.direction = Some(Direction::Decrease);
    goal.root_cause_ids = vec![root_cause.id.clone()];
    document.insert_goal(&goal, None).unwrap();

    let mut action = Action::new(ActionKind::Primary, "Teach cafeteria expectations");
    action.owner = "Assistant principal".to_owned();
    action.due_date = Some(date(2026, 10, 30));
    action.goal_ids = vec![goal.id.clone()];
    document.insert_action(&action, None).unwrap();

    let mut support = Action::support(SupportType::Training, "Train lunch supervisors");
    support.goal_ids = vec![goal.id.clone()];
    document.insert_action(&support, Some(&action.id)).unwrap();

    let mut resource = Resource::new(ResourceKind::Budget, "Substitute coverage for training");
    resource.amount = Some(Decimal::new(144000, 2));
    resource.funding_source = "Title I".to_owned();
    resource.action_ids = vec![support.id.clone()];
    document.insert_resource(&resource, None).unwrap();

    let mut milestone = Milestone::new("Lessons taught in every grade", Some(date(2026, 10, 16)));
    milestone.action_ids = vec![action.id.clone()];
    document.insert_milestone(&milestone, None).unwrap();

    let mut measurement = Measurement::new(goal.id.clone(), date(2026, 10, 31), 31.0);
    measurement.note = "First month after the lessons".to_owned();
    document.insert_measurement(&measurement, None).unwrap();

    let mut check_in = CheckIn::new(CheckInKind::CheckIn, Some(date(2026, 11, 4)));
    check_in.attendees = "Principal; Counselor; Grade 3 lead".to_owned();
    check_in.summary = "Cafeteria referrals fell in October".to_owned();
    check_in.action_reviews = vec![ActionReview {
        action_id: action.id.clone(),
        status: ActionStatus::InProgress,
    }];
    document.insert_check_in(&check_in, None).unwrap();

    Lincoln {
        document,
        root_cause,
        goal,
        action,
        support,
        resource,
        milestone,
        measurement,
        check_in,
    }
}

/// Runs one local edit and records it with the snapshots around it, as the
/// app does after each edit.
fn record_edit<T>(
    document: &mut PlanDocument,
    history: &mut EditHistory,
    at_ms: f64,
    edit: impl FnOnce(&mut PlanDocument) -> Result<T, PlanError>,
) {
    let before = document.snapshot();
    edit(document).unwrap();
    history.record(&before, &document.snapshot(), at_ms);
}

/// Records one edit, undoes it and returns the plan before the edit and the
/// plan after the undo.
fn edit_then_undo<T>(
    document: &mut PlanDocument,
    edit: impl FnOnce(&mut PlanDocument) -> Result<T, PlanError>,
) -> (Plan, Plan) {
    let mut history = EditHistory::default();
    let before = document.snapshot();

    record_edit(document, &mut history, 0.0, edit);
    history.undo(document).unwrap();

    (before, document.snapshot())
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> &EntityId) -> Vec<EntityId> {
    items.iter().map(|item| id(item).clone()).collect()
}

fn change_count(document: &PlanDocument) -> usize {
    document.automerge().get_changes(&[]).len()
}

// Field kinds of the plan itself.

#[test]
fn undo_restores_plan_title() {
    let Lincoln { mut document, .. } = lincoln_plan();

    let (before, after) = edit_then_undo(&mut document, |doc| {
        doc.set_title("Lincoln Elementary Behavior Plan, revised")
    });

    assert_eq!(after.title, before.title);
}

#[test]
fn undo_restores_plan_district() {
    let Lincoln { mut document, .. } = lincoln_plan();

    let (before, after) = edit_then_undo(&mut document, |doc| {
        doc.set_district("Riverbend Unified School District")
    });

    assert_eq!(after.district, before.district);
}

#[test]
fn undo_restores_plan_status() {
    let Lincoln { mut document, .. } = lincoln_plan();

    let (before, after) =
        edit_then_undo(&mut document, |doc| doc.set_status(PlanStatus::Submitted));

    assert_eq!(after.status, before.status);
}

#[test]
fn undo_restores_plan_currency() {
    let Lincoln { mut document, .. } = lincoln_plan();

    let (before, after) = edit_then_undo(&mut document, |doc| doc.set_currency("CAD"));

    assert_eq!(after.currency, before.currency);
}

#[test]
fn undo_restores_participating_schools() {
    let Lincoln { mut document, .. } = lincoln_plan();

    let (before, after) = edit_then_undo(&mut document, |doc| {
        doc.set_participating_schools(&["Lincoln Elementary".to_owned()])
    });

    assert_eq!(after.participating_schools, before.participating_schools);
}

// Field kinds of entities.

#[test]
fn undo_restores_root_cause_statement() {
    let Lincoln {
        mut document,
        root_cause,
        ..
    } = lincoln_plan();
    let mut edited = root_cause.clone();
    edited.statement = "Expectations are taught once and never retaught".to_owned();

    let (_, after) = edit_then_undo(&mut document, |doc| doc.update_root_cause(&edited));

    assert_eq!(after.root_causes[0].statement, root_cause.statement);
}

#[test]
fn undo_restores_goal_number() {
    let Lincoln {
        mut document, goal, ..
    } = lincoln_plan();
    let mut edited = goal.clone();
    edited.baseline_value = Some(41.0);

    let (_, after) = edit_then_undo(&mut document, |doc| doc.update_goal(&edited));

    assert_eq!(after.goals[0].baseline_value, Some(38.0));
}

#[test]
fn undo_restores_goal_date() {
    let Lincoln {
        mut document, goal, ..
    } = lincoln_plan();
    let mut edited = goal.clone();
    edited.target_date = Some(date(2027, 6, 11));

    let (_, after) = edit_then_undo(&mut document, |doc| doc.update_goal(&edited));

    assert_eq!(after.goals[0].target_date, Some(date(2027, 5, 28)));
}

#[test]
fn undo_restores_goal_direction() {
    let Lincoln {
        mut document, goal, ..
    } = lincoln_plan();
    let mut edited = goal.clone();
    edited.direction = None;

    let (_, after) = edit_then_undo(&mut document, |doc| doc.update_goal(&edited));

    assert_eq!(after.goals[0].direction, Some(Direction::Decrease));
}

#[test]
fn undo_clears_value_that_was_empty() {
    let Lincoln {
        mut document, goal, ..
    } = lincoln_plan();
    let mut edited = goal.clone();
    edited.interim_target_value = Some(29.0);

    let (_, after) = edit_then_undo(&mut document, |doc| doc.update_goal(&edited));

    assert_eq!(after.goals[0].interim_target_value, None);
}

#[test]
fn undo_restores_resource_amount() {
    let Lincoln {
        mut document,
        resource,
        ..
    } = lincoln_plan();
    let mut edited = resource.clone();
    edited.amount = Some(Decimal::new(216000, 2));

    let (_, after) = edit_then_undo(&mut document, |doc| doc.update_resource(&edited));

    assert_eq!(after.resources[0].amount, Some(Decimal::new(144000, 2)));
}

#[test]
fn undo_restores_milestone_done_flag() {
    let Lincoln {
        mut document,
        milestone,
        ..
    } = lincoln_plan();
    let mut edited = milestone.clone();
    edited.done = true;

    let (_, after) = edit_then_undo(&mut document, |doc| doc.update_milestone(&edited));

    assert!(!after.milestones[0].done);
}

#[test]
fn undo_restores_action_status() {
    let Lincoln {
        mut document,
        action,
        ..
    } = lincoln_plan();
    let mut edited = action.clone();
    edited.status = ActionStatus::Completed;

    let (_, after) = edit_then_undo(&mut document, |doc| doc.update_action(&edited));

    assert_eq!(after.actions[0].status, ActionStatus::NotStarted);
}

#[test]
fn undo_restores_action_kind_and_support_type() {
    let Lincoln {
        mut document,
        action,
        ..
    } = lincoln_plan();
    let mut edited = action.clone();
    edited.kind = ActionKind::Support;
    edited.support_type = Some(SupportType::Tool);

    let (_, after) = edit_then_undo(&mut document, |doc| doc.update_action(&edited));

    assert_eq!(after.actions[0], action);
}

#[test]
fn undo_restores_measurement_value_and_note() {
    let Lincoln {
        mut document,
        measurement,
        ..
    } = lincoln_plan();
    let mut edited = measurement.clone();
    edited.value = 29.0;
    edited.note = "Corrected after the data audit".to_owned();

    let (_, after) = edit_then_undo(&mut document, |doc| doc.update_measurement(&edited));

    assert_eq!(after.measurements[0], measurement);
}

#[test]
fn undo_restores_measurement_goal() {
    let Lincoln {
        mut document,
        measurement,
        ..
    } = lincoln_plan();
    let attendance = Goal::new("Raise average daily attendance to 95%");
    document.insert_goal(&attendance, None).unwrap();
    let mut edited = measurement.clone();
    edited.goal_id = attendance.id.clone();

    let (_, after) = edit_then_undo(&mut document, |doc| doc.update_measurement(&edited));

    assert_eq!(after.measurements[0].goal_id, measurement.goal_id);
}

#[test]
fn undo_restores_check_in_date_and_kind() {
    let Lincoln {
        mut document,
        check_in,
        ..
    } = lincoln_plan();
    let mut edited = check_in.clone();
    edited.date = Some(date(2026, 11, 6));
    edited.kind = CheckInKind::PulseCheck;

    let (_, after) = edit_then_undo(&mut document, |doc| doc.update_check_in(&edited));

    assert_eq!(after.check_ins[0], check_in);
}

// Link sets and label maps, entry by entry.

#[test]
fn undo_removes_added_goal_root_cause_link() {
    let Lincoln {
        mut document, goal, ..
    } = lincoln_plan();
    let staffing = RootCause::new("Lunch supervisors change every semester");
    document.insert_root_cause(&staffing, None).unwrap();
    let mut edited = goal.clone();
    edited.root_cause_ids.push(staffing.id.clone());

    let (_, after) = edit_then_undo(&mut document, |doc| doc.update_goal(&edited));

    assert_eq!(after.goals[0].root_cause_ids, goal.root_cause_ids);
}

#[test]
fn undo_adds_back_removed_action_goal_link() {
    let Lincoln {
        mut document,
        action,
        ..
    } = lincoln_plan();
    let mut edited = action.clone();
    edited.goal_ids.clear();

    let (_, after) = edit_then_undo(&mut document, |doc| doc.update_action(&edited));

    assert_eq!(after.actions[0].goal_ids, action.goal_ids);
}

#[test]
fn undo_restores_resource_action_links() {
    let Lincoln {
        mut document,
        resource,
        action,
        ..
    } = lincoln_plan();
    let mut edited = resource.clone();
    edited.action_ids = vec![action.id.clone()];

    let (_, after) = edit_then_undo(&mut document, |doc| doc.update_resource(&edited));

    assert_eq!(after.resources[0].action_ids, resource.action_ids);
}

#[test]
fn undo_restores_milestone_action_links() {
    let Lincoln {
        mut document,
        milestone,
        support,
        ..
    } = lincoln_plan();
    let mut edited = milestone.clone();
    edited.action_ids.push(support.id.clone());

    let (_, after) = edit_then_undo(&mut document, |doc| doc.update_milestone(&edited));

    assert_eq!(after.milestones[0].action_ids, milestone.action_ids);
}

#[test]
fn undo_restores_check_in_review_status() {
    let Lincoln {
        mut document,
        check_in,
        ..
    } = lincoln_plan();
    let mut edited = check_in.clone();
    edited.action_reviews[0].status = ActionStatus::Completed;

    let (_, after) = edit_then_undo(&mut document, |doc| doc.update_check_in(&edited));

    assert_eq!(after.check_ins[0].action_reviews, check_in.action_reviews);
}

#[test]
fn undo_removes_added_check_in_review() {
    let Lincoln {
        mut document,
        check_in,
        support,
        ..
    } = lincoln_plan();
    let mut edited = check_in.clone();
    edited.action_reviews.push(ActionReview {
        action_id: support.id.clone(),
        status: ActionStatus::OnHold,
    });

    let (_, after) = edit_then_undo(&mut document, |doc| doc.update_check_in(&edited));

    assert_eq!(after.check_ins[0].action_reviews, check_in.action_reviews);
}

#[test]
fn undo_keeps_link_added_remotely() {
    let Lincoln {
        mut document, goal, ..
    } = lincoln_plan();
    let staffing = RootCause::new("Lunch supervisors change every semester");
    let schedule = RootCause::new("Recess and lunch overlap for three grades");
    document.insert_root_cause(&staffing, None).unwrap();
    document.insert_root_cause(&schedule, None).unwrap();
    let mut remote = document.fork();
    let mut history = EditHistory::default();

    let mut local_goal = goal.clone();
    local_goal.root_cause_ids.push(staffing.id.clone());
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.update_goal(&local_goal)
    });
    let mut remote_goal = goal.clone();
    remote_goal.root_cause_ids.push(schedule.id.clone());
    remote.update_goal(&remote_goal).unwrap();
    document.merge(&mut remote).unwrap();
    history.undo(&mut document).unwrap();

    let mut links = document.snapshot().goals[0].root_cause_ids.clone();
    links.sort();
    let mut expected = vec![goal.root_cause_ids[0].clone(), schedule.id.clone()];
    expected.sort();
    assert_eq!(links, expected);
}

// Order.

#[test]
fn undo_moves_action_back() {
    let Lincoln {
        mut document,
        action,
        support,
        ..
    } = lincoln_plan();

    let (before, after) = edit_then_undo(&mut document, |doc| {
        doc.move_to(Collection::Actions, &action.id, Some(&support.id))
    });

    assert_eq!(
        ids(&after.actions, |action| &action.id),
        ids(&before.actions, |action| &action.id)
    );
}

#[test]
fn redo_moves_action_again() {
    let Lincoln {
        mut document,
        action,
        support,
        ..
    } = lincoln_plan();
    let mut history = EditHistory::default();
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.move_to(Collection::Actions, &action.id, Some(&support.id))
    });
    let moved = document.snapshot();

    history.undo(&mut document).unwrap();
    history.redo(&mut document).unwrap();

    assert_eq!(
        ids(&document.snapshot().actions, |action| &action.id),
        ids(&moved.actions, |action| &action.id)
    );
}

#[test]
fn undo_leaves_move_by_another_replica() {
    let mut document = PlanDocument::create();
    let causes: Vec<RootCause> = [
        "Expectations are not retaught",
        "Supervisors change often",
        "Lunch periods overlap",
    ]
    .into_iter()
    .map(RootCause::new)
    .collect();
    let mut previous: Option<EntityId> = None;
    for cause in &causes {
        document
            .insert_root_cause(cause, previous.as_ref())
            .unwrap();
        previous = Some(cause.id.clone());
    }
    let mut history = EditHistory::default();
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.move_to(Collection::RootCauses, &causes[0].id, Some(&causes[2].id))
    });
    let mut remote = document.fork();
    remote
        .move_to(Collection::RootCauses, &causes[0].id, Some(&causes[1].id))
        .unwrap();
    document.merge(&mut remote).unwrap();
    let remote_order = ids(&remote.snapshot().root_causes, |cause| &cause.id);

    let report = history.undo_with_report(&mut document).unwrap().unwrap();

    assert_eq!(
        ids(&document.snapshot().root_causes, |cause| &cause.id),
        remote_order
    );
    assert_eq!(
        report.skipped,
        vec![Skipped::ChangedSince {
            target: Target::Entity {
                collection: Collection::RootCauses,
                id: causes[0].id.clone(),
            },
            field: "position",
        }]
    );
}

// Entities inserted by the edit.

fn assert_undo_removes_inserted<T>(
    mut document: PlanDocument,
    insert: impl FnOnce(&mut PlanDocument) -> Result<T, PlanError>,
) {
    let (before, after) = edit_then_undo(&mut document, insert);

    assert_eq!(after, before);
}

#[test]
fn undo_removes_inserted_root_cause() {
    let Lincoln { document, .. } = lincoln_plan();
    let cause = RootCause::new("Recess and lunch overlap for three grades");

    assert_undo_removes_inserted(document, |doc| doc.insert_root_cause(&cause, None));
}

#[test]
fn undo_removes_inserted_goal() {
    let Lincoln {
        document,
        root_cause,
        ..
    } = lincoln_plan();
    let mut goal = Goal::new("Raise average daily attendance to 95%");
    goal.root_cause_ids = vec![root_cause.id.clone()];

    assert_undo_removes_inserted(document, |doc| doc.insert_goal(&goal, None));
}

#[test]
fn undo_removes_inserted_action() {
    let Lincoln { document, goal, .. } = lincoln_plan();
    let mut action = Action::support(SupportType::ProcedureAudit, "Audit the referral form");
    action.goal_ids = vec![goal.id.clone()];

    assert_undo_removes_inserted(document, |doc| doc.insert_action(&action, None));
}

#[test]
fn undo_removes_inserted_resource() {
    let Lincoln {
        document, action, ..
    } = lincoln_plan();
    let mut resource = Resource::new(ResourceKind::ProtectedTime, "Monthly PLC data meeting");
    resource.hours = Some(Decimal::new(15, 1));
    resource.action_ids = vec![action.id.clone()];

    assert_undo_removes_inserted(document, |doc| doc.insert_resource(&resource, None));
}

#[test]
fn undo_removes_inserted_milestone() {
    let Lincoln {
        document, action, ..
    } = lincoln_plan();
    let mut milestone = Milestone::new("Booster lessons after winter break", None);
    milestone.action_ids = vec![action.id.clone()];

    assert_undo_removes_inserted(document, |doc| doc.insert_milestone(&milestone, None));
}

#[test]
fn undo_removes_inserted_measurement() {
    let Lincoln { document, goal, .. } = lincoln_plan();
    let measurement = Measurement::new(goal.id.clone(), date(2026, 11, 30), 27.0);

    assert_undo_removes_inserted(document, |doc| doc.insert_measurement(&measurement, None));
}

#[test]
fn undo_removes_inserted_check_in() {
    let Lincoln {
        document, action, ..
    } = lincoln_plan();
    let mut check_in = CheckIn::new(CheckInKind::PulseCheck, Some(date(2026, 11, 18)));
    check_in.action_reviews = vec![ActionReview {
        action_id: action.id.clone(),
        status: ActionStatus::Completed,
    }];

    assert_undo_removes_inserted(document, |doc| doc.insert_check_in(&check_in, None));
}

#[test]
fn undo_of_insert_removed_remotely() {
    let Lincoln { mut document, .. } = lincoln_plan();
    let mut history = EditHistory::default();
    let milestone = Milestone::new("Booster lessons after winter break", None);
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.insert_milestone(&milestone, None)
    });
    let mut remote = document.fork();
    remote
        .remove(Collection::Milestones, &milestone.id)
        .unwrap();
    document.merge(&mut remote).unwrap();

    let report = history.undo_with_report(&mut document).unwrap().unwrap();

    assert!(!report.changed);
}

// Entities removed by the edit, and the links the removal took with it.

fn assert_undo_restores_removed(mut document: PlanDocument, collection: Collection, id: &EntityId) {
    let (before, after) = edit_then_undo(&mut document, |doc| doc.remove(collection, id));

    assert_eq!(after, before);
}

#[test]
fn undo_restores_removed_root_cause() {
    let Lincoln {
        document,
        root_cause,
        ..
    } = lincoln_plan();

    assert_undo_restores_removed(document, Collection::RootCauses, &root_cause.id);
}

#[test]
fn undo_restores_removed_goal() {
    let Lincoln { document, goal, .. } = lincoln_plan();

    assert_undo_restores_removed(document, Collection::Goals, &goal.id);
}

#[test]
fn undo_restores_removed_action() {
    let Lincoln {
        document, action, ..
    } = lincoln_plan();

    assert_undo_restores_removed(document, Collection::Actions, &action.id);
}

#[test]
fn undo_restores_removed_resource() {
    let Lincoln {
        document, resource, ..
    } = lincoln_plan();

    assert_undo_restores_removed(document, Collection::Resources, &resource.id);
}

#[test]
fn undo_restores_removed_milestone() {
    let Lincoln {
        document,
        milestone,
        ..
    } = lincoln_plan();

    assert_undo_restores_removed(document, Collection::Milestones, &milestone.id);
}

#[test]
fn undo_restores_removed_measurement() {
    let Lincoln {
        document,
        measurement,
        ..
    } = lincoln_plan();

    assert_undo_restores_removed(document, Collection::Measurements, &measurement.id);
}

#[test]
fn undo_restores_removed_check_in() {
    let Lincoln {
        document, check_in, ..
    } = lincoln_plan();

    assert_undo_restores_removed(document, Collection::CheckIns, &check_in.id);
}

#[test]
fn removed_root_cause_returns_to_goal_links() {
    let Lincoln {
        mut document,
        root_cause,
        ..
    } = lincoln_plan();

    let (_, after) = edit_then_undo(&mut document, |doc| {
        doc.remove(Collection::RootCauses, &root_cause.id)
    });

    assert_eq!(after.goals[0].root_cause_ids, vec![root_cause.id]);
}

#[test]
fn removed_goal_brings_back_its_measurements() {
    let Lincoln {
        mut document,
        goal,
        measurement,
        ..
    } = lincoln_plan();

    let (_, after) = edit_then_undo(&mut document, |doc| doc.remove(Collection::Goals, &goal.id));

    assert_eq!(after.measurements, vec![measurement]);
}

#[test]
fn removed_action_brings_back_check_in_review() {
    let Lincoln {
        mut document,
        action,
        check_in,
        ..
    } = lincoln_plan();

    let (_, after) = edit_then_undo(&mut document, |doc| {
        doc.remove(Collection::Actions, &action.id)
    });

    assert_eq!(after.check_ins[0].action_reviews, check_in.action_reviews);
}

#[test]
fn removed_entity_returns_between_its_neighbours() {
    let mut document = PlanDocument::create();
    let milestones: Vec<Milestone> = [
        ("Lessons drafted", date(2026, 9, 18)),
        ("Lessons taught", date(2026, 10, 16)),
        ("Boosters taught", date(2027, 1, 15)),
    ]
    .into_iter()
    .map(|(title, day)| Milestone::new(title, Some(day)))
    .collect();
    let mut previous: Option<EntityId> = None;
    for milestone in &milestones {
        document
            .insert_milestone(milestone, previous.as_ref())
            .unwrap();
        previous = Some(milestone.id.clone());
    }

    let (_, after) = edit_then_undo(&mut document, |doc| {
        doc.remove(Collection::Milestones, &milestones[1].id)
    });

    assert_eq!(
        ids(&after.milestones, |milestone| &milestone.id),
        ids(&milestones, |milestone| &milestone.id)
    );
}

#[test]
fn removed_entity_falls_back_to_next() {
    let mut document = PlanDocument::create();
    let causes: Vec<RootCause> = ["first", "second", "third"]
        .into_iter()
        .map(|statement| RootCause::new(format!("Cause listed {statement}")))
        .collect();
    let mut previous: Option<EntityId> = None;
    for cause in &causes {
        document
            .insert_root_cause(cause, previous.as_ref())
            .unwrap();
        previous = Some(cause.id.clone());
    }
    let mut history = EditHistory::default();
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.remove(Collection::RootCauses, &causes[1].id)
    });
    let mut remote = document.fork();
    remote
        .remove(Collection::RootCauses, &causes[0].id)
        .unwrap();
    document.merge(&mut remote).unwrap();

    history.undo(&mut document).unwrap();

    assert_eq!(
        ids(&document.snapshot().root_causes, |cause| &cause.id),
        vec![causes[1].id.clone(), causes[2].id.clone()]
    );
}

#[test]
fn restored_goal_drops_removed_cause_link() {
    let Lincoln {
        mut document,
        goal,
        root_cause,
        ..
    } = lincoln_plan();
    let mut history = EditHistory::default();
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.remove(Collection::Goals, &goal.id)
    });
    let mut remote = document.fork();
    remote
        .remove(Collection::RootCauses, &root_cause.id)
        .unwrap();
    document.merge(&mut remote).unwrap();

    let report = history.undo_with_report(&mut document).unwrap().unwrap();

    assert!(document.snapshot().goals[0].root_cause_ids.is_empty());
    assert_eq!(
        report.skipped,
        vec![Skipped::RemovedSince {
            collection: Collection::RootCauses,
            id: root_cause.id,
        }]
    );
}

// Edits from other replicas.

#[test]
fn remote_edit_to_other_field_survives_undo() {
    let Lincoln { mut document, .. } = lincoln_plan();
    let mut remote = document.fork();
    let mut history = EditHistory::default();

    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.set_title("Lincoln Elementary Behavior Plan, revised")
    });
    remote.set_focus_area("Behavior").unwrap();
    document.merge(&mut remote).unwrap();
    history.undo(&mut document).unwrap();

    let plan = document.snapshot();
    assert_eq!(plan.focus_area, "Behavior");
    assert_eq!(plan.title, "Lincoln Elementary Tier 1 Behavior Plan");
}

#[test]
fn remote_edit_to_same_field_survives_undo() {
    let Lincoln {
        mut document, goal, ..
    } = lincoln_plan();
    let mut history = EditHistory::default();
    let mut local_goal = goal.clone();
    local_goal.target_value = Some(22.0);
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.update_goal(&local_goal)
    });

    let mut remote = document.fork();
    let mut remote_goal = local_goal.clone();
    remote_goal.target_value = Some(25.0);
    remote.update_goal(&remote_goal).unwrap();
    document.merge(&mut remote).unwrap();
    let report = history.undo_with_report(&mut document).unwrap().unwrap();

    assert_eq!(document.snapshot().goals[0].target_value, Some(25.0));
    assert_eq!(
        report.skipped,
        vec![Skipped::ChangedSince {
            target: Target::Entity {
                collection: Collection::Goals,
                id: goal.id.clone(),
            },
            field: "target_value",
        }]
    );
}

#[test]
fn remote_typing_in_same_text_survives_undo() {
    let Lincoln {
        mut document,
        action,
        ..
    } = lincoln_plan();
    let mut history = EditHistory::default();
    let mut local_action = action.clone();
    local_action.description = "Teach the lessons in the first week".to_owned();
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.update_action(&local_action)
    });

    let mut remote = document.fork();
    let mut remote_action = local_action.clone();
    remote_action.description = "Teach the lessons in the first week of school".to_owned();
    remote.update_action(&remote_action).unwrap();
    document.merge(&mut remote).unwrap();
    history.undo(&mut document).unwrap();

    assert_eq!(
        document.snapshot().actions[0].description,
        "Teach the lessons in the first week of school"
    );
}

#[test]
fn entity_removed_by_another_replica_stays_removed() {
    let Lincoln {
        mut document,
        action,
        ..
    } = lincoln_plan();
    let mut history = EditHistory::default();
    let mut edited = action.clone();
    edited.owner = "Counselor".to_owned();
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.update_action(&edited)
    });
    let mut remote = document.fork();
    remote.remove(Collection::Actions, &action.id).unwrap();
    document.merge(&mut remote).unwrap();

    let report = history.undo_with_report(&mut document).unwrap().unwrap();

    assert!(document
        .snapshot()
        .actions
        .iter()
        .all(|kept| kept.id != action.id));
    assert_eq!(
        report.skipped,
        vec![Skipped::RemovedSince {
            collection: Collection::Actions,
            id: action.id,
        }]
    );
}

#[test]
fn replicas_undo_own_edits_and_converge() {
    let Lincoln {
        mut document,
        goal,
        action,
        ..
    } = lincoln_plan();
    let original = document.snapshot();
    let mut coach = document.fork();
    let mut principal_history = EditHistory::default();
    let mut coach_history = EditHistory::default();

    let mut principal_goal = goal.clone();
    principal_goal.target_value = Some(18.0);
    record_edit(&mut document, &mut principal_history, 0.0, |doc| {
        doc.update_goal(&principal_goal)
    });
    let mut coach_action = action.clone();
    coach_action.status = ActionStatus::InProgress;
    record_edit(&mut coach, &mut coach_history, 0.0, |doc| {
        doc.update_action(&coach_action)
    });
    document.merge(&mut coach).unwrap();
    coach.merge(&mut document).unwrap();

    principal_history.undo(&mut document).unwrap();
    coach_history.undo(&mut coach).unwrap();
    document.merge(&mut coach).unwrap();
    coach.merge(&mut document).unwrap();

    assert_eq!(document.snapshot(), coach.snapshot());
    assert_eq!(document.snapshot(), original);
}

#[test]
fn undo_reaches_other_replica_after_merge() {
    let Lincoln { mut document, .. } = lincoln_plan();
    let mut history = EditHistory::default();
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.set_status(PlanStatus::Submitted)
    });
    let mut remote = document.fork();

    history.undo(&mut document).unwrap();
    remote.merge(&mut document).unwrap();

    assert_eq!(remote.snapshot().status, PlanStatus::Draft);
}

// Automerge changes.

#[test]
fn undo_is_one_change() {
    let Lincoln {
        mut document,
        root_cause,
        ..
    } = lincoln_plan();
    let mut history = EditHistory::default();
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.remove(Collection::RootCauses, &root_cause.id)
    });
    let changes = change_count(&document);

    history.undo(&mut document).unwrap();

    assert_eq!(change_count(&document), changes + 1);
}

#[test]
fn undo_with_nothing_left_makes_no_change() {
    let Lincoln { mut document, .. } = lincoln_plan();
    let mut history = EditHistory::default();
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.set_school_year("2027-28")
    });
    let mut remote = document.fork();
    remote.set_school_year("2026-27").unwrap();
    document.merge(&mut remote).unwrap();
    let heads = document.heads();

    history.undo(&mut document).unwrap();

    assert_eq!(document.heads(), heads);
}

#[test]
fn failed_undo_keeps_step() {
    let Lincoln { mut document, .. } = lincoln_plan();
    let mut history = EditHistory::default();
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.set_team("Principal, counselor and grade leads")
    });
    let mut uninitialized = PlanDocument::empty();

    let result = history.undo(&mut uninitialized);

    assert!(matches!(result, Err(PlanError::NotInitialized)));
    assert!(history.can_undo());
}

// Typing.

fn type_title(document: &mut PlanDocument, history: &mut EditHistory, keystrokes: &[(&str, f64)]) {
    for (title, at_ms) in keystrokes {
        record_edit(document, history, *at_ms, |doc| doc.set_title(title));
    }
}

#[test]
fn keystrokes_in_one_field_undo_together() {
    let mut document = PlanDocument::create();
    let mut history = EditHistory::default();
    type_title(
        &mut document,
        &mut history,
        &[("B", 0.0), ("Be", 180.0), ("Beh", 420.0), ("Beha", 900.0)],
    );

    history.undo(&mut document).unwrap();

    assert_eq!(document.snapshot().title, "");
    assert!(!history.can_undo());
}

#[test]
fn keystroke_exactly_at_window_joins_step() {
    let mut document = PlanDocument::create();
    let mut history = EditHistory::default();
    type_title(&mut document, &mut history, &[("B", 0.0), ("Be", 1_000.0)]);

    history.undo(&mut document).unwrap();

    assert_eq!(document.snapshot().title, "");
}

#[test]
fn keystroke_after_window_starts_new_step() {
    let mut document = PlanDocument::create();
    let mut history = EditHistory::default();
    type_title(&mut document, &mut history, &[("B", 0.0), ("Be", 1_001.0)]);

    history.undo(&mut document).unwrap();

    assert_eq!(document.snapshot().title, "B");
}

#[test]
fn window_counts_from_previous_keystroke() {
    let mut document = PlanDocument::create();
    let mut history = EditHistory::default();
    type_title(
        &mut document,
        &mut history,
        &[
            ("B", 0.0),
            ("Be", 800.0),
            ("Beh", 1_600.0),
            ("Beha", 2_400.0),
        ],
    );

    history.undo(&mut document).unwrap();

    assert_eq!(document.snapshot().title, "");
}

#[test]
fn keystrokes_in_plain_string_field_undo_together() {
    let mut document = PlanDocument::create();
    let mut history = EditHistory::default();
    for (school, at_ms) in [("L", 0.0), ("Li", 150.0), ("Lin", 300.0)] {
        record_edit(&mut document, &mut history, at_ms, |doc| {
            doc.set_school(school)
        });
    }

    history.undo(&mut document).unwrap();

    assert_eq!(document.snapshot().school, "");
}

#[test]
fn keystrokes_in_two_fields_stay_apart() {
    let mut document = PlanDocument::create();
    let mut history = EditHistory::default();
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.set_title("Behavior")
    });
    record_edit(&mut document, &mut history, 200.0, |doc| {
        doc.set_team("Principal")
    });

    history.undo(&mut document).unwrap();

    assert_eq!(document.snapshot().title, "Behavior");
}

#[test]
fn keystrokes_in_two_entities_stay_apart() {
    let Lincoln {
        mut document,
        action,
        support,
        ..
    } = lincoln_plan();
    let mut history = EditHistory::default();
    let mut first = action.clone();
    first.notes = "Video".to_owned();
    let mut second = support.clone();
    second.notes = "Slides".to_owned();
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.update_action(&first)
    });
    record_edit(&mut document, &mut history, 200.0, |doc| {
        doc.update_action(&second)
    });

    history.undo(&mut document).unwrap();

    assert_eq!(document.snapshot().actions[0].notes, "Video");
}

#[test]
fn quick_number_edits_stay_apart() {
    let Lincoln {
        mut document, goal, ..
    } = lincoln_plan();
    let mut history = EditHistory::default();
    for (target, at_ms) in [(22.0, 0.0), (24.0, 100.0)] {
        let mut edited = goal.clone();
        edited.target_value = Some(target);
        record_edit(&mut document, &mut history, at_ms, |doc| {
            doc.update_goal(&edited)
        });
    }

    history.undo(&mut document).unwrap();

    assert_eq!(document.snapshot().goals[0].target_value, Some(22.0));
}

#[test]
fn typing_after_undo_starts_new_step() {
    let mut document = PlanDocument::create();
    let mut history = EditHistory::default();
    type_title(&mut document, &mut history, &[("B", 0.0), ("Be", 5_000.0)]);
    history.undo(&mut document).unwrap();

    type_title(&mut document, &mut history, &[("Bu", 5_300.0)]);
    history.undo(&mut document).unwrap();

    assert_eq!(document.snapshot().title, "B");
}

#[test]
fn remote_text_between_keystrokes_splits_step() {
    let mut document = PlanDocument::create();
    let mut history = EditHistory::default();
    type_title(&mut document, &mut history, &[("Behavior", 0.0)]);
    let mut remote = document.fork();
    remote.set_title("Behavior plan").unwrap();
    document.merge(&mut remote).unwrap();

    type_title(&mut document, &mut history, &[("Behavior plan!", 300.0)]);
    history.undo(&mut document).unwrap();

    assert_eq!(document.snapshot().title, "Behavior plan");
}

#[test]
fn typing_back_to_start_leaves_nothing_to_undo() {
    let mut document = PlanDocument::create();
    let mut history = EditHistory::default();

    type_title(&mut document, &mut history, &[("B", 0.0), ("", 250.0)]);

    assert!(!history.can_undo());
}

// Stacks.

#[test]
fn new_history_has_nothing_to_undo() {
    let mut document = PlanDocument::create();
    let mut history = EditHistory::default();

    assert!(!history.undo(&mut document).unwrap());
    assert!(!history.redo(&mut document).unwrap());
}

#[test]
fn edit_without_differences_is_not_recorded() {
    let Lincoln { document, .. } = lincoln_plan();
    let mut history = EditHistory::default();
    let plan = document.snapshot();

    history.record(&plan, &plan, 0.0);

    assert!(!history.can_undo());
}

#[test]
fn redo_reapplies_undone_edit() {
    let Lincoln {
        mut document,
        resource,
        ..
    } = lincoln_plan();
    let mut history = EditHistory::default();
    let mut edited = resource.clone();
    edited.funding_source = "Title IV-A".to_owned();
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.update_resource(&edited)
    });
    history.undo(&mut document).unwrap();

    assert!(history.redo(&mut document).unwrap());
    assert_eq!(
        document.snapshot().resources[0].funding_source,
        "Title IV-A"
    );
}

#[test]
fn redo_removes_restored_entity_again() {
    let Lincoln {
        mut document,
        root_cause,
        ..
    } = lincoln_plan();
    let mut history = EditHistory::default();
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.remove(Collection::RootCauses, &root_cause.id)
    });
    let removed = document.snapshot();
    history.undo(&mut document).unwrap();

    history.redo(&mut document).unwrap();

    assert_eq!(document.snapshot(), removed);
}

#[test]
fn redo_inserts_undone_insert_again() {
    let Lincoln { mut document, .. } = lincoln_plan();
    let mut history = EditHistory::default();
    let cause = RootCause::new("Recess and lunch overlap for three grades");
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.insert_root_cause(&cause, None)
    });
    let inserted = document.snapshot();
    history.undo(&mut document).unwrap();

    history.redo(&mut document).unwrap();

    assert_eq!(document.snapshot(), inserted);
}

#[test]
fn redo_brings_back_measurement_added_by_others() {
    let Lincoln { mut document, .. } = lincoln_plan();
    let mut history = EditHistory::default();
    let attendance = Goal::new("Raise average daily attendance to 95%");
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.insert_goal(&attendance, None)
    });
    let mut remote = document.fork();
    let measurement = Measurement::new(attendance.id.clone(), date(2026, 10, 31), 93.4);
    remote.insert_measurement(&measurement, None).unwrap();
    document.merge(&mut remote).unwrap();
    history.undo(&mut document).unwrap();

    history.redo(&mut document).unwrap();

    assert!(document.snapshot().measurements.contains(&measurement));
}

#[test]
fn undo_after_redo_undoes_again() {
    let Lincoln {
        mut document, goal, ..
    } = lincoln_plan();
    let mut history = EditHistory::default();
    let original = document.snapshot();
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.remove(Collection::Goals, &goal.id)
    });
    history.undo(&mut document).unwrap();
    history.redo(&mut document).unwrap();

    history.undo(&mut document).unwrap();

    assert_eq!(document.snapshot(), original);
}

#[test]
fn undo_offers_redo() {
    let Lincoln { mut document, .. } = lincoln_plan();
    let mut history = EditHistory::default();
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.set_focus_area("Behavior")
    });

    history.undo(&mut document).unwrap();

    assert!(history.can_redo());
}

#[test]
fn new_edit_clears_redo() {
    let Lincoln { mut document, .. } = lincoln_plan();
    let mut history = EditHistory::default();
    record_edit(&mut document, &mut history, 0.0, |doc| {
        doc.set_focus_area("Behavior")
    });
    history.undo(&mut document).unwrap();

    record_edit(&mut document, &mut history, 5_000.0, |doc| {
        doc.set_status(PlanStatus::Submitted)
    });

    assert!(!history.can_redo());
    assert!(!history.redo(&mut document).unwrap());
}

#[test]
fn undo_stack_keeps_newest_steps_up_to_cap() {
    let mut document = PlanDocument::create();
    let goal = Goal::new("Reduce chronic absence from 14% to 9%");
    document.insert_goal(&goal, None).unwrap();
    let mut history = EditHistory::default();
    for step in 1..=MAX_UNDO_STEPS + 1 {
        let mut edited = goal.clone();
        edited.baseline_value = Some(step as f64);
        record_edit(&mut document, &mut history, step as f64, |doc| {
            doc.update_goal(&edited)
        });
    }

    let mut undone = 0;
    while history.undo(&mut document).unwrap() {
        undone += 1;
    }

    assert_eq!(undone, MAX_UNDO_STEPS);
    assert_eq!(document.snapshot().goals[0].baseline_value, Some(1.0));
}

#[test]
fn skipped_part_reads_as_sentence() {
    let skipped = Skipped::ChangedSince {
        target: Target::Entity {
            collection: Collection::Goals,
            id: "goal-1".parse().unwrap(),
        },
        field: "target_value",
    };

    assert_eq!(
        skipped.to_string(),
        "`target_value` of goal `goal-1` was changed by another edit since, so that value stays"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn undo_all_then_redo_all_round_trips(
        setup in vec(edit(), 0..8),
        edits in vec((edit(), 0.0..2_000.0f64), 1..12),
    ) {
        let mut document = PlanDocument::create();
        for step in &setup {
            apply(&mut document, step);
        }
        let original = document.snapshot();
        let mut history = EditHistory::default();
        let mut at_ms = 0.0;
        for (step, gap_ms) in &edits {
            at_ms += gap_ms;
            let before = document.snapshot();
            apply(&mut document, step);
            history.record(&before, &document.snapshot(), at_ms);
        }
        let edited = document.snapshot();

        while history.undo(&mut document).unwrap() {}
        prop_assert_eq!(document.snapshot(), original);

        while history.redo(&mut document).unwrap() {}
        prop_assert_eq!(document.snapshot(), edited);
    }
}
