//! The two sample plans import completely, with the expected entities.

use cairn_plan::{
    export_json, import_csv, ActionKind, ActionStatus, Direction, Imported, Plan, ResourceKind,
    SupportType,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;

const LINCOLN: &[u8] = include_bytes!("fixtures/lincoln-elementary-behavior-2026-27.csv");
const RIVERBEND: &[u8] = include_bytes!("fixtures/riverbend-usd-early-literacy-2026-27.csv");

fn import(input: &[u8]) -> (Imported, Plan) {
    let imported = import_csv(input).unwrap();
    let plan = imported.document.snapshot();
    (imported, plan)
}

fn date(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

fn goal_index_containing(plan: &Plan, text: &str) -> usize {
    plan.goals
        .iter()
        .position(|goal| goal.statement.contains(text))
        .unwrap()
}

#[test]
fn lincoln_imports_every_row() {
    let (imported, _) = import(LINCOLN);

    assert_eq!(imported.report.rows_skipped, 0, "{}", imported.report);
    assert_eq!(imported.report.rows_imported, 14);
}

#[test]
fn lincoln_unquoted_comma_is_repaired_with_warning() {
    let (imported, plan) = import(LINCOLN);
    let lines: Vec<(usize, &str)> = imported
        .report
        .warnings
        .iter()
        .map(|warning| (warning.line, warning.column.as_str()))
        .collect();

    assert_eq!(lines, [(6, "Action Step")]);
    assert_eq!(
        plan.actions[0].title,
        "Create setting-specific lesson plans for cafeteria, hallway and recess expectations"
    );
}

#[test]
fn lincoln_has_expected_entity_counts() {
    let (_, plan) = import(LINCOLN);

    assert_eq!(plan.root_causes.len(), 3);
    assert_eq!(plan.goals.len(), 3);
    assert_eq!(plan.actions.len(), 8);
    assert_eq!(plan.actions_of_kind(ActionKind::Primary).count(), 4);
    assert_eq!(plan.actions_of_kind(ActionKind::Support).count(), 4);
    assert_eq!(plan.measurements.len(), 6);
}

#[test]
fn lincoln_budget_totals_2690() {
    let (_, plan) = import(LINCOLN);

    assert_eq!(plan.total_budget(), Decimal::new(2690, 0));
    assert_eq!(
        plan.resources
            .iter()
            .filter(|r| r.kind == ResourceKind::Budget)
            .count(),
        3
    );
}

#[test]
fn lincoln_plan_fields_are_read() {
    let (_, plan) = import(LINCOLN);

    assert_eq!(
        plan.title,
        "Lincoln Elementary School - Tier 1 Behavior Action Plan 2026-27"
    );
    assert_eq!(plan.school, "Lincoln Elementary");
    assert_eq!(plan.school_year, "2026-27");
    assert!(plan.team.starts_with("PBIS Leadership Team"));
}

#[test]
fn lincoln_goals_link_their_root_causes() {
    let (_, plan) = import(LINCOLN);

    for (goal, root_cause) in plan.goals.iter().zip(&plan.root_causes) {
        assert_eq!(goal.root_cause_ids, vec![root_cause.id.clone()]);
    }
}

#[test]
fn lincoln_actions_link_their_goals() {
    let (_, plan) = import(LINCOLN);
    let goal_of_action = |index: usize| plan.actions[index].goal_ids.clone();

    assert_eq!(goal_of_action(0), vec![plan.goals[0].id.clone()]);
    assert_eq!(goal_of_action(3), vec![plan.goals[1].id.clone()]);
    assert_eq!(goal_of_action(7), vec![plan.goals[2].id.clone()]);
}

#[test]
fn lincoln_support_types_are_inferred() {
    let (_, plan) = import(LINCOLN);
    let types: Vec<Option<SupportType>> = plan
        .actions_of_kind(ActionKind::Support)
        .map(|action| action.support_type)
        .collect();

    assert_eq!(
        types,
        [
            Some(SupportType::Training),
            Some(SupportType::Training),
            Some(SupportType::ProcedureAudit),
            Some(SupportType::Other),
        ]
    );
}

#[test]
fn lincoln_action_cells_are_read() {
    let (_, plan) = import(LINCOLN);
    let first = &plan.actions[0];

    assert_eq!(first.owner, "Behavior Coach (M. Okafor)");
    assert_eq!(first.start_date, date(2026, 11, 2));
    assert_eq!(first.due_date, date(2026, 11, 20));
    assert_eq!(first.status, ActionStatus::InProgress);
    assert_eq!(first.success_indicator, "Monthly ODRs by location (SWIS)");
    assert_eq!(
        first.evidence_of_implementation,
        "Lesson plans saved in the shared team folder"
    );
    assert_eq!(first.notes, "Draft for cafeteria done");
}

#[test]
fn lincoln_measurements_land_on_right_goals() {
    let (_, plan) = import(LINCOLN);
    let referrals = &plan.goals[goal_index_containing(&plan, "ODRs from non-classroom")].id;
    let minor_major = &plan.goals[goal_index_containing(&plan, "minor vs. major")].id;
    let acknowledgement = &plan.goals[goal_index_containing(&plan, "adults notice")].id;

    let goals: Vec<_> = plan.measurements.iter().map(|m| &m.goal_id).collect();

    assert_eq!(
        goals,
        [
            referrals,
            referrals,
            referrals,
            referrals,
            minor_major,
            acknowledgement
        ]
    );
}

#[test]
fn lincoln_goal_measures_come_from_measurements() {
    let (_, plan) = import(LINCOLN);
    let measures: Vec<&str> = plan
        .goals
        .iter()
        .map(|goal| goal.measure.as_str())
        .collect();

    assert_eq!(
        measures,
        [
            "Monthly ODRs in non-classroom settings",
            "Staff scenario check (% correct)",
            "Students who agree adults notice (%)",
        ]
    );
}

#[test]
fn lincoln_goal_statements_yield_targets() {
    let (_, plan) = import(LINCOLN);
    let referrals = &plan.goals[0];
    let minor_major = &plan.goals[1];
    let acknowledgement = &plan.goals[2];

    assert_eq!(referrals.target_date, date(2027, 5, 29));
    assert_eq!(referrals.direction, Some(Direction::Decrease));
    assert_eq!(referrals.baseline_value, Some(38.0));
    assert_eq!(referrals.target_value, Some(20.0));
    assert_eq!(minor_major.baseline_value, Some(52.0));
    assert_eq!(minor_major.target_value, Some(85.0));
    assert_eq!(minor_major.unit, "%");
    assert_eq!(acknowledgement.target_date, date(2027, 5, 14));
    assert_eq!(acknowledgement.target_value, Some(70.0));
    assert_eq!(acknowledgement.direction, Some(Direction::Increase));
}

#[test]
fn lincoln_export_has_expected_arrays() {
    let (_, plan) = import(LINCOLN);

    let json = export_json(&plan);

    assert_eq!(json["root_causes"].as_array().map(Vec::len), Some(3));
    assert_eq!(json["goals"].as_array().map(Vec::len), Some(3));
    assert_eq!(json["actions"].as_array().map(Vec::len), Some(8));
    assert_eq!(json["measurements"].as_array().map(Vec::len), Some(6));
    assert_eq!(json["milestones"].as_array().map(Vec::len), Some(0));
    assert_eq!(json["check_ins"].as_array().map(Vec::len), Some(0));
    let kinds: Vec<&str> = json["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|action| action["kind"].as_str())
        .collect();
    assert_eq!(kinds.iter().filter(|kind| **kind == "primary").count(), 4);
    assert_eq!(kinds.iter().filter(|kind| **kind == "support").count(), 4);
}

#[test]
fn lincoln_export_amounts_are_exact_strings() {
    let (_, plan) = import(LINCOLN);

    let json = export_json(&plan);

    let amounts: Vec<&str> = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|resource| resource["amount"].as_str())
        .collect();
    assert_eq!(amounts, ["1440", "350", "900"]);
}

#[test]
fn riverbend_imports_without_skips_or_warnings() {
    let (imported, _) = import(RIVERBEND);

    assert_eq!(imported.report.rows_skipped, 0, "{}", imported.report);
    assert!(imported.report.warnings.is_empty(), "{}", imported.report);
    assert_eq!(imported.report.rows_imported, 4);
}

#[test]
fn riverbend_has_expected_entity_counts() {
    let (_, plan) = import(RIVERBEND);

    assert_eq!(plan.root_causes.len(), 2);
    assert_eq!(plan.goals.len(), 2);
    assert_eq!(plan.actions_of_kind(ActionKind::Primary).count(), 4);
    assert_eq!(plan.actions_of_kind(ActionKind::Support).count(), 3);
    assert_eq!(plan.measurements.len(), 3);
}

#[test]
fn riverbend_is_a_district_plan() {
    let (_, plan) = import(RIVERBEND);

    assert_eq!(plan.district, "Riverbend Unified School District");
    assert_eq!(plan.title, "District Early Literacy MTSS Plan 2026-2027");
    assert_eq!(plan.focus_area, "Academics - Reading (Tier 1 and Tier 2)");
    assert_eq!(plan.school, "");
    assert_eq!(plan.school_year, "2026-27");
    assert_eq!(
        plan.participating_schools,
        [
            "Lincoln Elementary",
            "Maple Grove Elementary",
            "Cedar Park Elementary",
            "Harbor View Elementary"
        ]
    );
}

#[test]
fn riverbend_budget_lines_are_read() {
    let (_, plan) = import(RIVERBEND);

    let budget: Vec<(Option<Decimal>, &str)> = plan
        .resources
        .iter()
        .filter(|resource| resource.kind == ResourceKind::Budget)
        .map(|resource| (resource.amount, resource.funding_source.as_str()))
        .collect();

    assert_eq!(
        budget,
        [
            (Some(Decimal::new(18500, 0)), "Title I"),
            (Some(Decimal::new(6200, 0)), "ESSER carryover"),
            (Some(Decimal::new(4800, 0)), "ESSER carryover"),
        ]
    );
    assert_eq!(plan.total_budget(), Decimal::new(29500, 0));
}

#[test]
fn riverbend_resources_without_amounts_get_kinds() {
    let (_, plan) = import(RIVERBEND);

    let kinds: Vec<ResourceKind> = plan
        .resources
        .iter()
        .filter(|resource| resource.amount.is_none())
        .map(|resource| resource.kind)
        .collect();

    assert_eq!(
        kinds,
        [ResourceKind::CoachOrMentor, ResourceKind::StaffRole]
    );
}

#[test]
fn riverbend_goal_columns_are_read() {
    let (_, plan) = import(RIVERBEND);
    let screener = &plan.goals[0];

    assert_eq!(
        screener.measure,
        "% of K-3 students at or above benchmark (universal screener)"
    );
    assert_eq!(screener.unit, "%");
    assert_eq!(screener.baseline_value, Some(48.0));
    assert_eq!(screener.baseline_date, date(2026, 9, 18));
    assert_eq!(screener.target_value, Some(60.0));
    assert_eq!(screener.target_date, date(2027, 5, 21));
    assert_eq!(screener.direction, Some(Direction::Increase));
    assert_eq!(plan.goals[1].direction, Some(Direction::Decrease));
}

#[test]
fn riverbend_timeline_sets_action_dates() {
    let (_, plan) = import(RIVERBEND);
    let phonics = &plan.actions[0];

    assert_eq!(
        phonics.title,
        "Adopt a daily 30-minute explicit phonics block in K-2"
    );
    assert_eq!(phonics.start_date, date(2026, 8, 1));
    assert_eq!(phonics.due_date, date(2027, 5, 31));
    assert_eq!(
        phonics.owner,
        "Director of Elementary Curriculum (A. Nakamura)"
    );
}

#[test]
fn riverbend_action_steps_become_milestones() {
    let (_, plan) = import(RIVERBEND);
    let phonics = &plan.actions[0];
    let steps: Vec<&str> = plan
        .milestones
        .iter()
        .filter(|milestone| milestone.action_ids == [phonics.id.clone()])
        .map(|milestone| milestone.title.as_str())
        .collect();

    assert_eq!(
        steps,
        [
            "Publish the phonics scope and sequence",
            "Build the block into every K-2 master schedule",
            "Monthly walkthroughs with feedback",
        ]
    );
    assert_eq!(phonics.description, "");
    assert_eq!(plan.milestones.len(), 12);
}

#[test]
fn riverbend_professional_learning_is_training() {
    let (_, plan) = import(RIVERBEND);

    let support: Vec<(&str, Option<SupportType>, usize)> = plan
        .actions_of_kind(ActionKind::Support)
        .map(|action| {
            (
                action.title.as_str(),
                action.support_type,
                action.goal_ids.len(),
            )
        })
        .collect();

    assert_eq!(
        support,
        [
            (
                "Structured literacy training for K-2 teachers (4 sessions)",
                Some(SupportType::Training),
                1
            ),
            (
                "Coaching cycle protocol refresher for coaches",
                Some(SupportType::Training),
                1
            ),
            (
                "Data-based decision making workshop for grade-level teams",
                Some(SupportType::Training),
                1
            ),
        ]
    );
}

#[test]
fn riverbend_seasonal_values_become_measurements() {
    let (_, plan) = import(RIVERBEND);

    let values: Vec<(Option<NaiveDate>, f64, bool)> = plan
        .measurements
        .iter()
        .map(|m| (Some(m.date), m.value, m.goal_id == plan.goals[0].id))
        .collect();

    assert_eq!(
        values,
        [
            (date(2026, 9, 30), 48.0, true),
            (date(2026, 9, 30), 37.0, false),
            (date(2027, 1, 31), 31.0, false),
        ]
    );
}

#[test]
fn riverbend_monitoring_frequencies_are_joined() {
    let (_, plan) = import(RIVERBEND);

    assert_eq!(
        plan.goals[1].monitoring_frequency,
        "Monthly; Quarterly schedule audit"
    );
}
