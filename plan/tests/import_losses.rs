//! Rows that the importer must never lose without a word: every data row
//! is imported or named in the report, with the line a text editor shows
//! for it.

use cairn_plan::{import_csv, ImportReport, Imported};
use rust_decimal::Decimal;

const HEADER: &str = "Root Cause,SMART Goal,Action Step,Action Type,Status";

fn import(text: &str) -> Imported {
    import_csv(text.as_bytes()).unwrap()
}

fn report_of(text: &str) -> ImportReport {
    import(text).report
}

fn skipped_lines(report: &ImportReport) -> Vec<usize> {
    report.skipped.iter().map(|row| row.line).collect()
}

fn warning_lines(report: &ImportReport) -> Vec<usize> {
    report.warnings.iter().map(|warning| warning.line).collect()
}

/// A sheet with a title and school line, a blank line, the plan header on
/// line 5, a row with an unknown status on line 6 and a row with an
/// unknown action type on line 7.
const LINE_SHEET: &str = "Plan Title,Cedar Ridge Attendance 2026-27\n\
School,Cedar Ridge Middle School\n\
Currency,USD\n\
\n\
Root Cause,SMART Goal,Action Step,Action Type,Status\n\
Families miss absence calls,Raise attendance to 95%,Send text reminders,Primary Action,Someday\n\
Families miss absence calls,Raise attendance to 95%,Home visits,Tier 3,In Progress\n";

#[test]
fn lf_lines_match_editor() {
    let report = report_of(LINE_SHEET);

    assert_eq!(skipped_lines(&report), [7]);
    assert_eq!(warning_lines(&report), [6]);
}

#[test]
fn crlf_lines_match_editor() {
    let report = report_of(&LINE_SHEET.replace('\n', "\r\n"));

    assert_eq!(skipped_lines(&report), [7]);
    assert_eq!(warning_lines(&report), [6]);
}

#[test]
fn bom_lines_match_editor() {
    let text = format!("\u{feff}{}", LINE_SHEET.replace('\n', "\r\n"));

    let report = report_of(&text);

    assert_eq!(skipped_lines(&report), [7]);
}

#[test]
fn header_line_counts_blank_lines() {
    let text = "Plan Title,Cedar Ridge Attendance 2026-27\n\n\n\n\
Root Cause,SMART Goal,Action Step,Action Type,Status\n\
Families miss absence calls,Raise attendance to 95%,Send text reminders\n";

    let report = report_of(text);

    assert_eq!(skipped_lines(&report), [6]);
    assert!(
        report.skipped[0].reason.contains("header on line 5"),
        "{}",
        report.skipped[0].reason
    );
}

#[test]
fn rows_after_multiline_cell_keep_their_lines() {
    let text = "Root Cause,SMART Goal,Action Step,Action Type,Status\r\n\
Families miss absence calls,Raise attendance to 95%,\"1) Call home\r\n2) Visit home\",Primary Action,Done\r\n\
Families miss absence calls,Raise attendance to 95%,Home visits,Tier 3,In Progress\r\n";

    let report = report_of(text);

    assert_eq!(skipped_lines(&report), [4]);
}

/// A sheet whose line 4 opens a quote that is never closed.
const OPEN_QUOTE_SHEET: &str = "Plan Title,Cedar Ridge Attendance 2026-27\n\
Root Cause,SMART Goal,Action Step,Action Type,Status\n\
Families miss absence calls,Raise attendance to 95%,Send text reminders,Primary Action,In Progress\n\
Families miss absence calls,Raise attendance to 95%,\"Home visits,Primary Action,Done\n\
Families miss absence calls,Raise attendance to 95%,Attendance awards,Primary Action,Done\n\
Families miss absence calls,Raise attendance to 95%,Mentor check-ins,Primary Action,Done\n\
\n\
Progress Monitoring\n\
Measure,Date,Value\n\
Average daily attendance,2026-10-01,92%\n";

#[test]
fn open_quote_skips_its_row() {
    let report = report_of(OPEN_QUOTE_SHEET);

    assert_eq!(skipped_lines(&report), [4]);
}

#[test]
fn open_quote_reason_names_quote() {
    let report = report_of(OPEN_QUOTE_SHEET);

    let reason = &report.skipped[0].reason;
    assert!(reason.contains("`\"Home visits"), "{reason}");
    assert!(reason.contains("never closed"), "{reason}");
}

#[test]
fn rows_after_open_quote_are_read() {
    let imported = import(OPEN_QUOTE_SHEET);
    let plan = imported.document.snapshot();

    assert_eq!(imported.report.rows_imported, 4);
    assert_eq!(plan.actions.len(), 3);
    assert_eq!(plan.measurements.len(), 1);
}

#[test]
fn quote_over_many_lines_is_open() {
    let mut text = String::from(HEADER);
    text.push('\n');
    text.push_str("Families miss absence calls,\"Raise attendance,Call home,Primary Action,Done\n");
    for number in 1..=150 {
        text.push_str(&format!(
            "Families miss absence calls,Raise attendance to 95%,Call block {number},Primary Action,Done\n"
        ));
    }
    text.push_str("Late buses,Cut tardies,Post \"bus\" times,Primary Action,Done\n");

    let imported = import(&text);

    assert_eq!(skipped_lines(&imported.report), [2]);
    assert_eq!(imported.report.rows_imported, 151);
}

/// Data rows whose cells contain column words: `Goal 1: attendance`,
/// `Action 1: daily calls`, `Primary Action`, `Attendance lead`.
const WORDY_ROWS: [&str; 3] = [
    "Late family contact,Goal 1: attendance,Action 1: daily calls,Primary Action,Attendance lead",
    "Late family contact,Goal 1: attendance,Action 2: home visits,Primary Action,Social worker",
    "Late family contact,Goal 1: attendance,Action 3: attendance awards,Primary Action,Counselor",
];

fn wordy_sheet(rows: &[&str]) -> String {
    let mut text = String::from("Plan Title,Cedar Ridge Attendance 2026-27\n");
    text.push_str("Root Cause,SMART Goal,Action Step,Action Type,Lead\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text
}

#[test]
fn wordy_data_rows_are_imported() {
    let imported = import(&wordy_sheet(&WORDY_ROWS));
    let plan = imported.document.snapshot();

    assert_eq!(imported.report.rows_imported, 3);
    assert_eq!(plan.actions.len(), 3);
    assert_eq!(plan.actions[2].owner, "Counselor");
}

#[test]
fn wordy_data_rows_add_no_warnings() {
    let report = report_of(&wordy_sheet(&WORDY_ROWS));

    assert!(report.is_clean(), "{report}");
}

#[test]
fn many_wordy_rows_are_imported() {
    let rows: Vec<String> = (1..=500)
        .map(|number| {
            format!(
                "Late family contact,Goal {number}: attendance,Action {number}: daily calls,\
                 Primary Action,Attendance lead"
            )
        })
        .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();

    let report = report_of(&wordy_sheet(&rows));

    assert_eq!(report.rows_imported, 500);
}

#[test]
fn exact_header_in_table_starts_table() {
    let mut text = wordy_sheet(&WORDY_ROWS[..1]);
    text.push_str("Measure,Date,Value\n");
    text.push_str("Average daily attendance,2026-10-01,92%\n");

    let plan = import(&text).document.snapshot();

    assert_eq!(plan.measurements.len(), 1);
}

#[test]
fn reworded_header_after_title_starts_table() {
    let mut text = wordy_sheet(&WORDY_ROWS[..1]);
    text.push_str("\nAction Plan\n");
    text.push_str("Root Causes Identified,Goal,Action,Action Type,Lead\n");
    text.push_str(
        "Chronic late arrival,Cut tardies by half,Breakfast in class,Primary Action,Principal\n",
    );

    let plan = import(&text).document.snapshot();

    assert_eq!(plan.root_causes.len(), 2);
}

/// A sheet with one action whose Budget cell is `budget`.
fn budget_sheet(budget: &str) -> String {
    format!(
        "Plan Title,Cedar Ridge Attendance 2026-27\n\
Root Cause,SMART Goal,Action Step,Action Type,Resources Needed,Budget ($)\n\
Families miss absence calls,Raise attendance to 95%,Send text reminders,Primary Action,\
Texting service,\"{budget}\"\n"
    )
}

#[test]
fn decimal_comma_budget_is_not_amount() {
    for budget in ["0,50", "1,5", "1.250,00", "12,34,56", "$1,25"] {
        let imported = import(&budget_sheet(budget));
        let plan = imported.document.snapshot();

        assert_eq!(plan.resources[0].amount, None, "{budget}");
        assert!(
            imported.report.warnings[0]
                .message
                .contains(&format!("`{budget}` is not an amount")),
            "{budget}: {}",
            imported.report
        );
    }
}

#[test]
fn thousands_separated_budget_is_read() {
    for (budget, cents) in [
        ("1,250", 125_000),
        ("$1,250.00", 125_000),
        ("12,500,000", 1_250_000_000),
    ] {
        let plan = import(&budget_sheet(budget)).document.snapshot();

        assert_eq!(
            plan.resources[0].amount,
            Some(Decimal::new(cents, 2)),
            "{budget}"
        );
    }
}

/// A file written by the CSV export whose later rows repeat Root Cause # 1,
/// Goal # 1 and Action # 1 with other text.
const EXPORT_WITH_REPEATED_NUMBERS: &str = "Format,Cairn CSV 1\n\
Title,Cedar Ridge Attendance 2026-27\n\
\n\
Action Plan\n\
Root Cause #,Root Cause,Goal #,SMART Goal,Action #,Action Step,Action Type\n\
1,Families miss absence calls,1,Raise attendance to 95%,1,Send text reminders,Primary Action\n\
1,Families miss morning calls,,,,,\n\
,,1,Raise attendance to 96%,,,\n\
,,,,1,Send emails,Primary Action\n";

fn export_warning_columns() -> Vec<(usize, String)> {
    report_of(EXPORT_WITH_REPEATED_NUMBERS)
        .warnings
        .into_iter()
        .map(|warning| (warning.line, warning.column))
        .collect()
}

#[test]
fn export_root_cause_number_conflict_warns() {
    assert!(export_warning_columns().contains(&(7, "Root Cause".to_owned())));
}

#[test]
fn export_goal_number_conflict_warns() {
    assert!(export_warning_columns().contains(&(8, "SMART Goal".to_owned())));
}

#[test]
fn export_action_number_conflict_warns() {
    assert!(export_warning_columns().contains(&(9, "Action Step".to_owned())));
}

#[test]
fn export_conflict_keeps_first_text() {
    let plan = import(EXPORT_WITH_REPEATED_NUMBERS).document.snapshot();

    assert_eq!(plan.root_causes.len(), 1);
    assert_eq!(plan.root_causes[0].statement, "Families miss absence calls");
    assert_eq!(plan.actions[0].title, "Send text reminders");
}

#[test]
fn export_conflict_names_both_texts() {
    let report = report_of(EXPORT_WITH_REPEATED_NUMBERS);

    let message = &report.warnings[0].message;
    assert!(
        message.contains("`Families miss morning calls`"),
        "{message}"
    );
    assert!(
        message.contains("`Families miss absence calls`"),
        "{message}"
    );
}

/// One line of a test sheet: a line that sets up the layout (a key, a
/// title, a header or a blank line) or a data row.
enum Line {
    Layout(&'static str),
    Data(&'static str),
}

/// Joins the lines into a sheet and counts its data rows.
fn sheet_of(lines: &[Line]) -> (String, usize) {
    let mut text = String::new();
    let mut data_rows = 0;
    for line in lines {
        let line = match line {
            Line::Layout(line) => line,
            Line::Data(line) => {
                data_rows += 1;
                line
            }
        };
        text.push_str(line);
        text.push('\n');
    }
    (text, data_rows)
}

fn accounting_sheets() -> Vec<(&'static str, Vec<Line>)> {
    use Line::{Data, Layout};

    const PLAN_HEADER: &str = "Root Cause,Root Cause Evidence,SMART Goal,Action Step,Lead,\
Action Type,Status,Resources Needed,Budget ($)";

    vec![
        (
            "evidence only",
            vec![
                Layout("Plan Title,Cedar Ridge Attendance 2026-27"),
                Layout(PLAN_HEADER),
                Data("Families miss absence calls,Call logs,Raise attendance to 95%,Send texts,Office manager,Primary Action,Done,,"),
                Data(",Absence call logs from September,,,,,,,"),
            ],
        ),
        (
            "wordy rows",
            vec![
                Layout("Plan Title,Cedar Ridge Attendance 2026-27"),
                Layout(PLAN_HEADER),
                Data("Late family contact,,Goal 1: attendance,Action 1: daily calls,Attendance lead,Primary Action,In Progress,,"),
                Data("Late family contact,,Goal 1: attendance,Action 2: home visits,Social worker,Primary Action,Not Started,,"),
            ],
        ),
        (
            "open quote",
            vec![
                Layout("Plan Title,Cedar Ridge Attendance 2026-27"),
                Layout(PLAN_HEADER),
                Data("Late buses,,Cut tardies,\"Post bus times,Principal,Primary Action,Done,,"),
                Data("Late buses,,Cut tardies,Breakfast in class,Principal,Primary Action,Done,,"),
                Layout(""),
                Layout("Progress Monitoring"),
                Layout("Measure,Date,Value"),
                Data("Tardies per week,2026-10-01,41"),
                Data("Tardies per week,not a date,38"),
            ],
        ),
        (
            "shapes and values",
            vec![
                Layout("School,Cedar Ridge Middle School"),
                Layout(""),
                Layout(""),
                Layout(PLAN_HEADER),
                Data("Late buses,,Cut tardies,Post bus times,Principal,Tier 3,Done,,"),
                Data("Late buses,,Cut tardies"),
                Data("Late buses,,Cut tardies,\"1) Post times\n2) Text families\",Principal,Primary Action,Done,Printing,\"0,50\""),
                Data("Late buses,,Cut tardies,Bus captains,Principal,Primary Action,Done,Stipends,\"1,250\""),
                Data(",,,,,,,,Lanyards"),
            ],
        ),
        (
            "export with repeated numbers",
            vec![
                Layout("Format,Cairn CSV 1"),
                Layout("Title,Cedar Ridge Attendance 2026-27"),
                Layout(""),
                Layout("Action Plan"),
                Layout("Root Cause #,Root Cause,Goal #,SMART Goal,Action #,Action Step,Action Type"),
                Data("1,Families miss absence calls,1,Raise attendance to 95%,1,Send text reminders,Primary Action"),
                Data("1,Families miss morning calls,,,,,"),
                Data(",,,,1,Send emails,Primary Action"),
                Data("1,too,short"),
            ],
        ),
    ]
}

#[test]
fn every_data_row_is_counted() {
    for (name, lines) in accounting_sheets() {
        let (text, data_rows) = sheet_of(&lines);

        let report = report_of(&text);

        assert_eq!(
            report.rows_imported + report.rows_skipped,
            data_rows,
            "{name}: {report}"
        );
    }
}

#[test]
fn every_data_row_is_counted_with_crlf() {
    for (name, lines) in accounting_sheets() {
        let (text, data_rows) = sheet_of(&lines);

        let report = report_of(&text.replace('\n', "\r\n"));

        assert_eq!(
            report.rows_imported + report.rows_skipped,
            data_rows,
            "{name}: {report}"
        );
    }
}
