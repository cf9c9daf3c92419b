//! Typed edits, reads, persistence and merging of `PlanDocument`.

use cairn_plan::{
    Action, ActionKind, ActionReview, ActionStatus, CheckIn, CheckInKind, Collection, Direction,
    EntityId, Goal, Measurement, Milestone, Plan, PlanDocument, PlanError, PlanStatus, Resource,
    ResourceKind, RootCause, SupportType,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// Builds a plan with one root cause, one goal linked to it and one action
/// linked to the goal.
fn small_plan() -> (PlanDocument, RootCause, Goal, Action) {
    let mut document = PlanDocument::create();
    document.set_title("Tier 1 behavior plan").unwrap();

    let root_cause = RootCause::new("Expectations are not taught after week one");
    document.insert_root_cause(&root_cause, None).unwrap();

    let mut goal = Goal::new("Reduce non-classroom referrals");
    goal.root_cause_ids = vec![root_cause.id.clone()];
    document.insert_goal(&goal, None).unwrap();

    let mut action = Action::new(ActionKind::Primary, "Teach setting lessons");
    action.goal_ids = vec![goal.id.clone()];
    document.insert_action(&action, None).unwrap();

    (document, root_cause, goal, action)
}

#[test]
fn created_document_is_initialized() {
    assert!(PlanDocument::create().is_initialized());
}

#[test]
fn empty_document_is_not_initialized() {
    assert!(!PlanDocument::empty().is_initialized());
}

#[test]
fn empty_document_snapshot_is_empty_plan() {
    assert_eq!(PlanDocument::empty().snapshot(), Plan::default());
}

#[test]
fn created_document_snapshot_is_empty_plan() {
    assert_eq!(PlanDocument::create().snapshot(), Plan::default());
}

#[test]
fn edits_on_empty_document_are_rejected() {
    let mut document = PlanDocument::empty();

    assert!(matches!(
        document.set_title("Plan"),
        Err(PlanError::NotInitialized)
    ));
    assert!(matches!(
        document.insert_goal(&Goal::new("Goal"), None),
        Err(PlanError::NotInitialized)
    ));
    assert!(matches!(
        document.remove(Collection::Goals, &EntityId::random()),
        Err(PlanError::NotInitialized)
    ));
    assert!(document.heads().is_empty());
}

#[test]
fn empty_replica_reads_plan_after_merge() {
    let (mut original, ..) = small_plan();
    let mut replica = PlanDocument::empty();

    replica.merge(&mut original).unwrap();

    assert!(replica.is_initialized());
    assert_eq!(replica.snapshot(), original.snapshot());
}

#[test]
fn plan_fields_read_back() {
    let mut document = PlanDocument::create();
    document
        .set_title("District Early Literacy MTSS Plan")
        .unwrap();
    document
        .set_district("Riverbend Unified School District")
        .unwrap();
    document.set_school("").unwrap();
    document.set_school_year("2026-27").unwrap();
    document.set_focus_area("Reading").unwrap();
    document.set_team("District MTSS team").unwrap();
    document.set_status(PlanStatus::Submitted).unwrap();
    let schools = vec![
        "Lincoln Elementary".to_owned(),
        "Maple Grove Elementary".to_owned(),
    ];
    document.set_participating_schools(&schools).unwrap();

    let plan = document.snapshot();

    assert_eq!(plan.title, "District Early Literacy MTSS Plan");
    assert_eq!(plan.district, "Riverbend Unified School District");
    assert_eq!(plan.school_year, "2026-27");
    assert_eq!(plan.focus_area, "Reading");
    assert_eq!(plan.team, "District MTSS team");
    assert_eq!(plan.status, PlanStatus::Submitted);
    assert_eq!(plan.participating_schools, schools);
}

#[test]
fn participating_schools_edit_keeps_unchanged_ends() {
    let mut document = PlanDocument::create();
    let before: Vec<String> = ["A", "B", "C"].iter().map(|s| s.to_string()).collect();
    let after: Vec<String> = ["A", "X", "Y", "C"].iter().map(|s| s.to_string()).collect();
    document.set_participating_schools(&before).unwrap();

    document.set_participating_schools(&after).unwrap();

    assert_eq!(document.snapshot().participating_schools, after);
}

#[test]
fn every_entity_kind_reads_back_equal() {
    let (mut document, _, goal, action) = small_plan();

    let mut resource = Resource::new(ResourceKind::Budget, "Substitute coverage");
    resource.amount = Some(Decimal::new(144000, 2));
    resource.funding_source = "Title I".to_owned();
    resource.hours = Some(Decimal::new(25, 1));
    resource.action_ids = vec![action.id.clone()];
    document.insert_resource(&resource, None).unwrap();

    let mut milestone = Milestone::new("Lessons drafted", Some(date(2026, 11, 20)));
    milestone.done = true;
    milestone.action_ids = vec![action.id.clone()];
    document.insert_milestone(&milestone, None).unwrap();

    let mut measurement = Measurement::new(goal.id.clone(), date(2026, 9, 30), 40.0);
    measurement.note = "Baseline month 2".to_owned();
    document.insert_measurement(&measurement, None).unwrap();

    let mut check_in = CheckIn::new(CheckInKind::PulseCheck, Some(date(2026, 12, 1)));
    check_in.summary = "Lessons are on schedule".to_owned();
    check_in.decisions = "Keep the booster plan".to_owned();
    check_in.next_steps = "Share data in January".to_owned();
    document.insert_check_in(&check_in, None).unwrap();

    let plan = document.snapshot();

    assert_eq!(plan.resources, vec![resource]);
    assert_eq!(plan.milestones, vec![milestone]);
    assert_eq!(plan.measurements, vec![measurement]);
    assert_eq!(plan.check_ins, vec![check_in]);
    assert_eq!(plan.goals, vec![goal]);
    assert_eq!(plan.actions, vec![action]);
}

#[test]
fn update_writes_every_changed_field() {
    let (mut document, _, mut goal, _) = small_plan();
    goal.statement = "Reduce non-classroom referrals to 20 a month".to_owned();
    goal.measure = "Monthly ODRs".to_owned();
    goal.baseline_value = Some(38.0);
    goal.target_value = Some(20.0);
    goal.target_date = Some(date(2027, 5, 29));
    goal.direction = Some(Direction::Decrease);
    goal.root_cause_ids.clear();

    document.update_goal(&goal).unwrap();

    assert_eq!(document.snapshot().goals, vec![goal]);
}

#[test]
fn update_without_changes_makes_no_change() {
    let (mut document, _, goal, _) = small_plan();
    let heads = document.heads();

    document.update_goal(&goal).unwrap();

    assert_eq!(document.heads(), heads);
}

#[test]
fn update_of_missing_entity_is_not_found() {
    let (mut document, ..) = small_plan();

    let result = document.update_goal(&Goal::new("Not inserted"));

    assert!(matches!(
        result,
        Err(PlanError::NotFound {
            collection: Collection::Goals,
            ..
        })
    ));
}

#[test]
fn insert_with_existing_id_is_rejected() {
    let (mut document, _, goal, _) = small_plan();

    let result = document.insert_goal(&goal, None);

    assert!(matches!(result, Err(PlanError::DuplicateId { .. })));
}

#[test]
fn insert_linking_missing_entity_is_rejected() {
    let (mut document, ..) = small_plan();
    let mut action = Action::new(ActionKind::Primary, "Orphan");
    action.goal_ids = vec![EntityId::random()];

    let result = document.insert_action(&action, None);

    assert!(matches!(
        result,
        Err(PlanError::NotFound {
            collection: Collection::Goals,
            ..
        })
    ));
}

#[test]
fn non_finite_value_is_rejected() {
    let (mut document, _, goal, _) = small_plan();
    let measurement = Measurement::new(goal.id.clone(), date(2026, 9, 30), f64::NAN);

    let result = document.insert_measurement(&measurement, None);

    assert!(matches!(
        result,
        Err(PlanError::NotFinite { field: "value", .. })
    ));
}

#[test]
fn primary_action_drops_support_type() {
    let (mut document, _, _, mut action) = small_plan();
    action.support_type = Some(SupportType::Training);

    document.update_action(&action).unwrap();

    assert_eq!(document.snapshot().actions[0].support_type, None);
}

#[test]
fn inserts_follow_after_argument() {
    let mut document = PlanDocument::create();
    let first = RootCause::new("first");
    let second = RootCause::new("second");
    let third = RootCause::new("third");
    document.insert_root_cause(&third, None).unwrap();
    document.insert_root_cause(&first, None).unwrap();
    document
        .insert_root_cause(&second, Some(&first.id))
        .unwrap();

    let statements: Vec<String> = document
        .snapshot()
        .root_causes
        .into_iter()
        .map(|root_cause| root_cause.statement)
        .collect();

    assert_eq!(statements, ["first", "second", "third"]);
}

#[test]
fn move_to_reorders_entities() {
    let mut document = PlanDocument::create();
    let first = RootCause::new("first");
    let second = RootCause::new("second");
    document.insert_root_cause(&first, None).unwrap();
    document
        .insert_root_cause(&second, Some(&first.id))
        .unwrap();

    document
        .move_to(Collection::RootCauses, &first.id, Some(&second.id))
        .unwrap();

    let order: Vec<EntityId> = document
        .snapshot()
        .root_causes
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(order, [second.id, first.id]);
}

#[test]
fn move_to_current_place_makes_no_change() {
    let mut document = PlanDocument::create();
    let first = RootCause::new("first");
    let second = RootCause::new("second");
    document.insert_root_cause(&first, None).unwrap();
    document
        .insert_root_cause(&second, Some(&first.id))
        .unwrap();
    let heads = document.heads();

    document
        .move_to(Collection::RootCauses, &second.id, Some(&first.id))
        .unwrap();

    assert_eq!(document.heads(), heads);
}

#[test]
fn move_after_missing_entity_is_not_found() {
    let mut document = PlanDocument::create();
    let first = RootCause::new("first");
    document.insert_root_cause(&first, None).unwrap();

    let result = document.move_to(Collection::RootCauses, &first.id, Some(&EntityId::random()));

    assert!(matches!(result, Err(PlanError::NotFound { .. })));
}

#[test]
fn removing_goal_unlinks_actions_and_removes_measurements() {
    let (mut document, _, goal, _) = small_plan();
    let measurement = Measurement::new(goal.id.clone(), date(2026, 9, 30), 40.0);
    document.insert_measurement(&measurement, None).unwrap();

    document.remove(Collection::Goals, &goal.id).unwrap();

    let plan = document.snapshot();
    assert!(plan.goals.is_empty());
    assert!(plan.actions[0].goal_ids.is_empty());
    assert!(plan.measurements.is_empty());
}

#[test]
fn removing_root_cause_unlinks_goals() {
    let (mut document, root_cause, ..) = small_plan();

    document
        .remove(Collection::RootCauses, &root_cause.id)
        .unwrap();

    assert!(document.snapshot().goals[0].root_cause_ids.is_empty());
}

#[test]
fn removing_action_unlinks_resources_and_milestones() {
    let (mut document, _, _, action) = small_plan();
    let mut resource = Resource::new(ResourceKind::Material, "Lesson plan template");
    resource.action_ids = vec![action.id.clone()];
    document.insert_resource(&resource, None).unwrap();
    let mut milestone = Milestone::new("Lessons drafted", None);
    milestone.action_ids = vec![action.id.clone()];
    document.insert_milestone(&milestone, None).unwrap();

    document.remove(Collection::Actions, &action.id).unwrap();

    let plan = document.snapshot();
    assert!(plan.resources[0].action_ids.is_empty());
    assert!(plan.milestones[0].action_ids.is_empty());
}

#[test]
fn removing_missing_entity_is_not_found() {
    let (mut document, ..) = small_plan();

    let result = document.remove(Collection::Milestones, &EntityId::random());

    assert!(matches!(result, Err(PlanError::NotFound { .. })));
}

#[test]
fn save_and_load_round_trip() {
    let (document, ..) = small_plan();

    let loaded = PlanDocument::load(&document.save()).unwrap();

    assert_eq!(loaded.snapshot(), document.snapshot());
    assert_eq!(loaded.heads(), document.heads());
}

#[test]
fn load_of_garbage_bytes_fails() {
    let result = PlanDocument::load(b"not an automerge document");

    assert!(matches!(result, Err(PlanError::Load(_))));
}

#[test]
fn from_plan_keeps_ids_and_order() {
    let (document, ..) = small_plan();
    let plan = document.snapshot();

    let copy = PlanDocument::from_plan(&plan).unwrap();

    assert_eq!(copy.snapshot(), plan);
}

#[test]
fn concurrent_edits_to_different_goal_fields_both_survive() {
    let (mut left, _, goal, _) = small_plan();
    let mut right = left.fork();

    let mut left_goal = goal.clone();
    left_goal.target_value = Some(20.0);
    left.update_goal(&left_goal).unwrap();

    let mut right_goal = goal.clone();
    right_goal.measure = "Monthly ODRs by location".to_owned();
    right.update_goal(&right_goal).unwrap();

    left.merge(&mut right).unwrap();
    right.merge(&mut left).unwrap();

    let merged = left.snapshot().goals.remove(0);
    assert_eq!(merged.target_value, Some(20.0));
    assert_eq!(merged.measure, "Monthly ODRs by location");
    assert_eq!(left.snapshot(), right.snapshot());
}

#[test]
fn concurrent_typing_in_one_statement_keeps_both_words() {
    let (mut left, root_cause, ..) = small_plan();
    let mut right = left.fork();

    let mut left_cause = root_cause.clone();
    left_cause.statement = "Expectations are not explicitly taught after week one".to_owned();
    left.update_root_cause(&left_cause).unwrap();

    let mut right_cause = root_cause.clone();
    right_cause.statement = "Expectations are not taught after week one of school".to_owned();
    right.update_root_cause(&right_cause).unwrap();

    left.merge(&mut right).unwrap();

    assert_eq!(
        left.snapshot().root_causes[0].statement,
        "Expectations are not explicitly taught after week one of school"
    );
}

#[test]
fn concurrent_inserts_at_one_spot_keep_both() {
    let (mut left, root_cause, ..) = small_plan();
    let mut right = left.fork();

    let left_cause = RootCause::new("left");
    left.insert_root_cause(&left_cause, Some(&root_cause.id))
        .unwrap();
    let right_cause = RootCause::new("right");
    right
        .insert_root_cause(&right_cause, Some(&root_cause.id))
        .unwrap();

    left.merge(&mut right).unwrap();
    right.merge(&mut left).unwrap();

    let left_order: Vec<EntityId> = left
        .snapshot()
        .root_causes
        .into_iter()
        .map(|r| r.id)
        .collect();
    let right_order: Vec<EntityId> = right
        .snapshot()
        .root_causes
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(left_order.len(), 3);
    assert_eq!(left_order[0], root_cause.id);
    assert_eq!(left_order, right_order);
}

#[test]
fn insert_between_concurrent_inserts_lands_between() {
    let (mut left, root_cause, ..) = small_plan();
    let mut right = left.fork();
    left.insert_root_cause(&RootCause::new("left"), Some(&root_cause.id))
        .unwrap();
    right
        .insert_root_cause(&RootCause::new("right"), Some(&root_cause.id))
        .unwrap();
    left.merge(&mut right).unwrap();
    let order: Vec<EntityId> = left
        .snapshot()
        .root_causes
        .into_iter()
        .map(|r| r.id)
        .collect();

    let middle = RootCause::new("middle");
    left.insert_root_cause(&middle, Some(&order[1])).unwrap();

    let new_order: Vec<EntityId> = left
        .snapshot()
        .root_causes
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(
        new_order,
        [
            order[0].clone(),
            order[1].clone(),
            middle.id,
            order[2].clone()
        ]
    );
}

#[test]
fn remove_during_concurrent_update_merges_without_panic() {
    let (mut left, _, goal, mut action) = small_plan();
    let mut right = left.fork();

    left.remove(Collection::Goals, &goal.id).unwrap();
    action.status = ActionStatus::Completed;
    right.update_action(&action).unwrap();
    let mut right_goal = goal.clone();
    right_goal.statement = "Reduce referrals by half".to_owned();
    right.update_goal(&right_goal).unwrap();

    left.merge(&mut right).unwrap();
    right.merge(&mut left).unwrap();

    let plan = left.snapshot();
    assert!(plan.goals.is_empty());
    assert!(plan.actions[0].goal_ids.is_empty());
    assert_eq!(plan.actions[0].status, ActionStatus::Completed);
    assert_eq!(plan, right.snapshot());
}

#[test]
fn link_added_during_concurrent_remove_is_hidden() {
    let (mut left, ..) = small_plan();
    let extra_goal = Goal::new("Second goal");
    left.insert_goal(&extra_goal, None).unwrap();
    let mut right = left.fork();

    left.remove(Collection::Goals, &extra_goal.id).unwrap();
    let measurement = Measurement::new(extra_goal.id.clone(), date(2026, 10, 1), 3.0);
    right.insert_measurement(&measurement, None).unwrap();

    left.merge(&mut right).unwrap();

    assert!(left.snapshot().measurements.is_empty());
}

#[test]
fn new_plan_uses_us_dollars() {
    assert_eq!(PlanDocument::create().snapshot().currency, "USD");
}

#[test]
fn currency_reads_back() {
    let mut document = PlanDocument::create();

    document.set_currency("CAD").unwrap();

    assert_eq!(document.snapshot().currency, "CAD");
}

#[test]
fn check_in_action_reviews_read_back() {
    let (mut document, _, _, action) = small_plan();
    let mut check_in = CheckIn::new(CheckInKind::PulseCheck, Some(date(2026, 10, 14)));
    check_in.attendees = "Principal; Counselor".to_owned();
    check_in.action_reviews = vec![ActionReview {
        action_id: action.id.clone(),
        status: ActionStatus::InProgress,
    }];
    document.insert_check_in(&check_in, None).unwrap();

    assert_eq!(document.snapshot().check_ins, vec![check_in]);
}

#[test]
fn check_in_review_of_missing_action_is_rejected() {
    let mut document = PlanDocument::create();
    let mut check_in = CheckIn::new(CheckInKind::CheckIn, None);
    check_in.action_reviews = vec![ActionReview {
        action_id: EntityId::random(),
        status: ActionStatus::Completed,
    }];

    assert!(document.insert_check_in(&check_in, None).is_err());
}

#[test]
fn removing_action_removes_its_check_in_reviews() {
    let (mut document, _, _, action) = small_plan();
    let mut check_in = CheckIn::new(CheckInKind::CheckIn, None);
    check_in.action_reviews = vec![ActionReview {
        action_id: action.id.clone(),
        status: ActionStatus::OnHold,
    }];
    document.insert_check_in(&check_in, None).unwrap();

    document.remove(Collection::Actions, &action.id).unwrap();

    assert!(document.snapshot().check_ins[0].action_reviews.is_empty());
}

#[test]
fn goal_rationale_and_interim_target_read_back() {
    let (mut document, _, mut goal, _) = small_plan();
    goal.rationale = "Two schools with the same lessons cut referrals by half.".to_owned();
    goal.interim_target_value = Some(30.0);
    goal.interim_target_date = Some(date(2027, 1, 31));

    document.update_goal(&goal).unwrap();

    assert_eq!(document.snapshot().goals, vec![goal]);
}
