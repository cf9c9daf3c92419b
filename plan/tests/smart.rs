//! SMART checks of goals taken from school and district MTSS plans: a table
//! of goals that pass, one test per rule that fails, and the marks of the
//! two sample plans.

use cairn_plan::{
    check_goal, import_csv, Action, ActionKind, Direction, Goal, Plan, RootCause, SmartCheck,
    SmartProperty, SupportType,
};
use chrono::NaiveDate;

const LINCOLN: &[u8] = include_bytes!("fixtures/lincoln-elementary-behavior-2026-27.csv");
const RIVERBEND: &[u8] = include_bytes!("fixtures/riverbend-usd-early-literacy-2026-27.csv");

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

#[allow(clippy::too_many_arguments)]
fn goal(
    statement: &str,
    measure: &str,
    unit: &str,
    baseline: (f64, NaiveDate),
    target: (f64, NaiveDate),
    direction: Direction,
    monitoring_frequency: &str,
) -> Goal {
    let mut goal = Goal::new(statement);
    goal.measure = measure.to_owned();
    goal.unit = unit.to_owned();
    goal.baseline_value = Some(baseline.0);
    goal.baseline_date = Some(baseline.1);
    goal.target_value = Some(target.0);
    goal.target_date = Some(target.1);
    goal.direction = Some(direction);
    goal.monitoring_frequency = monitoring_frequency.to_owned();
    goal
}

/// Returns the universal screener goal of a district early literacy plan.
/// It passes every rule, and each failing test changes one thing in it.
fn screener_goal() -> Goal {
    goal(
        "Increase the percentage of K-3 students at or above benchmark on the universal \
         reading screener from 48% to 60% by the spring 2027 screening window.",
        "% of K-3 students at or above benchmark (universal screener)",
        "%",
        (48.0, date(2026, 9, 18)),
        (60.0, date(2027, 5, 21)),
        Direction::Increase,
        "Three times a year (screener); monthly (walkthroughs)",
    )
}

/// Returns a Tier 1 behavior goal on a count of office discipline referrals
/// (ODRs).
fn referral_goal() -> Goal {
    goal(
        "By May 28, 2027, reduce the monthly average of office discipline referrals from the \
         cafeteria and hallways from 45 to 30, as measured by SWIS monthly reports.",
        "Monthly ODRs in the cafeteria and hallways",
        "",
        (45.0, date(2026, 9, 30)),
        (30.0, date(2027, 5, 28)),
        Direction::Decrease,
        "Monthly",
    )
}

/// Returns a fidelity goal whose target requires 28 points in about five
/// months.
fn fidelity_goal() -> Goal {
    goal(
        "By March 31, 2027, 90% of K-2 classroom teachers will deliver the daily phonics block \
         with fidelity on the walkthrough tool (baseline 62%, October 2026).",
        "% of K-2 teachers at fidelity (phonics walkthrough)",
        "%",
        (62.0, date(2026, 10, 15)),
        (90.0, date(2027, 3, 31)),
        Direction::Increase,
        "Monthly walkthroughs",
    )
}

/// Builds a 2026-27 plan that contains the goal, a root cause it addresses,
/// and a primary action and a support structure that work toward it.
fn plan_with(mut goal: Goal) -> Plan {
    let mut root_cause = RootCause::new(
        "Core phonics instruction is not delivered consistently: classroom observations found \
         an explicit phonics block in 55% of K-2 rooms.",
    );
    root_cause.evidence = "Fall 2026 walkthroughs in all four elementary schools".to_owned();
    goal.root_cause_ids.push(root_cause.id.clone());

    let mut primary = Action::new(
        ActionKind::Primary,
        "Adopt a daily 30-minute explicit phonics block in K-2",
    );
    primary.goal_ids.push(goal.id.clone());
    let mut training = Action::support(
        SupportType::Training,
        "Structured literacy training for K-2 teachers (4 sessions)",
    );
    training.goal_ids.push(goal.id.clone());

    Plan {
        title: "District Early Literacy MTSS Plan 2026-2027".to_owned(),
        district: "Riverbend Unified School District".to_owned(),
        school_year: "2026-27".to_owned(),
        root_causes: vec![root_cause],
        goals: vec![goal],
        actions: vec![primary, training],
        ..Plan::default()
    }
}

fn check(plan: &Plan) -> SmartCheck {
    check_goal(plan, &plan.goals[0])
}

fn failures(goal: Goal, property: SmartProperty) -> Vec<String> {
    check(&plan_with(goal)).failures(property).to_vec()
}

/// Names the properties that the check fails, in SMART order.
fn failing(check: &SmartCheck) -> Vec<&'static str> {
    SmartProperty::ALL
        .into_iter()
        .filter(|property| !check.passes(*property))
        .map(SmartProperty::name)
        .collect()
}

fn imported(input: &[u8]) -> Plan {
    import_csv(input).unwrap().document.snapshot()
}

fn goal_containing<'a>(plan: &'a Plan, text: &str) -> &'a Goal {
    plan.goals
        .iter()
        .find(|goal| goal.statement.contains(text))
        .unwrap()
}

// Properties and the check's shape.

#[test]
fn letters_spell_smart() {
    let letters: String = SmartProperty::ALL
        .map(SmartProperty::letter)
        .iter()
        .collect();

    assert_eq!(letters, "SMART");
}

#[test]
fn property_names_follow_letters() {
    assert_eq!(
        SmartProperty::ALL.map(SmartProperty::name),
        [
            "Specific",
            "Measurable",
            "Achievable",
            "Relevant",
            "Time-bound"
        ]
    );
}

#[test]
fn every_failure_starts_with_property_name() {
    let plan = Plan::default();
    let check = check_goal(&plan, &Goal::new(""));

    for property in SmartProperty::ALL {
        for failure in check.failures(property) {
            let prefix = format!("{}: ", property.name());
            assert!(failure.starts_with(&prefix), "{failure}");
        }
    }
}

#[test]
fn empty_goal_fails_every_property() {
    let plan = Plan::default();
    let check = check_goal(&plan, &Goal::new(""));

    assert_eq!(failing(&check).len(), 5);
}

#[test]
fn one_failure_means_not_all_pass() {
    let mut goal = screener_goal();
    goal.monitoring_frequency.clear();

    assert!(!check(&plan_with(goal)).all_pass());
}

#[test]
fn all_failures_follow_smart_order() {
    let mut goal = screener_goal();
    goal.monitoring_frequency.clear();
    goal.measure.clear();
    let check = check(&plan_with(goal));

    let all: Vec<&str> = check.all_failures().collect();

    assert_eq!(
        all,
        [
            "Specific: no progress monitoring measure named",
            "Time-bound: no monitoring frequency"
        ]
    );
}

// Goals that pass.

#[test]
fn realistic_goals_pass_every_rule() {
    let mut fidelity_with_rationale = fidelity_goal();
    fidelity_with_rationale.rationale = "Every K-2 teacher completes four structured literacy \
        sessions by January, and coaches run a cycle with each teacher below 80%."
        .to_owned();

    let mut acknowledgement = goal(
        "By May 14, 2027, 70% of students in grades 3-5 will agree that adults notice when they \
         follow expectations on the spring school climate survey (baseline 34%, fall 2026).",
        "Students who agree adults notice (%)",
        "%",
        (34.0, date(2026, 10, 20)),
        (70.0, date(2027, 5, 14)),
        Direction::Increase,
        "Monthly pulse check; fall and spring climate survey",
    );
    acknowledgement.interim_target_value = Some(52.0);
    acknowledgement.interim_target_date = Some(date(2027, 1, 29));

    let goals = [
        ("universal screener", screener_goal()),
        (
            "Tier 2 intervention length",
            goal(
                "Reduce the percentage of students in grades 1-3 who remain in Tier 2 reading \
                 intervention for more than 16 weeks from 37% to 20% by June 2027.",
                "% of Tier 2 students exceeding 16 weeks in intervention",
                "%",
                (37.0, date(2026, 6, 5)),
                (20.0, date(2027, 6, 4)),
                Direction::Decrease,
                "Monthly",
            ),
        ),
        (
            "chronic absence",
            goal(
                "Reduce the percentage of students in grades 6-8 who are chronically absent \
                 from 24% to 18% by June 4, 2027, as measured by the monthly attendance report.",
                "% of grade 6-8 students chronically absent",
                "%",
                (24.0, date(2026, 9, 30)),
                (18.0, date(2027, 6, 4)),
                Direction::Decrease,
                "Monthly",
            ),
        ),
        ("cafeteria and hallway referrals", referral_goal()),
        ("fidelity with a rationale", fidelity_with_rationale),
        ("acknowledgement with an interim target", acknowledgement),
    ];

    for (name, goal) in goals {
        let check = check(&plan_with(goal));
        let found: Vec<&str> = check.all_failures().collect();
        assert!(check.all_pass(), "{name}: {found:?}");
    }
}

// Specific.

#[test]
fn specific_empty_statement_fails() {
    let mut goal = screener_goal();
    goal.statement = "  ".to_owned();

    assert_eq!(
        failures(goal, SmartProperty::Specific),
        ["Specific: no goal statement"]
    );
}

#[test]
fn specific_short_statement_fails() {
    let mut goal = screener_goal();
    goal.statement = "Increase K-3 students at benchmark to 60%".to_owned();

    assert_eq!(
        failures(goal, SmartProperty::Specific),
        ["Specific: the statement has 7 words, fewer than the 8 needed to say who, what changes \
          and by how much"]
    );
}

#[test]
fn specific_statement_without_change_fails() {
    let mut goal = screener_goal();
    goal.statement = "The percentage of K-3 students at or above benchmark on the universal \
                      screener is 60% in May 2027."
        .to_owned();

    assert_eq!(
        failures(goal, SmartProperty::Specific),
        ["Specific: the statement names no change, such as increase, reduce or will reach"]
    );
}

#[test]
fn specific_statement_without_group_fails() {
    let mut goal = screener_goal();
    goal.statement = "Increase the average oral reading fluency score on the spring benchmark \
                      from 72 to 90 words correct per minute."
        .to_owned();

    assert_eq!(
        failures(goal, SmartProperty::Specific),
        [
            "Specific: the statement names no group or setting, such as students in grades 3-5, \
          staff or the cafeteria"
        ]
    );
}

#[test]
fn specific_setting_counts_as_where() {
    let mut goal = referral_goal();
    goal.statement = "By May 28, 2027, reduce the monthly average of referrals from \
                      non-classroom areas from 45 to 30."
        .to_owned();

    assert!(check(&plan_with(goal)).passes(SmartProperty::Specific));
}

#[test]
fn specific_missing_measure_fails() {
    let mut goal = screener_goal();
    goal.measure.clear();

    assert_eq!(
        failures(goal, SmartProperty::Specific),
        ["Specific: no progress monitoring measure named"]
    );
}

// Measurable.

#[test]
fn measurable_missing_baseline_fails() {
    let mut goal = screener_goal();
    goal.baseline_value = None;

    assert_eq!(
        failures(goal, SmartProperty::Measurable),
        ["Measurable: no baseline value"]
    );
}

#[test]
fn measurable_missing_target_fails() {
    let mut goal = screener_goal();
    goal.target_value = None;

    assert_eq!(
        failures(goal, SmartProperty::Measurable),
        ["Measurable: no target value"]
    );
}

#[test]
fn measurable_direction_comes_from_values() {
    let mut goal = screener_goal();
    goal.direction = None;

    assert!(check(&plan_with(goal)).passes(SmartProperty::Measurable));
}

#[test]
fn measurable_no_direction_and_equal_values_fails() {
    let mut goal = screener_goal();
    goal.direction = None;
    goal.target_value = Some(48.0);

    assert_eq!(
        failures(goal, SmartProperty::Measurable),
        ["Measurable: no direction (increase or decrease), and the target equals the baseline"]
    );
}

#[test]
fn measurable_no_direction_without_target_fails() {
    let mut goal = screener_goal();
    goal.direction = None;
    goal.target_value = None;

    assert_eq!(
        failures(goal, SmartProperty::Measurable),
        [
            "Measurable: no target value",
            "Measurable: no direction (increase or decrease)"
        ]
    );
}

#[test]
fn measurable_increase_target_below_baseline_fails() {
    let mut goal = screener_goal();
    goal.target_value = Some(45.0);

    assert_eq!(
        failures(goal, SmartProperty::Measurable),
        [
            "Measurable: the target (45%) is not above the baseline (48%), but the goal is to \
          increase"
        ]
    );
}

#[test]
fn measurable_decrease_target_above_baseline_fails() {
    let mut goal = referral_goal();
    goal.target_value = Some(48.0);

    assert_eq!(
        failures(goal, SmartProperty::Measurable),
        [
            "Measurable: the target (48) is not below the baseline (45), but the goal is to \
          decrease"
        ]
    );
}

#[test]
fn measurable_percent_baseline_above_100_fails() {
    let mut goal = screener_goal();
    goal.baseline_value = Some(112.0);
    goal.target_value = Some(115.0);

    assert_eq!(
        failures(goal, SmartProperty::Measurable),
        ["Measurable: the baseline (112%) is outside 0-100%"]
    );
}

#[test]
fn measurable_interim_beyond_target_fails() {
    let mut goal = screener_goal();
    goal.interim_target_value = Some(65.0);
    goal.interim_target_date = Some(date(2027, 1, 29));

    assert_eq!(
        failures(goal, SmartProperty::Measurable),
        [
            "Measurable: the interim target (65%) is not between the baseline (48%) and the \
          target (60%)"
        ]
    );
}

#[test]
fn measurable_interim_date_without_value_fails() {
    let mut goal = screener_goal();
    goal.interim_target_date = Some(date(2027, 1, 29));

    assert_eq!(
        failures(goal, SmartProperty::Measurable),
        ["Measurable: the interim target on 2027-01-29 has no value"]
    );
}

// Achievable.

#[test]
fn achievable_fast_percent_change_fails() {
    assert_eq!(
        failures(fidelity_goal(), SmartProperty::Achievable),
        [
            "Achievable: the target asks for a change of 28 points in 5 months; add a rationale \
          or an interim target"
        ]
    );
}

#[test]
fn achievable_rationale_backs_fast_change() {
    let mut goal = fidelity_goal();
    goal.rationale = "Every K-2 teacher completes four structured literacy sessions by \
                      January."
        .to_owned();

    assert!(check(&plan_with(goal)).passes(SmartProperty::Achievable));
}

#[test]
fn achievable_interim_target_backs_fast_change() {
    let mut goal = fidelity_goal();
    goal.interim_target_value = Some(75.0);
    goal.interim_target_date = Some(date(2027, 1, 15));

    assert!(check(&plan_with(goal)).passes(SmartProperty::Achievable));
}

#[test]
fn achievable_late_interim_does_not_back() {
    let mut goal = fidelity_goal();
    goal.interim_target_value = Some(75.0);
    goal.interim_target_date = Some(date(2027, 4, 30));

    assert!(!check(&plan_with(goal)).passes(SmartProperty::Achievable));
}

#[test]
fn achievable_interim_beyond_target_does_not_back() {
    let mut goal = fidelity_goal();
    goal.interim_target_value = Some(95.0);
    goal.interim_target_date = Some(date(2027, 1, 15));

    assert!(!check(&plan_with(goal)).passes(SmartProperty::Achievable));
}

#[test]
fn achievable_fast_count_change_fails() {
    let mut goal = referral_goal();
    goal.target_value = Some(20.0);

    assert_eq!(
        failures(goal, SmartProperty::Achievable),
        [
            "Achievable: the target asks for a change of 56% (from 45 to 20) in 8 months; add a \
          rationale or an interim target"
        ]
    );
}

#[test]
fn achievable_moderate_count_change_passes() {
    assert!(check(&plan_with(referral_goal())).passes(SmartProperty::Achievable));
}

#[test]
fn achievable_count_from_zero_passes() {
    let goal = goal(
        "Increase the number of families who attend the spring literacy night at each \
         elementary school from 0 to 40.",
        "Families attending the literacy night",
        "families",
        (0.0, date(2026, 9, 30)),
        (40.0, date(2027, 4, 22)),
        Direction::Increase,
        "After each family event",
    );

    assert!(check(&plan_with(goal)).passes(SmartProperty::Achievable));
}

#[test]
fn achievable_counts_from_school_year() {
    // From 2026-12-01 the 30 points take under 6 months (over 5 a month).
    // From the school year's start on 2026-07-01 they take over 10.
    let mut goal = screener_goal();
    goal.baseline_value = Some(30.0);
    goal.baseline_date = None;

    assert!(check(&plan_with(goal)).passes(SmartProperty::Achievable));
}

#[test]
fn achievable_late_baseline_fails() {
    let mut goal = screener_goal();
    goal.baseline_value = Some(30.0);
    goal.baseline_date = Some(date(2026, 12, 1));

    assert!(!check(&plan_with(goal)).passes(SmartProperty::Achievable));
}

#[test]
fn achievable_without_any_start_date_fails() {
    let mut goal = screener_goal();
    goal.baseline_date = None;
    let mut plan = plan_with(goal);
    plan.school_year.clear();
    plan.title = "District Early Literacy MTSS Plan".to_owned();

    assert_eq!(
        check(&plan).failures(SmartProperty::Achievable),
        [
            "Achievable: the size of the change cannot be judged without a baseline date or a \
          school year"
        ]
    );
}

#[test]
fn achievable_without_target_value_fails() {
    let mut goal = screener_goal();
    goal.target_value = None;

    assert_eq!(
        failures(goal, SmartProperty::Achievable),
        ["Achievable: the size of the change cannot be judged without a target value"]
    );
}

#[test]
fn achievable_target_date_before_start_fails() {
    let mut goal = screener_goal();
    goal.target_date = Some(date(2026, 6, 1));

    assert_eq!(
        failures(goal, SmartProperty::Achievable),
        [
            "Achievable: the size of the change cannot be judged because the target date \
          (2026-06-01) is not after the baseline date (2026-09-18)"
        ]
    );
}

#[test]
fn achievable_percent_target_above_100_fails() {
    let mut goal = screener_goal();
    goal.target_value = Some(105.0);
    goal.rationale = "The screener vendor's growth norms".to_owned();

    assert_eq!(
        failures(goal, SmartProperty::Achievable),
        ["Achievable: the target (105%) is outside 0-100%"]
    );
}

#[test]
fn achievable_percent_target_below_zero_fails() {
    let mut goal = referral_goal();
    goal.unit = "%".to_owned();
    goal.baseline_value = Some(4.0);
    goal.target_value = Some(-1.0);

    assert_eq!(
        failures(goal, SmartProperty::Achievable),
        ["Achievable: the target (-1%) is outside 0-100%"]
    );
}

// Relevant.

#[test]
fn relevant_without_root_cause_fails() {
    let mut plan = plan_with(screener_goal());
    plan.goals[0].root_cause_ids.clear();

    assert_eq!(
        check(&plan).failures(SmartProperty::Relevant),
        ["Relevant: not linked to any root cause"]
    );
}

#[test]
fn relevant_link_to_deleted_root_cause_fails() {
    let mut plan = plan_with(screener_goal());
    plan.root_causes.clear();

    assert_eq!(
        check(&plan).failures(SmartProperty::Relevant),
        ["Relevant: not linked to any root cause"]
    );
}

#[test]
fn relevant_without_actions_fails() {
    let mut plan = plan_with(screener_goal());
    plan.actions.clear();

    assert_eq!(
        check(&plan).failures(SmartProperty::Relevant),
        ["Relevant: no primary action works toward this goal"]
    );
}

#[test]
fn relevant_support_structure_alone_fails() {
    let mut plan = plan_with(screener_goal());
    plan.actions
        .retain(|action| action.kind == ActionKind::Support);

    assert_eq!(
        check(&plan).failures(SmartProperty::Relevant),
        ["Relevant: no primary action works toward this goal"]
    );
}

// Time-bound.

#[test]
fn time_bound_missing_target_date_fails() {
    let mut goal = screener_goal();
    goal.target_date = None;

    assert_eq!(
        failures(goal, SmartProperty::TimeBound),
        ["Time-bound: no target date"]
    );
}

#[test]
fn time_bound_target_before_baseline_fails() {
    let mut goal = screener_goal();
    goal.target_date = Some(date(2026, 6, 1));

    assert_eq!(
        failures(goal, SmartProperty::TimeBound),
        ["Time-bound: the target date (2026-06-01) is not after the baseline date (2026-09-18)"]
    );
}

#[test]
fn time_bound_target_on_baseline_date_fails() {
    let mut goal = screener_goal();
    goal.target_date = goal.baseline_date;

    assert!(!check(&plan_with(goal)).passes(SmartProperty::TimeBound));
}

#[test]
fn time_bound_missing_frequency_fails() {
    let mut goal = screener_goal();
    goal.monitoring_frequency = " ".to_owned();

    assert_eq!(
        failures(goal, SmartProperty::TimeBound),
        ["Time-bound: no monitoring frequency"]
    );
}

#[test]
fn time_bound_interim_without_date_fails() {
    let mut goal = screener_goal();
    goal.interim_target_value = Some(54.0);

    assert_eq!(
        failures(goal, SmartProperty::TimeBound),
        ["Time-bound: the interim target (54%) has no date"]
    );
}

#[test]
fn time_bound_interim_after_target_fails() {
    let mut goal = screener_goal();
    goal.interim_target_value = Some(54.0);
    goal.interim_target_date = Some(date(2027, 6, 15));

    assert_eq!(
        failures(goal, SmartProperty::TimeBound),
        [
            "Time-bound: the interim target date (2027-06-15) is not between the baseline date \
          (2026-09-18) and the target date"
        ]
    );
}

// The sample plans.

#[test]
fn lincoln_referral_goal_lacks_only_frequency() {
    let plan = imported(LINCOLN);
    let goal = goal_containing(&plan, "ODRs from non-classroom");

    assert_eq!(failing(&check_goal(&plan, goal)), ["Time-bound"]);
}

#[test]
fn lincoln_minor_major_goal_marks() {
    let plan = imported(LINCOLN);
    let goal = goal_containing(&plan, "minor vs. major");

    assert_eq!(
        failing(&check_goal(&plan, goal)),
        ["Achievable", "Time-bound"]
    );
}

#[test]
fn lincoln_minor_major_change_counts_from_july() {
    let plan = imported(LINCOLN);
    let goal = goal_containing(&plan, "minor vs. major");

    assert_eq!(
        check_goal(&plan, goal).failures(SmartProperty::Achievable),
        [
            "Achievable: the target asks for a change of 33 points in 9 months; add a rationale \
          or an interim target"
        ]
    );
}

#[test]
fn lincoln_acknowledgement_goal_marks() {
    let plan = imported(LINCOLN);
    let goal = goal_containing(&plan, "adults notice");

    assert_eq!(
        failing(&check_goal(&plan, goal)),
        ["Achievable", "Time-bound"]
    );
}

#[test]
fn lincoln_goals_lack_monitoring_frequency() {
    let plan = imported(LINCOLN);

    for goal in &plan.goals {
        assert_eq!(
            check_goal(&plan, goal).failures(SmartProperty::TimeBound),
            ["Time-bound: no monitoring frequency"],
            "{}",
            goal.statement
        );
    }
}

#[test]
fn riverbend_goals_pass_every_rule() {
    let plan = imported(RIVERBEND);

    for goal in &plan.goals {
        let check = check_goal(&plan, goal);
        let found: Vec<&str> = check.all_failures().collect();
        assert!(check.all_pass(), "{}: {found:?}", goal.statement);
    }
}

#[test]
fn template_placeholder_fails_specific() {
    let mut goal = referral_goal();
    goal.statement = "By [target date], reduce the monthly average of office discipline \
                      referrals from the cafeteria and hallways from 45 to 30."
        .to_owned();

    assert_eq!(
        failures(goal, SmartProperty::Specific),
        [
            "Specific: the statement still has the placeholder [target date]; replace it with \
          the plan's own value"
        ]
    );
}
