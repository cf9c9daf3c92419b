//! The CSV export imports back into an equal plan: equal after each
//! entity id is replaced by its position, because an import gives every
//! entity a fresh id.

use std::collections::HashMap;

use cairn_plan::{
    export_csv, import_csv, Action, ActionKind, ActionReview, ActionStatus, CheckIn, CheckInKind,
    Direction, EntityId, Goal, ImportReport, Measurement, Milestone, Plan, PlanDocument,
    PlanStatus, Resource, ResourceKind, RootCause, SupportType,
};
use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;

const LINCOLN: &[u8] = include_bytes!("fixtures/lincoln-elementary-behavior-2026-27.csv");
const RIVERBEND: &[u8] = include_bytes!("fixtures/riverbend-usd-early-literacy-2026-27.csv");

/// Text that spreadsheets and CSV readers treat specially.
const AWKWARD_TEXTS: [&str; 14] = [
    "Cafeteria, hallway and recess",
    "The \"Cool Tools\" lessons",
    "Title I; Title IV",
    "Line one\nLine two",
    "Line one\r\nLine two",
    "=SUM(A1:A3)",
    "+1 reteach day",
    "-2 ODRs per week",
    "@counselor",
    "'Tier 2' groups",
    "  two leading spaces and a trailing tab\t",
    "1) Teach lessons 2) Reteach after breaks",
    "Milestones",
    "School",
];

fn date(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Replaces every entity id, and every link to it, by an id made of its
/// collection and position, such as `goal1`.
fn positional(plan: &Plan) -> Plan {
    let mut ids: HashMap<EntityId, EntityId> = HashMap::new();
    let mut name = |prefix: &str, index: usize, id: &EntityId| {
        let new_id: EntityId = format!("{prefix}{index}").parse().unwrap();
        ids.insert(id.clone(), new_id);
    };
    for (index, item) in plan.root_causes.iter().enumerate() {
        name("root_cause", index, &item.id);
    }
    for (index, item) in plan.goals.iter().enumerate() {
        name("goal", index, &item.id);
    }
    for (index, item) in plan.actions.iter().enumerate() {
        name("action", index, &item.id);
    }
    for (index, item) in plan.resources.iter().enumerate() {
        name("resource", index, &item.id);
    }
    for (index, item) in plan.milestones.iter().enumerate() {
        name("milestone", index, &item.id);
    }
    for (index, item) in plan.measurements.iter().enumerate() {
        name("measurement", index, &item.id);
    }
    for (index, item) in plan.check_ins.iter().enumerate() {
        name("check_in", index, &item.id);
    }

    let swap = |id: &mut EntityId| *id = ids[id].clone();
    let mut plan = plan.clone();
    for item in &mut plan.root_causes {
        swap(&mut item.id);
    }
    for item in &mut plan.goals {
        swap(&mut item.id);
        item.root_cause_ids.iter_mut().for_each(swap);
    }
    for item in &mut plan.actions {
        swap(&mut item.id);
        item.goal_ids.iter_mut().for_each(swap);
    }
    for item in &mut plan.resources {
        swap(&mut item.id);
        item.action_ids.iter_mut().for_each(swap);
    }
    for item in &mut plan.milestones {
        swap(&mut item.id);
        item.action_ids.iter_mut().for_each(swap);
    }
    for item in &mut plan.measurements {
        swap(&mut item.id);
        swap(&mut item.goal_id);
    }
    for item in &mut plan.check_ins {
        swap(&mut item.id);
        for review in &mut item.action_reviews {
            swap(&mut review.action_id);
        }
    }
    plan
}

/// Stores a plan in a document and reads it back, as the app does with
/// every plan, so both sides of a comparison are in the document's form.
fn stored(plan: &Plan) -> Plan {
    PlanDocument::from_plan(plan).unwrap().snapshot()
}

/// Exports a stored plan to CSV and imports it again.
fn round_trip(plan: &Plan) -> (Plan, ImportReport) {
    let text = export_csv(plan);
    let imported = import_csv(text.as_bytes()).unwrap();
    (imported.document.snapshot(), imported.report)
}

fn assert_round_trip(plan: &Plan) {
    let plan = stored(plan);

    let (read_back, report) = round_trip(&plan);

    assert!(report.is_clean(), "{report}\n{}", export_csv(&plan));
    assert_eq!(positional(&read_back), positional(&plan));
}

#[test]
fn lincoln_sample_round_trips() {
    let plan = import_csv(LINCOLN).unwrap().document.snapshot();

    assert_round_trip(&plan);
}

#[test]
fn riverbend_sample_round_trips() {
    let plan = import_csv(RIVERBEND).unwrap().document.snapshot();

    assert_round_trip(&plan);
}

#[test]
fn empty_plan_round_trips() {
    assert_round_trip(&Plan::default());
}

/// Builds a plan that fills every field and uses every enum value.
fn every_field_plan() -> Plan {
    let mut plan = Plan {
        title: "Harbor View Elementary - Attendance Plan 2026-27".to_owned(),
        district: "Riverbend Unified School District".to_owned(),
        school: "Harbor View Elementary".to_owned(),
        school_year: "2026-2027".to_owned(),
        focus_area: "Attendance; family engagement".to_owned(),
        team: "=Attendance team (Principal, Counselor, Nurse)".to_owned(),
        participating_schools: vec![
            "Harbor View Elementary".to_owned(),
            "Lincoln Elementary; annex".to_owned(),
            String::new(),
        ],
        status: PlanStatus::Active,
        currency: "CAD".to_owned(),
        ..Plan::default()
    };

    for (index, text) in AWKWARD_TEXTS.iter().enumerate() {
        let mut root_cause = RootCause::new(*text);
        root_cause.evidence = format!("Attendance data, week {index}");
        plan.root_causes.push(root_cause);
    }
    plan.root_causes
        .push(RootCause::new("Cafeteria, hallway and recess"));
    plan.root_causes.push(RootCause::new(""));

    let mut increase =
        Goal::new("By May 28, 2027, raise average daily attendance from 91% to 95%.");
    increase.root_cause_ids = vec![
        plan.root_causes[0].id.clone(),
        plan.root_causes[3].id.clone(),
    ];
    let mut decrease = Goal::new("Reduce chronic absence from 18 to 12 percent");
    decrease.measure = "Chronic absence rate".to_owned();
    decrease.unit = "%".to_owned();
    decrease.baseline_value = Some(18.25);
    decrease.baseline_date = date(2026, 9, 30);
    decrease.target_value = Some(-0.5);
    decrease.target_date = date(2027, 6, 4);
    decrease.direction = Some(Direction::Decrease);
    decrease.monitoring_frequency = "Monthly, at the data meeting".to_owned();
    decrease.rationale = "Similar schools cut absence by a third in one year".to_owned();
    decrease.interim_target_value = Some(15.0);
    decrease.interim_target_date = date(2027, 1, 29);
    decrease.root_cause_ids = plan
        .root_causes
        .iter()
        .map(|item| item.id.clone())
        .collect();
    let mut rising = Goal::new("Reduce chronic absence from 18 to 12 percent");
    rising.direction = Some(Direction::Increase);
    plan.goals = vec![increase, decrease, rising, Goal::new("")];

    let mut primary = Action::new(ActionKind::Primary, "Call families after two absences");
    primary.description = "Scripts in English and Spanish, \"warm\" tone".to_owned();
    primary.owner = "@Counselor".to_owned();
    primary.start_date = date(2026, 8, 24);
    primary.due_date = date(2027, 5, 28);
    primary.status = ActionStatus::InProgress;
    primary.success_indicator = "Calls logged within 24 hours".to_owned();
    primary.evidence_of_implementation = "Call log".to_owned();
    primary.notes = "-Paused during testing week".to_owned();
    primary.goal_ids = plan.goals.iter().map(|goal| goal.id.clone()).collect();
    plan.actions.push(primary);

    for (support_type, status) in SupportType::ALL.iter().zip(ActionStatus::ALL) {
        let mut support = Action::support(*support_type, format!("Support: {support_type}"));
        support.status = *status;
        support.goal_ids = vec![plan.goals[1].id.clone()];
        plan.actions.push(support);
    }
    let mut untyped = Action::new(ActionKind::Support, "Call families after two absences");
    untyped.status = ActionStatus::OnHold;
    plan.actions.push(untyped);
    plan.actions.push(Action::new(ActionKind::Primary, ""));

    for (index, kind) in ResourceKind::ALL.iter().enumerate() {
        let mut resource = Resource::new(*kind, format!("Resource {index}, {kind}"));
        resource.amount = Some(Decimal::new(125_050 * i64::try_from(index).unwrap(), 2));
        resource.funding_source = "Title I".to_owned();
        resource.hours = Some(Decimal::new(15, 1));
        resource.action_ids = vec![plan.actions[0].id.clone(), plan.actions[2].id.clone()];
        plan.resources.push(resource);
    }
    let mut refund = Resource::new(ResourceKind::Budget, "Returned deposit");
    refund.amount = Some(Decimal::new(-4000, 2));
    plan.resources.push(refund);
    plan.resources
        .push(Resource::new(ResourceKind::Material, ""));

    let mut milestone = Milestone::new("Call scripts ready", date(2026, 8, 21));
    milestone.done = true;
    milestone.action_ids = vec![plan.actions[0].id.clone(), plan.actions[1].id.clone()];
    plan.milestones.push(milestone);
    plan.milestones
        .push(Milestone::new("+Mid-year review", None));

    let mut measurement =
        Measurement::new(plan.goals[1].id.clone(), date(2026, 10, 30).unwrap(), 17.5);
    measurement.note = "October, after \"Attendance Awareness Month\"".to_owned();
    plan.measurements.push(measurement);
    plan.measurements.push(Measurement::new(
        plan.goals[3].id.clone(),
        date(2026, 11, 30).unwrap(),
        -3.0,
    ));
    plan.measurements.push(Measurement::new(
        plan.goals[1].id.clone(),
        date(2026, 9, 30).unwrap(),
        0.1,
    ));

    for kind in CheckInKind::ALL {
        let mut check_in = CheckIn::new(*kind, date(2026, 12, 1));
        check_in.attendees = "Principal; Counselor; Nurse".to_owned();
        check_in.summary = "Calls are logged,\nbut late".to_owned();
        check_in.decisions = "=Keep the scripts".to_owned();
        check_in.next_steps = "Share the November data".to_owned();
        check_in.action_reviews = ActionStatus::ALL
            .iter()
            .zip(&plan.actions)
            .map(|(status, action)| ActionReview {
                action_id: action.id.clone(),
                status: *status,
            })
            .collect();
        plan.check_ins.push(check_in);
    }
    plan.check_ins
        .push(CheckIn::new(CheckInKind::CheckIn, None));

    plan
}

#[test]
fn every_field_round_trips() {
    assert_round_trip(&every_field_plan());
}

#[test]
fn every_plan_status_round_trips() {
    for status in PlanStatus::ALL {
        let plan = Plan {
            status: *status,
            ..Plan::default()
        };

        let (read_back, _) = round_trip(&stored(&plan));

        assert_eq!(read_back.status, *status);
    }
}

#[test]
fn formula_text_is_quoted_in_the_sheet() {
    let plan = stored(&every_field_plan());

    let text = export_csv(&plan);

    assert!(text.contains("\r\nTeam,\"'=Attendance team"), "{text}");
    assert!(text.contains(",'@Counselor,"), "{text}");
    assert!(!text.contains(",=SUM"), "{text}");
}

#[test]
fn sheet_starts_with_format_line() {
    let text = export_csv(&stored(&every_field_plan()));

    assert!(text.starts_with("Format,Cairn CSV 1\r\n"));
}

#[test]
fn lines_end_in_crlf() {
    let text = export_csv(&stored(&Plan::default()));

    assert!(text.ends_with("\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "{text}");
}

#[test]
fn amounts_are_plain_decimals() {
    let text = export_csv(&stored(&every_field_plan()));

    assert!(text.contains(",1250.50,Title I,1.5,"), "{text}");
    assert!(text.contains(",-40.00,"), "{text}");
}

#[test]
fn sheet_without_format_line_imports() {
    let plan = stored(&every_field_plan());
    let text = export_csv(&plan);
    let without_format = text.trim_start_matches("Format,Cairn CSV 1\r\n");

    let imported = import_csv(without_format.as_bytes()).unwrap();
    let read_back = imported.document.snapshot();

    assert_eq!(read_back.title, plan.title);
    assert_eq!(read_back.check_ins.len(), plan.check_ins.len());
    assert_eq!(read_back.milestones.len(), plan.milestones.len());
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9 ,;:\"'=+@().%$#\\-\\n\\r\\t]{0,24}",
        prop::sample::select(&AWKWARD_TEXTS[..]).prop_map(str::to_owned),
        Just(String::new()),
    ]
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-1000i32..1000).prop_map(f64::from),
        -1.0e6f64..1.0e6,
        any::<f64>().prop_filter("a finite number", |value| value.is_finite()),
    ]
}

fn decimal() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0u32..6).prop_map(|(mantissa, scale)| Decimal::new(mantissa, scale))
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (1990i32..2100, 1u32..=12, 1u32..=28)
        .prop_map(|(year, month, day)| NaiveDate::from_ymd_opt(year, month, day).unwrap())
}

/// Picks entries of a collection of `count` by the raw numbers in
/// `picks`, without repeats.
fn pick(ids: &[EntityId], picks: &[usize]) -> Vec<EntityId> {
    let mut chosen = Vec::new();
    if ids.is_empty() {
        return chosen;
    }
    for raw in picks {
        let id = &ids[raw % ids.len()];
        if !chosen.contains(id) {
            chosen.push(id.clone());
        }
    }
    chosen
}

type Picks = Vec<usize>;

fn picks() -> impl Strategy<Value = Picks> {
    prop::collection::vec(0usize..16, 0..4)
}

fn root_cause() -> impl Strategy<Value = RootCause> {
    (text(), text()).prop_map(|(statement, evidence)| RootCause {
        evidence,
        ..RootCause::new(statement)
    })
}

fn goal() -> impl Strategy<Value = (Goal, Picks)> {
    (
        (text(), text(), text(), text(), text()),
        (
            prop::option::of(number()),
            prop::option::of(any_date()),
            prop::option::of(number()),
            prop::option::of(any_date()),
            prop::option::of(prop::sample::select(Direction::ALL)),
            prop::option::of(number()),
            prop::option::of(any_date()),
        ),
        picks(),
    )
        .prop_map(
            |(
                (statement, measure, unit, frequency, rationale),
                (baseline, baseline_date, target, target_date, direction, interim, interim_date),
                links,
            )| {
                let goal = Goal {
                    measure,
                    unit,
                    baseline_value: baseline,
                    baseline_date,
                    target_value: target,
                    target_date,
                    direction,
                    monitoring_frequency: frequency,
                    rationale,
                    interim_target_value: interim,
                    interim_target_date: interim_date,
                    ..Goal::new(statement)
                };
                (goal, links)
            },
        )
}

fn action() -> impl Strategy<Value = (Action, Picks)> {
    (
        (text(), text(), text(), text(), text(), text(), text()),
        (
            prop::sample::select(ActionKind::ALL),
            prop::option::of(prop::sample::select(SupportType::ALL)),
            prop::sample::select(ActionStatus::ALL),
            prop::option::of(any_date()),
            prop::option::of(any_date()),
        ),
        picks(),
    )
        .prop_map(
            |(
                (title, description, owner, indicator, evidence, notes, _),
                (kind, support_type, status, start_date, due_date),
                links,
            )| {
                let action = Action {
                    support_type,
                    description,
                    owner,
                    start_date,
                    due_date,
                    status,
                    success_indicator: indicator,
                    evidence_of_implementation: evidence,
                    notes,
                    ..Action::new(kind, title)
                };
                (action, links)
            },
        )
}

fn resource() -> impl Strategy<Value = (Resource, Picks)> {
    (
        prop::sample::select(ResourceKind::ALL),
        text(),
        prop::option::of(decimal()),
        text(),
        prop::option::of(decimal()),
        picks(),
    )
        .prop_map(
            |(kind, description, amount, funding_source, hours, links)| {
                let resource = Resource {
                    amount,
                    funding_source,
                    hours,
                    ..Resource::new(kind, description)
                };
                (resource, links)
            },
        )
}

fn milestone() -> impl Strategy<Value = (Milestone, Picks)> {
    (text(), prop::option::of(any_date()), any::<bool>(), picks()).prop_map(
        |(title, date, done, links)| {
            let milestone = Milestone {
                done,
                ..Milestone::new(title, date)
            };
            (milestone, links)
        },
    )
}

fn measurement() -> impl Strategy<Value = (usize, NaiveDate, f64, String)> {
    (0usize..16, any_date(), number(), text())
}

fn check_in() -> impl Strategy<Value = (CheckIn, Vec<(usize, ActionStatus)>)> {
    (
        prop::sample::select(CheckInKind::ALL),
        prop::option::of(any_date()),
        (text(), text(), text(), text()),
        prop::collection::vec((0usize..16, prop::sample::select(ActionStatus::ALL)), 0..4),
    )
        .prop_map(
            |(kind, date, (attendees, summary, decisions, next_steps), reviews)| {
                let check_in = CheckIn {
                    attendees,
                    summary,
                    decisions,
                    next_steps,
                    ..CheckIn::new(kind, date)
                };
                (check_in, reviews)
            },
        )
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        (text(), text(), text(), text(), text(), text()),
        (
            prop::collection::vec(text(), 0..3),
            prop::sample::select(PlanStatus::ALL),
            "[A-Z]{3}",
        ),
        (
            prop::collection::vec(root_cause(), 0..4),
            prop::collection::vec(goal(), 0..4),
            prop::collection::vec(action(), 0..5),
            prop::collection::vec(resource(), 0..4),
            prop::collection::vec(milestone(), 0..3),
            prop::collection::vec(measurement(), 0..4),
            prop::collection::vec(check_in(), 0..3),
        ),
    )
        .prop_map(|(fields, (schools, status, currency), entities)| {
            let (title, district, school, school_year, focus_area, team) = fields;
            let (root_causes, goals, actions, resources, milestones, measurements, check_ins) =
                entities;

            let mut plan = Plan {
                title,
                district,
                school,
                school_year,
                focus_area,
                team,
                participating_schools: schools,
                status,
                currency,
                root_causes,
                ..Plan::default()
            };

            let root_cause_ids: Vec<EntityId> = plan
                .root_causes
                .iter()
                .map(|item| item.id.clone())
                .collect();
            for (mut goal, links) in goals {
                goal.root_cause_ids = pick(&root_cause_ids, &links);
                plan.goals.push(goal);
            }

            let goal_ids: Vec<EntityId> = plan.goals.iter().map(|item| item.id.clone()).collect();
            for (mut action, links) in actions {
                action.goal_ids = pick(&goal_ids, &links);
                plan.actions.push(action);
            }

            let action_ids: Vec<EntityId> =
                plan.actions.iter().map(|item| item.id.clone()).collect();
            for (mut resource, links) in resources {
                resource.action_ids = pick(&action_ids, &links);
                plan.resources.push(resource);
            }
            for (mut milestone, links) in milestones {
                milestone.action_ids = pick(&action_ids, &links);
                plan.milestones.push(milestone);
            }

            for (goal, date, value, note) in measurements {
                if let Some(goal_id) = pick(&goal_ids, &[goal]).pop() {
                    let mut measurement = Measurement::new(goal_id, date, value);
                    measurement.note = note;
                    plan.measurements.push(measurement);
                }
            }

            for (mut check_in, reviews) in check_ins {
                for (action, status) in reviews {
                    if let Some(action_id) = pick(&action_ids, &[action]).pop() {
                        check_in
                            .action_reviews
                            .push(ActionReview { action_id, status });
                    }
                }
                plan.check_ins.push(check_in);
            }

            plan
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn generated_plans_round_trip(plan in plan()) {
        let plan = stored(&plan);

        let (read_back, report) = round_trip(&plan);

        prop_assert!(report.is_clean(), "{}\n{}", report, export_csv(&plan));
        prop_assert_eq!(positional(&read_back), positional(&plan));
    }
}
