//! Rows and cells the importer cannot read are reported, and never stop
//! the rest of the file from importing.

use cairn_plan::{import_csv, ActionKind, ImportError, Plan};
use rust_decimal::Decimal;

const HEADER: &str = "Root Cause,SMART Goal,Action Step,Action Type,Person(s) Responsible,\
Resources Needed,Budget ($),Start Date,Due Date,Status";

/// Builds a CSV file from the plan table header and the given lines.
fn csv_with_rows(rows: &[&str]) -> String {
    let mut text = String::from("School,Test Elementary\n");
    text.push_str(HEADER);
    text.push('\n');
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

const GOOD_ROW: &str = "Low attendance,Raise attendance to 95%,Call families,Primary Action,\
Counselor,Phone time,0,2026-09-01,2026-10-01,In Progress";

#[test]
fn broken_rows_are_skipped_with_line_and_reason() {
    let input = csv_with_rows(&[
        GOOD_ROW,
        "Low attendance,Raise attendance to 95%,Mail letters,Tier 2 plan,Principal,,0,,,",
        "Low attendance,Raise attendance to 95%",
        "Late buses,Reduce tardies,Fix bus routes,Support Structure,Director,,0,,,Done",
    ]);

    let imported = import_csv(input.as_bytes()).unwrap();
    let report = &imported.report;

    assert_eq!(report.rows_imported, 2, "{report}");
    assert_eq!(report.rows_skipped, 2, "{report}");
    assert_eq!(report.skipped[0].line, 4);
    assert!(
        report.skipped[0]
            .reason
            .contains("`Tier 2 plan` is not known"),
        "{report}"
    );
    assert_eq!(report.skipped[1].line, 5);
    assert!(report.skipped[1].reason.contains("has 2 cells"), "{report}");
}

#[test]
fn good_rows_around_broken_ones_are_imported() {
    let input = csv_with_rows(&[
        GOOD_ROW,
        "Low attendance,Raise attendance to 95%,Mail letters,Tier 2 plan,Principal,,0,,,",
        "Late buses,Reduce tardies,Fix bus routes,Support Structure,Director,,0,,,Done",
    ]);

    let plan: Plan = import_csv(input.as_bytes()).unwrap().document.snapshot();

    assert_eq!(plan.actions.len(), 2);
    assert_eq!(plan.actions[0].title, "Call families");
    assert_eq!(plan.actions[1].title, "Fix bus routes");
    assert_eq!(plan.goals.len(), 2);
}

#[test]
fn bad_date_cell_imports_row_with_warning() {
    let input = csv_with_rows(&[
        "Low attendance,Raise attendance,Call families,Primary Action,Counselor,,0,2026-09-01,31/02/2027,Not Started",
    ]);

    let imported = import_csv(input.as_bytes()).unwrap();
    let warning = &imported.report.warnings[0];
    let plan = imported.document.snapshot();

    assert_eq!(imported.report.rows_imported, 1);
    assert_eq!(warning.line, 3);
    assert_eq!(warning.column, "Due Date");
    assert!(
        warning.message.contains("`31/02/2027` is not a date"),
        "{}",
        warning.message
    );
    assert_eq!(plan.actions[0].due_date, None);
    assert!(plan.actions[0].start_date.is_some());
}

#[test]
fn non_numeric_budget_imports_row_with_warning() {
    let input = csv_with_rows(&[
        "Low attendance,Raise attendance,Call families,Primary Action,Counselor,Postcards,abc,,,Not Started",
    ]);

    let imported = import_csv(input.as_bytes()).unwrap();
    let warning = &imported.report.warnings[0];
    let plan = imported.document.snapshot();

    assert_eq!(imported.report.rows_skipped, 0);
    assert_eq!(warning.line, 3);
    assert_eq!(warning.column, "Budget ($)");
    assert!(
        warning.message.contains("`abc` is not an amount"),
        "{}",
        warning.message
    );
    assert_eq!(plan.total_budget(), Decimal::ZERO);
    assert_eq!(plan.resources[0].description, "Postcards");
}

#[test]
fn unknown_status_imports_as_not_started_with_warning() {
    let input = csv_with_rows(&[
        "Low attendance,Raise attendance,Call families,Primary Action,Counselor,,0,,,Soon",
    ]);

    let imported = import_csv(input.as_bytes()).unwrap();

    assert_eq!(imported.report.warnings[0].column, "Status");
    assert_eq!(imported.report.rows_imported, 1);
}

#[test]
fn blank_rows_are_not_counted_as_skipped() {
    let input = csv_with_rows(&[",,,,,,,,,", GOOD_ROW, "", ",,,,"]);

    let imported = import_csv(input.as_bytes()).unwrap();

    assert_eq!(imported.report.rows_skipped, 0);
    assert_eq!(imported.report.rows_imported, 1);
}

#[test]
fn unreadable_measurement_row_is_skipped() {
    let mut input = csv_with_rows(&[GOOD_ROW]);
    input.push_str("\nProgress Monitoring\nMeasure,Date,Value,Note\n");
    input.push_str("Attendance rate,2026-09-30,91%,September\n");
    input.push_str("Attendance rate,sometime,92%,October\n");
    input.push_str("Attendance rate,2026-11-30,lots,November\n");

    let imported = import_csv(input.as_bytes()).unwrap();
    let report = &imported.report;
    let plan = imported.document.snapshot();

    assert_eq!(plan.measurements.len(), 1, "{report}");
    assert_eq!(plan.measurements[0].value, 91.0);
    assert_eq!(report.rows_skipped, 2, "{report}");
    assert_eq!(report.skipped[0].line, 8);
    assert!(
        report.skipped[0]
            .reason
            .contains("`sometime` is not a date"),
        "{report}"
    );
    assert_eq!(report.skipped[1].line, 9);
    assert!(
        report.skipped[1].reason.contains("`lots` is not a number"),
        "{report}"
    );
}

#[test]
fn report_display_lists_each_problem() {
    let input = csv_with_rows(&[
        "Low attendance,Raise attendance,Call families,Primary Action,Counselor,Postcards,abc,,,",
        "Low attendance,Raise attendance,Mail letters,Tier 2 plan,Principal,,0,,,",
    ]);

    let text = import_csv(input.as_bytes()).unwrap().report.to_string();

    assert!(
        text.starts_with("Imported 1 row, skipped 1, 1 cell warning.\n"),
        "{text}"
    );
    assert!(
        text.contains("Skipped line 4: Action Type `Tier 2 plan` is not known"),
        "{text}"
    );
    assert!(
        text.contains("Warning, line 3, column Budget ($): `abc` is not an amount"),
        "{text}"
    );
}

#[test]
fn reworded_headers_are_found() {
    let input = "\
PLAN TITLE,Attendance plan 2026-27
ROOT CAUSES, smart goal ,Strategy / Action Step,Type of Action,Persons Responsible,Lead Time Status,Due
Low attendance,Raise attendance to 95%,Call families,primary,Counselor,Underway,10/1/2026
";

    let imported = import_csv(input.as_bytes()).unwrap();
    let plan = imported.document.snapshot();

    assert_eq!(plan.title, "Attendance plan 2026-27");
    assert_eq!(plan.root_causes[0].statement, "Low attendance");
    assert_eq!(plan.goals[0].statement, "Raise attendance to 95%");
    assert_eq!(plan.actions[0].title, "Call families");
    assert_eq!(plan.actions[0].kind, ActionKind::Primary);
    assert_eq!(plan.actions[0].owner, "Counselor");
    assert_eq!(
        plan.actions[0].due_date.map(|d| d.to_string()),
        Some("2026-10-01".to_owned())
    );
}

#[test]
fn semicolon_separated_file_is_read() {
    let input = "Root Cause;SMART Goal;Action Step;Action Type\n\
                 Low attendance;Raise attendance;Call families;Primary Action\n";

    let plan = import_csv(input.as_bytes()).unwrap().document.snapshot();

    assert_eq!(plan.actions.len(), 1);
}

#[test]
fn file_without_plan_table_names_expected_headers() {
    let input = "Name,Grade,Score\nA,3,90\n";

    let error = import_csv(input.as_bytes()).unwrap_err();

    assert!(matches!(error, ImportError::NoPlanTable { .. }));
    let message = error.to_string();
    assert!(message.contains("Root Cause"), "{message}");
    assert!(message.contains("SMART Goal"), "{message}");
    assert!(message.contains("Action Step"), "{message}");
}

#[test]
fn empty_file_has_no_plan_table() {
    let result = import_csv(b"");

    assert!(matches!(result, Err(ImportError::NoPlanTable { .. })));
}

#[test]
fn invalid_utf8_row_is_skipped() {
    let mut input = csv_with_rows(&[GOOD_ROW]).into_bytes();
    input.extend_from_slice(b"Late buses,Reduce tardies,Fix \xff routes,Primary Action,,,0,,,\n");

    let imported = import_csv(&input).unwrap();

    assert_eq!(imported.report.rows_imported, 1);
    assert_eq!(imported.report.skipped[0].line, 4);
    assert!(imported.report.skipped[0].reason.contains("UTF-8"));
}

#[test]
fn repeated_action_rows_link_both_goals_once() {
    let input = csv_with_rows(&[
        "Low attendance,Raise attendance,Call families,Primary Action,Counselor,Postcards,100,,,",
        "Late buses,Reduce tardies,Call families,Primary Action,Counselor,Postcards,100,,,",
    ]);

    let plan = import_csv(input.as_bytes()).unwrap().document.snapshot();

    assert_eq!(plan.actions.len(), 1);
    assert_eq!(plan.actions[0].goal_ids.len(), 2);
    assert_eq!(plan.total_budget(), Decimal::new(100, 0));
}

#[test]
fn repeated_column_is_reported_as_repeated() {
    let input = "School,Test Elementary\n\
Root Cause,SMART Goal,Action Step,Action Type,Due Date,Due Date\n\
Low attendance,Raise attendance to 95%,Call families,Primary Action,2026-10-01,2026-11-01\n";

    let imported = import_csv(input.as_bytes()).unwrap();
    let warning = imported
        .report
        .warnings
        .iter()
        .find(|warning| warning.column == "Due Date")
        .expect("a warning about the second Due Date column");

    assert!(
        warning.message.contains("appears twice"),
        "{}",
        warning.message
    );
    assert_eq!(imported.report.rows_imported, 1);
}
