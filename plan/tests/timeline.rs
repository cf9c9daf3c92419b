//! The school-year timeline: which year it shows, where each action and
//! milestone lands, and which items are overdue, clamped or undated.

use cairn_plan::timeline::{timeline, SchoolYear, Timeline, TimelineItem, TimelineItemKind};
use cairn_plan::{import_csv, Action, ActionKind, ActionStatus, Milestone, Plan, SupportType};
use chrono::NaiveDate;

const LINCOLN: &[u8] = include_bytes!("fixtures/lincoln-elementary-behavior-2026-27.csv");
const RIVERBEND: &[u8] = include_bytes!("fixtures/riverbend-usd-early-literacy-2026-27.csv");

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn imported(input: &[u8]) -> Plan {
    import_csv(input).unwrap().document.snapshot()
}

fn plan_for_2026_27() -> Plan {
    Plan {
        title: "Maple Grove Elementary Attendance Plan 2026-27".to_owned(),
        school_year: "2026-27".to_owned(),
        ..Plan::default()
    }
}

fn action(title: &str, start: Option<NaiveDate>, due: Option<NaiveDate>) -> Action {
    let mut action = Action::new(ActionKind::Primary, title);
    action.start_date = start;
    action.due_date = due;
    action
}

/// Builds the timeline of a 2026-27 plan that holds only this action.
fn timeline_of_action(action: Action, today: NaiveDate) -> Timeline {
    let mut plan = plan_for_2026_27();
    plan.actions.push(action);
    timeline(&plan, today)
}

fn only_item(view: &Timeline) -> &TimelineItem {
    assert_eq!(view.items.len(), 1, "expected one dated item");
    &view.items[0]
}

fn item_titled<'a>(view: &'a Timeline, prefix: &str) -> &'a TimelineItem {
    view.items
        .iter()
        .find(|item| item.title.starts_with(prefix))
        .unwrap()
}

#[test]
fn school_year_parses_short_form() {
    let year = SchoolYear::parse("2026-27").unwrap();

    assert_eq!(year.first_day, date(2026, 7, 1));
    assert_eq!(year.last_day, date(2027, 6, 30));
}

#[test]
fn school_year_parses_long_form_and_label() {
    let year = SchoolYear::parse("2026-2027");

    assert_eq!(year, SchoolYear::parse("2026-27"));
    assert_eq!(year.map(|year| year.label()), Some("2026-27".to_owned()));
}

#[test]
fn school_year_parse_rejects_non_years() {
    assert_eq!(SchoolYear::parse(""), None);
    assert_eq!(SchoolYear::parse("next year"), None);
    assert_eq!(SchoolYear::parse("2026-2030"), None);
}

#[test]
fn school_year_containing_turns_on_july_first() {
    assert_eq!(
        SchoolYear::containing(date(2026, 6, 30)),
        SchoolYear::parse("2025-26").unwrap()
    );
    assert_eq!(
        SchoolYear::containing(date(2026, 7, 1)),
        SchoolYear::parse("2026-27").unwrap()
    );
    assert_eq!(
        SchoolYear::containing(date(2027, 3, 15)),
        SchoolYear::parse("2026-27").unwrap()
    );
}

#[test]
fn months_run_july_to_june() {
    let view = timeline(&plan_for_2026_27(), date(2026, 9, 1));
    let labels: Vec<&str> = view
        .months
        .iter()
        .map(|month| month.label.as_str())
        .collect();

    assert_eq!(
        labels,
        [
            "Jul 2026", "Aug 2026", "Sep 2026", "Oct 2026", "Nov 2026", "Dec 2026", "Jan 2027",
            "Feb 2027", "Mar 2027", "Apr 2027", "May 2027", "Jun 2027",
        ]
    );
    assert_eq!(view.months[7].first_day, date(2027, 2, 1));
}

#[test]
fn plan_school_year_wins_over_today() {
    let view = timeline(&plan_for_2026_27(), date(2028, 1, 10));

    assert_eq!(view.year, SchoolYear::parse("2026-27").unwrap());
    assert!(view.year_from_plan);
    assert_eq!(view.today_month, None);
}

#[test]
fn plan_without_year_uses_todays_year() {
    let plan = Plan {
        title: "Harbor View Elementary Reading Plan".to_owned(),
        ..Plan::default()
    };

    let view = timeline(&plan, date(2027, 2, 3));

    assert_eq!(view.year, SchoolYear::parse("2026-27").unwrap());
    assert!(!view.year_from_plan);
    assert_eq!(view.today_month, Some(7));
}

#[test]
fn unreadable_plan_year_uses_todays_year() {
    let plan = Plan {
        school_year: "this year".to_owned(),
        ..Plan::default()
    };

    let view = timeline(&plan, date(2027, 9, 20));

    assert_eq!(view.year, SchoolYear::parse("2027-28").unwrap());
    assert!(!view.year_from_plan);
}

#[test]
fn action_spans_start_to_due_month() {
    let view = timeline_of_action(
        action(
            "Run attendance mentoring",
            Some(date(2026, 9, 14)),
            Some(date(2027, 1, 29)),
        ),
        date(2026, 8, 1),
    );
    let item = only_item(&view);

    assert_eq!(item.kind, TimelineItemKind::Action);
    assert_eq!(item.first_month, 2);
    assert_eq!(item.last_month, 6);
    assert!(!item.starts_before_year);
    assert!(!item.ends_after_year);
}

#[test]
fn action_with_due_date_only_is_one_month() {
    let view = timeline_of_action(
        action("Send attendance letters", None, Some(date(2026, 10, 2))),
        date(2026, 8, 1),
    );
    let item = only_item(&view);

    assert_eq!((item.first_month, item.last_month), (3, 3));
    assert_eq!(item.start, None);
    assert_eq!(item.end, Some(date(2026, 10, 2)));
}

#[test]
fn action_with_start_date_only_is_one_month() {
    let view = timeline_of_action(
        action("Start family outreach", Some(date(2027, 4, 12)), None),
        date(2026, 8, 1),
    );
    let item = only_item(&view);

    assert_eq!((item.first_month, item.last_month), (9, 9));
}

#[test]
fn due_before_start_spans_both_dates() {
    let view = timeline_of_action(
        action(
            "Review early warning data",
            Some(date(2027, 3, 1)),
            Some(date(2026, 11, 30)),
        ),
        date(2026, 8, 1),
    );
    let item = only_item(&view);

    assert_eq!((item.first_month, item.last_month), (4, 8));
}

#[test]
fn action_starting_before_year_is_clamped() {
    let view = timeline_of_action(
        action(
            "Build the attendance dashboard",
            Some(date(2026, 5, 4)),
            Some(date(2026, 9, 30)),
        ),
        date(2026, 8, 1),
    );
    let item = only_item(&view);

    assert_eq!((item.first_month, item.last_month), (0, 2));
    assert!(item.starts_before_year);
    assert!(!item.ends_after_year);
}

#[test]
fn action_ending_after_year_is_clamped() {
    let view = timeline_of_action(
        action(
            "Case management for severe chronic absence",
            Some(date(2027, 2, 1)),
            Some(date(2027, 8, 31)),
        ),
        date(2026, 8, 1),
    );
    let item = only_item(&view);

    assert_eq!((item.first_month, item.last_month), (7, 11));
    assert!(!item.starts_before_year);
    assert!(item.ends_after_year);
}

#[test]
fn action_entirely_after_year_sits_in_last_month() {
    let view = timeline_of_action(
        action(
            "Summer bridge program",
            Some(date(2027, 7, 6)),
            Some(date(2027, 7, 30)),
        ),
        date(2026, 8, 1),
    );
    let item = only_item(&view);

    assert_eq!((item.first_month, item.last_month), (11, 11));
    assert!(item.ends_after_year);
    assert!(!item.starts_before_year);
}

#[test]
fn action_spanning_whole_year_is_clamped_both_ways() {
    let view = timeline_of_action(
        action(
            "Multi-year attendance initiative",
            Some(date(2025, 8, 1)),
            Some(date(2028, 6, 1)),
        ),
        date(2026, 8, 1),
    );
    let item = only_item(&view);

    assert_eq!((item.first_month, item.last_month), (0, 11));
    assert!(item.starts_before_year);
    assert!(item.ends_after_year);
}

#[test]
fn past_due_open_action_is_overdue() {
    let mut late = action("Call families", None, Some(date(2026, 10, 30)));
    late.status = ActionStatus::InProgress;

    let view = timeline_of_action(late, date(2026, 11, 2));

    assert!(only_item(&view).overdue);
    assert!(!only_item(&view).done);
}

#[test]
fn past_due_action_on_hold_is_overdue() {
    let mut paused = action("Home visits", None, Some(date(2026, 10, 30)));
    paused.status = ActionStatus::OnHold;

    let view = timeline_of_action(paused, date(2026, 11, 2));

    assert!(only_item(&view).overdue);
}

#[test]
fn completed_action_is_never_overdue() {
    let mut finished = action("Call families", None, Some(date(2026, 10, 30)));
    finished.status = ActionStatus::Completed;

    let view = timeline_of_action(finished, date(2026, 11, 2));

    assert!(!only_item(&view).overdue);
    assert!(only_item(&view).done);
}

#[test]
fn action_due_today_is_not_overdue() {
    let view = timeline_of_action(
        action("Call families", None, Some(date(2026, 11, 2))),
        date(2026, 11, 2),
    );

    assert!(!only_item(&view).overdue);
}

#[test]
fn action_without_due_date_is_not_overdue() {
    let view = timeline_of_action(
        action("Call families", Some(date(2026, 9, 1)), None),
        date(2027, 5, 1),
    );

    assert!(!only_item(&view).overdue);
}

#[test]
fn milestone_sits_on_its_month() {
    let mut plan = plan_for_2026_27();
    plan.milestones.push(Milestone::new(
        "Winter screening window closed",
        Some(date(2027, 1, 29)),
    ));

    let view = timeline(&plan, date(2026, 12, 1));
    let item = only_item(&view);

    assert_eq!(item.kind, TimelineItemKind::Milestone);
    assert_eq!((item.first_month, item.last_month), (6, 6));
    assert_eq!(item.start, Some(date(2027, 1, 29)));
    assert_eq!(item.end, Some(date(2027, 1, 29)));
}

#[test]
fn past_open_milestone_is_overdue() {
    let mut plan = plan_for_2026_27();
    plan.milestones
        .push(Milestone::new("All staff trained", Some(date(2026, 8, 14))));

    let view = timeline(&plan, date(2026, 8, 17));

    assert!(only_item(&view).overdue);
}

#[test]
fn done_milestone_is_not_overdue() {
    let mut plan = plan_for_2026_27();
    let mut trained = Milestone::new("All staff trained", Some(date(2026, 8, 14)));
    trained.done = true;
    plan.milestones.push(trained);

    let view = timeline(&plan, date(2026, 8, 17));

    assert!(!only_item(&view).overdue);
    assert!(only_item(&view).done);
}

#[test]
fn milestone_before_year_is_clamped() {
    let mut plan = plan_for_2026_27();
    plan.milestones.push(Milestone::new(
        "Spring data reviewed",
        Some(date(2026, 5, 29)),
    ));

    let view = timeline(&plan, date(2026, 8, 17));
    let item = only_item(&view);

    assert_eq!((item.first_month, item.last_month), (0, 0));
    assert!(item.starts_before_year);
    assert!(!item.ends_after_year);
}

#[test]
fn undated_items_are_listed_apart() {
    let mut plan = plan_for_2026_27();
    let undated_action = Action::support(SupportType::Training, "Attendance call training");
    let undated_milestone = Milestone::new("Attendance night held", None);
    let undated_ids = vec![undated_action.id.clone(), undated_milestone.id.clone()];
    plan.actions.push(undated_action);
    plan.actions.push(action(
        "Weekly early warning review",
        Some(date(2026, 9, 8)),
        Some(date(2027, 5, 28)),
    ));
    plan.milestones.push(undated_milestone);

    let view = timeline(&plan, date(2026, 8, 17));
    let ids: Vec<_> = view.undated.iter().map(|item| item.id.clone()).collect();

    assert_eq!(ids, undated_ids);
    assert_eq!(view.undated[0].kind, TimelineItemKind::Action);
    assert_eq!(view.undated[1].kind, TimelineItemKind::Milestone);
    assert_eq!(view.items.len(), 1);
}

#[test]
fn items_are_actions_then_milestones_in_plan_order() {
    let mut plan = plan_for_2026_27();
    plan.milestones.push(Milestone::new(
        "Positive contact with every family",
        Some(date(2026, 9, 30)),
    ));
    plan.actions
        .push(action("Tier 2 family calls", Some(date(2026, 9, 8)), None));
    plan.actions.push(action(
        "Tier 1 attendance recognition",
        Some(date(2026, 8, 17)),
        None,
    ));

    let view = timeline(&plan, date(2026, 8, 17));
    let titles: Vec<&str> = view.items.iter().map(|item| item.title.as_str()).collect();

    assert_eq!(
        titles,
        [
            "Tier 2 family calls",
            "Tier 1 attendance recognition",
            "Positive contact with every family",
        ]
    );
}

#[test]
fn lincoln_timeline_uses_plan_year() {
    let view = timeline(&imported(LINCOLN), date(2026, 12, 10));

    assert_eq!(view.year, SchoolYear::parse("2026-27").unwrap());
    assert!(view.year_from_plan);
    assert_eq!(view.today_month, Some(5));
}

#[test]
fn lincoln_lists_every_action_as_dated() {
    let view = timeline(&imported(LINCOLN), date(2026, 12, 10));

    assert_eq!(view.items.len(), 8);
    assert!(view.undated.is_empty());
}

#[test]
fn lincoln_action_spans_november_to_may() {
    let view = timeline(&imported(LINCOLN), date(2026, 12, 10));
    let item = item_titled(&view, "Teach expectation lessons");

    assert_eq!((item.first_month, item.last_month), (4, 10));
}

#[test]
fn lincoln_open_actions_due_before_today_are_overdue() {
    let view = timeline(&imported(LINCOLN), date(2026, 12, 10));
    let overdue: Vec<&str> = view
        .items
        .iter()
        .filter(|item| item.overdue)
        .map(|item| item.title.as_str())
        .collect();

    assert_eq!(
        overdue,
        [
            "Create setting-specific lesson plans for cafeteria, hallway and recess expectations",
            "Finalize the minor/major behavior definitions chart and the office-managed vs. \
             staff-managed flowchart",
        ]
    );
}

#[test]
fn riverbend_undated_support_structures_are_apart() {
    let view = timeline(&imported(RIVERBEND), date(2026, 10, 5));
    let undated_actions: Vec<&str> = view
        .undated
        .iter()
        .filter(|item| item.kind == TimelineItemKind::Action)
        .map(|item| item.title.as_str())
        .collect();

    assert_eq!(
        undated_actions,
        [
            "Structured literacy training for K-2 teachers (4 sessions)",
            "Coaching cycle protocol refresher for coaches",
            "Data-based decision making workshop for grade-level teams",
        ]
    );
}

#[test]
fn riverbend_dated_actions_are_on_the_timeline() {
    let view = timeline(&imported(RIVERBEND), date(2026, 10, 5));

    assert_eq!(view.items.len(), 4);
}

#[test]
fn riverbend_strategy_steps_are_undated_milestones() {
    let view = timeline(&imported(RIVERBEND), date(2026, 10, 5));

    let undated_milestones = view
        .undated
        .iter()
        .filter(|item| item.kind == TimelineItemKind::Milestone)
        .count();

    assert_eq!(undated_milestones, 12);
}

#[test]
fn riverbend_grouping_runs_september_to_june() {
    let view = timeline(&imported(RIVERBEND), date(2026, 10, 5));
    let item = item_titled(&view, "Diagnostic-based grouping");

    assert_eq!((item.first_month, item.last_month), (2, 11));
    assert!(!item.ends_after_year);
}
