//! The quirks of real spreadsheet exports, each from a small CSV: byte
//! order marks, line ends, separators, money and percent cells, date
//! forms, repeated rows, numbered steps, extra tables, and the report of
//! what could not be read.

use cairn_plan::{import_csv, ActionKind, ActionStatus, CheckInKind, Imported, Plan, ResourceKind};
use chrono::NaiveDate;
use rust_decimal::Decimal;

const HEADER: &str = "Root Cause,SMART Goal,Action Step,Action Type,Person(s) Responsible,\
Resources Needed,Budget ($),Start Date,Due Date,Status";

fn import(text: &str) -> Imported {
    import_csv(text.as_bytes()).unwrap()
}

fn plan_of(text: &str) -> Plan {
    import(text).document.snapshot()
}

fn date(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Builds a sheet with a School line, the plan table header and `rows`.
fn sheet(rows: &[&str]) -> String {
    let mut text = String::from("School,Maple Grove Elementary\n");
    text.push_str(HEADER);
    text.push('\n');
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

const ATTENDANCE_ROW: &str = "Families lack bus route information,\
Raise average daily attendance from 91% to 95% by May 28 2027,Mail route cards to families,\
Primary Action,Office Manager,Printing,120,2026-08-10,2026-08-21,Complete";

#[test]
fn byte_order_mark_is_ignored() {
    let text = format!("\u{feff}{}", sheet(&[ATTENDANCE_ROW]));

    let plan = plan_of(&text);

    assert_eq!(plan.school, "Maple Grove Elementary");
}

#[test]
fn crlf_line_ends_are_read() {
    let text = sheet(&[ATTENDANCE_ROW, ATTENDANCE_ROW]).replace('\n', "\r\n");

    let imported = import(&text);
    let plan = imported.document.snapshot();

    assert!(imported.report.is_clean(), "{}", imported.report);
    assert_eq!(plan.actions[0].status, ActionStatus::Completed);
    assert_eq!(plan.school, "Maple Grove Elementary");
}

#[test]
fn semicolon_separated_file_is_read() {
    let text = "School;Maple Grove Elementary\n\
Root Cause;SMART Goal;Action Step;Action Type;Person(s) Responsible;Budget ($);Due Date\n\
Families lack bus route information;Raise attendance to 95%, up from 91%;Mail route cards;\
Primary Action;Office Manager;$1,250.00;2026-08-21\n";

    let plan = plan_of(text);

    assert_eq!(plan.actions.len(), 1);
    assert_eq!(plan.actions[0].title, "Mail route cards");
    assert_eq!(plan.actions[0].owner, "Office Manager");
    assert_eq!(
        plan.goals[0].statement,
        "Raise attendance to 95%, up from 91%"
    );
    assert_eq!(plan.resources[0].amount, Some(Decimal::new(1250, 0)));
}

#[test]
fn quoted_cell_spanning_lines_stays_one_cell() {
    let text = sheet(&[
        "\"Families lack bus route information.\nNew routes started in August.\",\
Raise attendance to 95%,Mail route cards,Primary Action,Office Manager,,,,,",
        "Late buses,Reduce tardies by half,Adjust bell schedule,Primary Action,Principal,,,,,",
    ]);

    let imported = import(&text);
    let plan = imported.document.snapshot();

    assert_eq!(
        plan.root_causes[0].statement,
        "Families lack bus route information.\nNew routes started in August."
    );
    assert_eq!(plan.root_causes.len(), 2);
    assert!(imported.report.is_clean(), "{}", imported.report);
}

#[test]
fn dollar_amount_with_commas_is_read() {
    let plan = plan_of(&sheet(&[
        "Few staff trained in de-escalation,Reduce major ODRs by 30%,Train staff in de-escalation,\
Support Structure,Counselor,Substitute coverage,\"$1,250.00\",2026-09-14,2026-10-30,Not Started",
    ]));

    assert_eq!(plan.resources[0].amount, Some(Decimal::new(125000, 2)));
    assert_eq!(plan.resources[0].kind, ResourceKind::Budget);
}

#[test]
fn percent_baseline_sets_value_and_unit() {
    let text = "School,Maple Grove Elementary\n\
Goal #,Goal Statement,Measure,Baseline,Target,Strategy\n\
1,Increase K-2 students at benchmark,% at benchmark,48%,60%,Daily phonics block\n";

    let plan = plan_of(text);

    assert_eq!(plan.goals[0].baseline_value, Some(48.0));
    assert_eq!(plan.goals[0].target_value, Some(60.0));
    assert_eq!(plan.goals[0].unit, "%");
}

#[test]
fn three_date_forms_give_the_same_date() {
    let rows = [
        "Late buses,Reduce tardies,Adjust bell schedule,Primary Action,Principal,,,,2027-05-21,",
        "Late buses,Reduce tardies,Post arrival data,Primary Action,Principal,,,,5/21/2027,",
        "Late buses,Reduce tardies,Greet students at doors,Primary Action,Principal,,,,\
\"May 21, 2027\",",
    ];

    let plan = plan_of(&sheet(&rows));

    assert_eq!(plan.actions[0].due_date, date(2027, 5, 21));
    assert_eq!(plan.actions[1].due_date, date(2027, 5, 21));
    assert_eq!(plan.actions[2].due_date, date(2027, 5, 21));
}

#[test]
fn empty_cells_leave_fields_empty_without_warnings() {
    let imported = import(&sheet(&[
        "Late buses,Reduce tardies,Adjust bell schedule,Primary Action,,,,,,",
    ]));
    let plan = imported.document.snapshot();
    let action = &plan.actions[0];

    assert!(imported.report.is_clean(), "{}", imported.report);
    assert_eq!(action.owner, "");
    assert_eq!(action.start_date, None);
    assert_eq!(action.status, ActionStatus::NotStarted);
    assert!(plan.resources.is_empty());
}

#[test]
fn plan_and_progress_tables_share_a_sheet() {
    let text = "School,Maple Grove Elementary\n\
Root Cause,SMART Goal,Measure,Action Step\n\
Late buses,Reduce monthly tardies from 120 to 60,Monthly tardies,Adjust bell schedule\n\
,,,\n\
Progress Monitoring,,,\n\
Measure,Date,Value,Note\n\
Monthly tardies,2026-09-30,112,September\n\
Monthly tardies,2026-10-30,97,October\n";

    let imported = import(text);
    let plan = imported.document.snapshot();

    assert_eq!(plan.measurements.len(), 2);
    assert_eq!(plan.measurements[1].value, 97.0);
    assert_eq!(plan.measurements[1].goal_id, plan.goals[0].id);
    assert_eq!(imported.report.rows_imported, 3);
}

#[test]
fn repeated_goal_rows_make_one_goal_with_links() {
    let plan = plan_of(&sheet(&[
        "Late buses,Reduce tardies by half,Adjust bell schedule,Primary Action,Principal,,,,,",
        "Unclear arrival routine,Reduce tardies by half,Greet students at doors,Primary Action,\
Assistant Principal,,,,,",
    ]));
    let goal = &plan.goals[0];

    assert_eq!(plan.goals.len(), 1);
    assert_eq!(
        goal.root_cause_ids,
        [
            plan.root_causes[0].id.clone(),
            plan.root_causes[1].id.clone()
        ]
    );
    assert_eq!(plan.actions[0].goal_ids, std::slice::from_ref(&goal.id));
    assert_eq!(plan.actions[1].goal_ids, std::slice::from_ref(&goal.id));
}

#[test]
fn repeated_root_cause_rows_make_one_root_cause() {
    let plan = plan_of(&sheet(&[
        "Late buses,Reduce tardies by half,Adjust bell schedule,Primary Action,Principal,,,,,",
        "late buses.,Raise attendance to 95%,Post arrival data,Primary Action,Principal,,,,,",
    ]));

    assert_eq!(plan.root_causes.len(), 1);
    assert_eq!(
        plan.goals[1].root_cause_ids,
        [plan.root_causes[0].id.clone()]
    );
}

#[test]
fn numbered_steps_in_action_cell_become_actions() {
    let plan = plan_of(&sheet(&[
        "Expectations not retaught,Reduce hallway ODRs by 40%,\
\"1) Teach hallway lessons 2) Reteach after breaks 3) Recognize classes monthly\",\
Primary Action,Grade-Level Leads,Lesson plans,0,2026-11-02,2027-05-28,In Progress",
    ]));
    let titles: Vec<&str> = plan
        .actions
        .iter()
        .map(|action| action.title.as_str())
        .collect();

    assert_eq!(
        titles,
        [
            "Teach hallway lessons",
            "Reteach after breaks",
            "Recognize classes monthly"
        ]
    );
    assert!(plan
        .actions
        .iter()
        .all(|action| action.owner == "Grade-Level Leads"));
    assert!(plan
        .actions
        .iter()
        .all(|action| action.goal_ids == [plan.goals[0].id.clone()]));
    assert_eq!(plan.resources[0].action_ids.len(), 3);
}

#[test]
fn numbered_lines_in_action_cell_become_actions() {
    let plan = plan_of(&sheet(&[
        "Expectations not retaught,Reduce hallway ODRs by 40%,\
\"1. Teach hallway lessons\n2. Reteach after breaks\",Primary Action,Grade-Level Leads,,,,,",
    ]));

    assert_eq!(plan.actions.len(), 2);
    assert_eq!(plan.actions[1].title, "Reteach after breaks");
}

#[test]
fn text_that_is_not_a_numbered_list_stays_whole() {
    let plan = plan_of(&sheet(&[
        "Few small groups,Raise benchmark rates,Grades 1) K-2 and 2) 3-5 form groups,\
Primary Action,Interventionist,,,,,",
    ]));

    assert_eq!(plan.actions.len(), 1);
    assert_eq!(
        plan.actions[0].title,
        "Grades 1) K-2 and 2) 3-5 form groups"
    );
}

#[test]
fn numbered_action_steps_under_strategy_become_milestones() {
    let text = "School,Maple Grove Elementary\n\
Goal Statement,Strategy,Action Steps,Lead\n\
Raise K-2 benchmark rates to 60%,Daily phonics block,\
\"1) Publish the scope; 2) Schedule the block; 3) Walk through monthly\",Curriculum Director\n";

    let plan = plan_of(text);
    let titles: Vec<&str> = plan
        .milestones
        .iter()
        .map(|milestone| milestone.title.as_str())
        .collect();

    assert_eq!(plan.actions.len(), 1);
    assert_eq!(plan.actions[0].title, "Daily phonics block");
    assert_eq!(
        titles,
        [
            "Publish the scope",
            "Schedule the block",
            "Walk through monthly"
        ]
    );
    assert!(plan
        .milestones
        .iter()
        .all(|milestone| milestone.action_ids == [plan.actions[0].id.clone()]));
}

#[test]
fn broken_cell_is_reported_with_line_and_column() {
    let imported = import(&sheet(&[
        ATTENDANCE_ROW,
        "Late buses,Reduce tardies,Adjust bell schedule,Primary Action,Principal,,,,31/02/2027,",
    ]));
    let warning = &imported.report.warnings[0];

    assert_eq!(imported.report.warnings.len(), 1, "{}", imported.report);
    assert_eq!(warning.line, 4);
    assert_eq!(warning.column, "Due Date");
    assert!(
        warning.message.contains("`31/02/2027`"),
        "{}",
        warning.message
    );
}

#[test]
fn skipped_row_is_reported_with_line_and_reason() {
    let imported = import(&sheet(&[
        ATTENDANCE_ROW,
        "Late buses,Reduce tardies,Adjust bell schedule,Tier 2 plan,Principal,,,,,",
    ]));
    let skipped = &imported.report.skipped[0];

    assert_eq!(imported.report.rows_skipped, 1, "{}", imported.report);
    assert_eq!(skipped.line, 4);
    assert!(skipped.reason.contains("Action Type"), "{}", skipped.reason);
    assert!(imported.report.to_string().contains("Skipped line 4"));
}

const EXTRA_TABLES: &str = "School,Maple Grove Elementary\n\
Action Step,Action Type,Lead,Due Date\n\
Adjust bell schedule,Primary Action,Principal,2026-08-21\n\
Train bus duty staff,Support Structure,Assistant Principal,2026-09-04\n\
\n\
Milestones\n\
Milestone,Date,Done,Actions\n\
New bell schedule posted,2026-08-14,Yes,Adjust bell schedule\n\
\n\
Resources\n\
Resource,Kind,Amount,Funding Source,Hours,Actions\n\
Bus duty stipends,,\"$1,250.00\",Title I,12,Train bus duty staff\n\
\n\
Check-ins\n\
Check-in #,Date,Kind,Attendees,Summary,Decisions,Next Steps\n\
1,10/6/2026,Pulse check,Principal; Counselor,Tardies fell in September,Keep the schedule,\
Share data with staff\n\
\n\
Action Reviews\n\
Check-in #,Action #,Status\n\
1,Adjust bell schedule,Completed\n";

#[test]
fn milestone_table_links_actions_by_title() {
    let plan = plan_of(EXTRA_TABLES);
    let milestone = &plan.milestones[0];

    assert_eq!(milestone.title, "New bell schedule posted");
    assert_eq!(milestone.date, date(2026, 8, 14));
    assert!(milestone.done);
    assert_eq!(milestone.action_ids, [plan.actions[0].id.clone()]);
}

#[test]
fn resource_table_keeps_amount_hours_and_funding() {
    let plan = plan_of(EXTRA_TABLES);
    let resource = &plan.resources[0];

    assert_eq!(resource.amount, Some(Decimal::new(125000, 2)));
    assert_eq!(resource.hours, Some(Decimal::new(12, 0)));
    assert_eq!(resource.funding_source, "Title I");
    assert_eq!(resource.kind, ResourceKind::Budget);
    assert_eq!(resource.action_ids, [plan.actions[1].id.clone()]);
}

#[test]
fn check_in_table_and_reviews_are_read() {
    let imported = import(EXTRA_TABLES);
    let plan = imported.document.snapshot();
    let check_in = &plan.check_ins[0];

    assert!(imported.report.is_clean(), "{}", imported.report);
    assert_eq!(check_in.kind, CheckInKind::PulseCheck);
    assert_eq!(check_in.date, date(2026, 10, 6));
    assert_eq!(check_in.attendees, "Principal; Counselor");
    assert_eq!(check_in.next_steps, "Share data with staff");
    assert_eq!(check_in.action_reviews[0].action_id, plan.actions[0].id);
    assert_eq!(check_in.action_reviews[0].status, ActionStatus::Completed);
}

#[test]
fn support_structure_in_extra_tables_keeps_kind() {
    let plan = plan_of(EXTRA_TABLES);

    assert_eq!(plan.actions[1].kind, ActionKind::Support);
}

#[test]
fn review_of_unknown_action_is_skipped() {
    let text = EXTRA_TABLES.replace(
        "1,Adjust bell schedule,Completed",
        "1,Repaint the bus loop,Completed",
    );

    let imported = import(&text);

    assert_eq!(imported.report.rows_skipped, 1, "{}", imported.report);
    assert!(imported.report.skipped[0]
        .reason
        .contains("`Repaint the bus loop`"));
}

#[test]
fn formula_quote_is_removed_from_text() {
    let plan = plan_of(&sheet(&[
        "Late buses,Reduce tardies,'=Adjust bell schedule,Primary Action,Principal,,,,,",
    ]));

    assert_eq!(plan.actions[0].title, "=Adjust bell schedule");
}
