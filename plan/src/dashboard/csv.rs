//! Every dashboard table as a CSV file.
//!
//! Each function writes one table: a header row, then one row per line of
//! the table, quoted as RFC 4180 specifies with CRLF line ends, like the
//! plan export. Text cells that start with a formula character get a
//! leading `'`, so a spreadsheet shows them as text instead of running
//! them. Numbers, amounts and dates are written plain.

use super::view::{BudgetLine, GoalStatusCounts, OverdueItem, PlanDetail, PlanRow, SchoolRow};
use super::Totals;
use crate::csv_layout::{enum_label, quote_text};
use crate::export::csv::Sheet;
use crate::progress::GoalStatus;

/// The goals by on-track status: one row per status.
pub fn goals_by_status_csv(goals: &GoalStatusCounts) -> String {
    let mut sheet = Sheet::default();
    sheet.row(header(&["Goal status", "Goals"]));
    for status in GoalStatus::ALL {
        sheet.row([status.label().to_owned(), goals.get(*status).to_string()]);
    }
    sheet.text
}

/// The schools: plans, goals by status, actions and overdue items.
pub fn schools_csv(schools: &[SchoolRow]) -> String {
    let mut sheet = Sheet::default();
    let mut columns = vec!["School"];
    columns.extend(TOTALS_COLUMNS);
    sheet.row(header(&columns));
    for school in schools {
        let mut cells = vec![quote_text(&school.name)];
        cells.extend(totals_cells(&school.totals));
        sheet.row(cells);
    }
    sheet.text
}

/// The plans, with their figures, budget and last check-in.
pub fn plans_csv(plans: &[PlanRow]) -> String {
    let mut sheet = Sheet::default();
    let mut columns = vec!["Plan", "School", "Focus area", "School year", "Status"];
    columns.extend(TOTALS_COLUMNS.iter().skip(1));
    columns.extend(["Budget", "Currency", "Last check-in", "Last edit"]);
    sheet.row(header(&columns));
    for plan in plans {
        let mut cells = vec![
            quote_text(&plan.title),
            quote_text(&plan.school),
            quote_text(&plan.focus_area),
            quote_text(&plan.school_year),
            enum_label(plan.status.as_str()),
        ];
        cells.extend(totals_cells(&plan.totals).into_iter().skip(1));
        cells.extend([
            plan.budget_total.to_string(),
            quote_text(&plan.currency),
            plan.last_check_in
                .map(|date| date.to_string())
                .unwrap_or_default(),
            plan.last_edit.format("%Y-%m-%d %H:%M UTC").to_string(),
        ]);
        sheet.row(cells);
    }
    sheet.text
}

/// The overdue actions and milestones.
pub fn overdue_csv(items: &[OverdueItem]) -> String {
    let mut sheet = Sheet::default();
    sheet.row(header(&[
        "Plan",
        "School",
        "Kind",
        "Title",
        "Due",
        "Days overdue",
    ]));
    for item in items {
        sheet.row([
            quote_text(&item.plan_title),
            quote_text(&item.school),
            item.kind.label().to_owned(),
            quote_text(&item.title),
            item.due.to_string(),
            item.days_overdue.to_string(),
        ]);
    }
    sheet.text
}

/// The budget by funding source.
pub fn budget_csv(lines: &[BudgetLine]) -> String {
    let mut sheet = Sheet::default();
    sheet.row(header(&["Funding source", "Amount", "Currency", "Plans"]));
    for line in lines {
        sheet.row([
            quote_text(&line.funding_source),
            line.amount.to_string(),
            quote_text(&line.currency),
            line.plans.to_string(),
        ]);
    }
    sheet.text
}

/// The goals of one plan: status, latest value, target and linked actions.
pub fn goals_csv(detail: &PlanDetail) -> String {
    let mut sheet = Sheet::default();
    sheet.row(header(&[
        "Goal",
        "Measure",
        "Unit",
        "Status",
        "Baseline",
        "Latest value",
        "Latest date",
        "Target",
        "Target date",
        "Measurements",
        "Actions completed",
        "Actions planned",
    ]));
    let number = |value: Option<f64>| value.map(|value| value.to_string()).unwrap_or_default();
    for goal in &detail.goals {
        sheet.row([
            quote_text(&goal.statement),
            quote_text(&goal.measure),
            quote_text(&goal.unit),
            goal.status.label().to_owned(),
            number(goal.baseline_value),
            number(goal.latest.map(|latest| latest.value)),
            goal.latest
                .map(|latest| latest.date.to_string())
                .unwrap_or_default(),
            number(goal.target_value),
            goal.target_date
                .map(|date| date.to_string())
                .unwrap_or_default(),
            goal.measurement_count.to_string(),
            goal.actions.completed.to_string(),
            goal.actions.planned().to_string(),
        ]);
    }
    sheet.text
}

/// The columns [`totals_cells`] writes.
const TOTALS_COLUMNS: [&str; 10] = [
    "Plans",
    "On track",
    "At risk",
    "Off track",
    "Not enough data",
    "Actions completed",
    "Actions planned",
    "Overdue actions",
    "Overdue milestones",
    "Without a check-in in 30 days",
];

fn totals_cells(totals: &Totals) -> Vec<String> {
    [
        totals.plans,
        totals.goals.on_track,
        totals.goals.at_risk,
        totals.goals.off_track,
        totals.goals.not_enough_data,
        totals.actions.completed,
        totals.actions.planned(),
        totals.overdue_actions,
        totals.overdue_milestones,
        totals.plans_without_recent_check_in,
    ]
    .iter()
    .map(ToString::to_string)
    .collect()
}

fn header(columns: &[&str]) -> Vec<String> {
    columns.iter().map(|column| (*column).to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    use super::*;
    use crate::dashboard::DueItemKind;

    #[test]
    fn overdue_rows_quote_commas_and_defuse_formulas() {
        let items = [OverdueItem {
            plan_id: "plan".to_owned(),
            plan_title: "Reading, grades K-2".to_owned(),
            school: "=HYPERLINK(\"x\")".to_owned(),
            kind: DueItemKind::Milestone,
            title: "Benchmark window".to_owned(),
            due: NaiveDate::from_ymd_opt(2026, 10, 1).expect("a valid date"),
            days_overdue: 65,
        }];

        let csv = overdue_csv(&items);

        assert_eq!(
            csv,
            "Plan,School,Kind,Title,Due,Days overdue\r\n\
             \"Reading, grades K-2\",\"'=HYPERLINK(\"\"x\"\")\",Milestone,Benchmark window,2026-10-01,65\r\n"
        );
    }

    #[test]
    fn budget_rows_keep_exact_amounts_and_negative_numbers_plain() {
        let lines = [BudgetLine {
            currency: "USD".to_owned(),
            funding_source: "Title I".to_owned(),
            amount: Decimal::new(-12_050, 2),
            plans: 2,
        }];

        let csv = budget_csv(&lines);

        assert_eq!(
            csv,
            "Funding source,Amount,Currency,Plans\r\nTitle I,-120.50,USD,2\r\n"
        );
    }

    #[test]
    fn goals_by_status_lists_every_status_in_order() {
        let goals = GoalStatusCounts {
            on_track: 3,
            at_risk: 2,
            off_track: 1,
            not_enough_data: 0,
        };

        let csv = goals_by_status_csv(&goals);

        assert_eq!(
            csv,
            "Goal status,Goals\r\nOn track,3\r\nAt risk,2\r\nOff track,1\r\nNot enough data,0\r\n"
        );
    }

    #[test]
    fn every_row_of_the_schools_table_has_as_many_cells_as_the_header() {
        let schools = [SchoolRow {
            school_id: None,
            name: "Oak Elementary".to_owned(),
            totals: Totals::default(),
        }];

        let csv = schools_csv(&schools);

        let widths: Vec<usize> = csv.lines().map(|line| line.split(',').count()).collect();
        assert_eq!(widths, [11, 11]);
    }
}
