//! Resource totals: the budget by funding source and by action, the even
//! split of shared resources, staff hours, and coaches and mentors.

use cairn_plan::totals::{resource_totals, split_to_cents, ResourceTotals, NO_FUNDING_SOURCE};
use cairn_plan::{
    import_csv, Action, ActionKind, EntityId, Plan, Resource, ResourceKind, SupportType,
};
use rust_decimal::Decimal;

const LINCOLN: &[u8] = include_bytes!("fixtures/lincoln-elementary-behavior-2026-27.csv");
const RIVERBEND: &[u8] = include_bytes!("fixtures/riverbend-usd-early-literacy-2026-27.csv");

fn totals_of(input: &[u8]) -> ResourceTotals {
    resource_totals(&import_csv(input).unwrap().document.snapshot())
}

fn dollars(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

fn budget_line(description: &str, amount: Decimal, funding_source: &str) -> Resource {
    let mut resource = Resource::new(ResourceKind::Budget, description);
    resource.amount = Some(amount);
    resource.funding_source = funding_source.to_owned();
    resource
}

/// Builds a plan with three primary actions on a literacy goal.
fn literacy_plan() -> Plan {
    let mut plan = Plan {
        title: "Cedar Park Elementary Literacy Plan 2026-27".to_owned(),
        school_year: "2026-27".to_owned(),
        ..Plan::default()
    };
    for title in [
        "Daily phonics block in K-2",
        "Small-group intervention by skill gap",
        "Decodable texts in every K-1 classroom",
    ] {
        plan.actions.push(Action::new(ActionKind::Primary, title));
    }
    plan
}

fn action_ids(plan: &Plan) -> Vec<EntityId> {
    plan.actions
        .iter()
        .map(|action| action.id.clone())
        .collect()
}

fn shares(totals: &ResourceTotals) -> Vec<Decimal> {
    totals
        .by_action
        .iter()
        .map(|(_, _, amount)| *amount)
        .collect()
}

fn by_action_sum(totals: &ResourceTotals) -> Decimal {
    shares(totals).into_iter().sum::<Decimal>() + totals.not_linked_to_action
}

#[test]
fn lincoln_budget_totals_2690() {
    let totals = totals_of(LINCOLN);

    assert_eq!(totals.budget_total, Decimal::new(2690, 0));
    assert_eq!(totals.currency, "USD");
}

#[test]
fn lincoln_budget_has_no_funding_source() {
    let totals = totals_of(LINCOLN);

    assert_eq!(
        totals.by_funding_source,
        [(NO_FUNDING_SOURCE.to_owned(), Decimal::new(2690, 0))]
    );
}

#[test]
fn lincoln_budget_by_action_follows_plan_order() {
    let totals = totals_of(LINCOLN);
    let rows: Vec<(&str, Decimal)> = totals
        .by_action
        .iter()
        .map(|(_, title, amount)| (title.as_str(), *amount))
        .collect();

    assert_eq!(
        rows,
        [
            (
                "Train lunch and recess supervisors on active supervision and the acknowledgement system",
                Decimal::new(1440, 0)
            ),
            (
                "Deliver a professional development session on the flowchart with practice scenarios",
                Decimal::new(350, 0)
            ),
            (
                "Relaunch the school-wide acknowledgement system with a 5:1 positive-to-corrective target",
                Decimal::new(900, 0)
            ),
        ]
    );
    assert_eq!(totals.not_linked_to_action, Decimal::ZERO);
}

#[test]
fn lincoln_has_no_coaches_or_hours() {
    let totals = totals_of(LINCOLN);

    assert!(totals.coaches_and_mentors.is_empty());
    assert_eq!(totals.staff_hours, Decimal::ZERO);
}

#[test]
fn riverbend_budget_totals_its_three_lines() {
    let totals = totals_of(RIVERBEND);

    assert_eq!(
        totals.budget_total,
        Decimal::new(18500, 0) + Decimal::new(6200, 0) + Decimal::new(4800, 0)
    );
}

#[test]
fn riverbend_budget_by_funding_source() {
    let totals = totals_of(RIVERBEND);

    assert_eq!(
        totals.by_funding_source,
        [
            ("Title I".to_owned(), Decimal::new(18500, 0)),
            ("ESSER carryover".to_owned(), Decimal::new(11000, 0)),
        ]
    );
}

#[test]
fn riverbend_budget_by_action() {
    let totals = totals_of(RIVERBEND);
    let rows: Vec<(&str, Decimal)> = totals
        .by_action
        .iter()
        .map(|(_, title, amount)| (title.as_str(), *amount))
        .collect();

    assert_eq!(
        rows,
        [
            (
                "Adopt a daily 30-minute explicit phonics block in K-2",
                Decimal::new(18500, 0)
            ),
            (
                "Diagnostic-based grouping and monthly data team meetings",
                Decimal::new(11000, 0)
            ),
        ]
    );
}

#[test]
fn riverbend_coaches_name_their_action() {
    let totals = totals_of(RIVERBEND);

    assert_eq!(totals.coaches_and_mentors.len(), 1);
    assert_eq!(
        totals.coaches_and_mentors[0].description,
        "2.0 FTE coaches (existing positions)"
    );
    assert_eq!(
        totals.coaches_and_mentors[0].action_titles,
        ["Literacy coaching cycles for teachers with the lowest walkthrough scores"]
    );
}

#[test]
fn shared_resource_splits_evenly_to_the_cent() {
    let mut plan = literacy_plan();
    let mut licenses = budget_line("Screener licenses", dollars(10000), "Title I");
    licenses.action_ids = action_ids(&plan);
    plan.resources.push(licenses);

    let totals = resource_totals(&plan);

    assert_eq!(
        shares(&totals),
        [dollars(3334), dollars(3333), dollars(3333)]
    );
}

#[test]
fn leftover_cents_go_to_first_actions() {
    let mut plan = literacy_plan();
    let mut substitutes = budget_line("Substitute days", dollars(20000), "Title II-A");
    // Linked in the reverse of plan order: the split still follows plan order.
    substitutes.action_ids = action_ids(&plan).into_iter().rev().collect();
    plan.resources.push(substitutes);

    let totals = resource_totals(&plan);

    assert_eq!(
        shares(&totals),
        [dollars(6667), dollars(6667), dollars(6666)]
    );
}

#[test]
fn by_action_and_unlinked_add_up_to_total() {
    let mut plan = literacy_plan();
    let ids = action_ids(&plan);
    let mut licenses = budget_line("Diagnostic licenses", dollars(620_001), "ESSER carryover");
    licenses.action_ids = ids.clone();
    let mut training = budget_line(
        "Structured literacy training",
        dollars(479_999),
        "Title II-A",
    );
    training.action_ids = vec![ids[0].clone(), ids[2].clone()];
    let family_night = budget_line("Family literacy night", dollars(35_050), "PTA");
    plan.resources = vec![licenses, training, family_night];

    let totals = resource_totals(&plan);

    assert_eq!(by_action_sum(&totals), totals.budget_total);
    assert_eq!(totals.not_linked_to_action, dollars(35_050));
}

#[test]
fn action_with_zero_cent_share_is_listed() {
    let mut plan = literacy_plan();
    let mut stamps = budget_line("Postage", dollars(1), "General fund");
    stamps.action_ids = action_ids(&plan);
    plan.resources.push(stamps);

    let totals = resource_totals(&plan);

    assert_eq!(shares(&totals), [dollars(1), dollars(0), dollars(0)]);
}

#[test]
fn actions_without_budget_are_not_listed() {
    let mut plan = literacy_plan();
    let mut texts = budget_line("Decodable text sets", dollars(1_850_000), "Title I");
    texts.action_ids = vec![plan.actions[2].id.clone()];
    plan.resources.push(texts);
    plan.resources
        .push(Resource::new(ResourceKind::ProtectedTime, "WIN block"));

    let totals = resource_totals(&plan);
    let ids: Vec<&EntityId> = totals.by_action.iter().map(|(id, _, _)| id).collect();

    assert_eq!(ids, [&plan.actions[2].id]);
}

#[test]
fn link_to_missing_action_counts_as_unlinked() {
    let mut plan = literacy_plan();
    let mut texts = budget_line("Decodable text sets", dollars(90_000), "Title I");
    texts.action_ids = vec![EntityId::random()];
    plan.resources.push(texts);

    let totals = resource_totals(&plan);

    assert!(totals.by_action.is_empty());
    assert_eq!(totals.not_linked_to_action, dollars(90_000));
}

#[test]
fn repeated_link_counts_once() {
    let mut plan = literacy_plan();
    let first = plan.actions[0].id.clone();
    let mut texts = budget_line("Decodable text sets", dollars(90_000), "Title I");
    texts.action_ids = vec![first.clone(), first];
    plan.resources.push(texts);

    let totals = resource_totals(&plan);

    assert_eq!(shares(&totals), [dollars(90_000)]);
}

#[test]
fn funding_sources_keep_first_appearance_order() {
    let mut plan = literacy_plan();
    plan.resources = vec![
        budget_line("Decodable text sets", dollars(1_850_000), "Title I"),
        budget_line("Diagnostic licenses", dollars(620_000), "ESSER carryover"),
        budget_line("Substitute days", dollars(480_000), "ESSER carryover"),
        budget_line("Take-home books", dollars(75_000), "Title I"),
    ];

    let totals = resource_totals(&plan);

    assert_eq!(
        totals.by_funding_source,
        [
            ("Title I".to_owned(), dollars(1_925_000)),
            ("ESSER carryover".to_owned(), dollars(1_100_000)),
        ]
    );
}

#[test]
fn blank_funding_source_is_named() {
    let mut plan = literacy_plan();
    plan.resources = vec![
        budget_line("Prize cart items", dollars(30_000), "  "),
        budget_line("Acknowledgement tickets", dollars(12_000), ""),
    ];

    let totals = resource_totals(&plan);

    assert_eq!(
        totals.by_funding_source,
        [("No funding source".to_owned(), dollars(42_000))]
    );
}

#[test]
fn resources_without_amount_have_no_funding_row() {
    let mut plan = literacy_plan();
    let mut coaches = Resource::new(ResourceKind::CoachOrMentor, "Two district literacy coaches");
    coaches.funding_source = "General fund".to_owned();
    plan.resources.push(coaches);

    let totals = resource_totals(&plan);

    assert!(totals.by_funding_source.is_empty());
    assert_eq!(totals.budget_total, Decimal::ZERO);
}

#[test]
fn staff_hours_add_every_resource() {
    let mut plan = literacy_plan();
    let mut meetings = Resource::new(ResourceKind::ProtectedTime, "Data meetings");
    meetings.hours = Some(Decimal::new(135, 1));
    let mut coaching = Resource::new(ResourceKind::CoachOrMentor, "Literacy coach");
    coaching.hours = Some(Decimal::new(40, 0));
    let mut interventionist = Resource::new(ResourceKind::StaffRole, "Interventionist");
    interventionist.hours = Some(Decimal::new(25, 2));
    plan.resources = vec![meetings, coaching, interventionist];

    let totals = resource_totals(&plan);

    assert_eq!(totals.staff_hours, Decimal::new(5375, 2));
}

#[test]
fn coaches_list_action_titles_in_plan_order() {
    let mut plan = literacy_plan();
    let ids = action_ids(&plan);
    let mut coach = Resource::new(ResourceKind::CoachOrMentor, "Literacy coach");
    coach.action_ids = vec![ids[2].clone(), ids[0].clone()];
    coach.hours = Some(Decimal::new(120, 0));
    plan.resources.push(coach);
    plan.resources
        .push(Resource::new(ResourceKind::StaffRole, "Interventionist"));

    let totals = resource_totals(&plan);

    assert_eq!(totals.coaches_and_mentors.len(), 1);
    assert_eq!(
        totals.coaches_and_mentors[0].action_titles,
        [
            "Daily phonics block in K-2",
            "Decodable texts in every K-1 classroom"
        ]
    );
    assert_eq!(
        totals.coaches_and_mentors[0].hours,
        Some(Decimal::new(120, 0))
    );
}

#[test]
fn coach_without_actions_has_no_titles() {
    let mut plan = literacy_plan();
    plan.actions.push(Action::support(
        SupportType::Training,
        "New teacher induction",
    ));
    plan.resources.push(Resource::new(
        ResourceKind::CoachOrMentor,
        "New teacher mentor",
    ));

    let totals = resource_totals(&plan);

    assert!(totals.coaches_and_mentors[0].action_titles.is_empty());
}

#[test]
fn plan_currency_is_kept() {
    let plan = Plan {
        currency: "CAD".to_owned(),
        ..literacy_plan()
    };

    assert_eq!(resource_totals(&plan).currency, "CAD");
}

#[test]
fn empty_currency_reads_as_usd() {
    let plan = Plan {
        currency: String::new(),
        ..literacy_plan()
    };

    assert_eq!(resource_totals(&plan).currency, "USD");
}

#[test]
fn split_to_cents_of_zero_parts_is_empty() {
    assert!(split_to_cents(dollars(10_000), 0).is_empty());
}

#[test]
fn split_keeps_subcent_on_first_share() {
    let shares = split_to_cents(Decimal::new(100_005, 3), 2);

    assert_eq!(shares, [Decimal::new(50_005, 3), dollars(5_000)]);
}

#[test]
fn split_to_cents_handles_negative_amounts() {
    let shares = split_to_cents(dollars(-10_000), 3);

    assert_eq!(shares, [dollars(-3334), dollars(-3333), dollars(-3333)]);
}

#[test]
fn split_to_cents_always_adds_up() {
    let amounts = [1, 2, 99, 10_000, 123_457, 269_000, 999_999_999];

    for cents in amounts {
        for parts in 1..=7 {
            let shares = split_to_cents(dollars(cents), parts);
            let total: Decimal = shares.iter().sum();
            let spread = shares.iter().max().unwrap() - shares.iter().min().unwrap();

            assert_eq!(total, dollars(cents), "{cents} cents in {parts} parts");
            assert!(spread <= dollars(1), "{cents} cents in {parts} parts");
        }
    }
}
