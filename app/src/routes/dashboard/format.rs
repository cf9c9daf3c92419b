//! The words and numbers the dashboard shows: counts, shares, dates,
//! measured values, file names and the sentences of its empty states.

use cairn_plan::dashboard::{DashboardFilters, FilterOptions};
use chrono::NaiveDate;

use crate::accounts::Role;
use crate::labels;

/// The text of a missing value in a table cell.
pub const NONE_TEXT: &str = "—";

/// Returns `part` as a fraction of `whole`, from 0 to 1; 0 when `whole` is
/// 0.
pub fn fraction(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 / whole as f64).clamp(0.0, 1.0)
    }
}

/// Returns `part` as a rounded percentage of `whole`, such as "60%", or
/// [`NONE_TEXT`] when `whole` is 0.
pub fn percent_text(part: usize, whole: usize) -> String {
    if whole == 0 {
        NONE_TEXT.to_owned()
    } else {
        format!("{:.0}%", fraction(part, whole) * 100.0)
    }
}

/// Returns "1 plan" or "N plans", and the same for any noun with a plain
/// plural.
pub fn count_text(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Returns "1 day" or "N days".
pub fn days_text(days: i64) -> String {
    if days == 1 {
        "1 day".to_owned()
    } else {
        format!("{days} days")
    }
}

/// Formats a date as "Dec 5, 2026".
pub fn date_text(date: NaiveDate) -> String {
    date.format("%b %-d, %Y").to_string()
}

/// Formats a date, or returns `missing` without one.
pub fn optional_date_text(date: Option<NaiveDate>, missing: &str) -> String {
    date.map(date_text).unwrap_or_else(|| missing.to_owned())
}

/// Formats a measured value with its unit: "49%" for a percentage,
/// "12 referrals" for a count, or [`NONE_TEXT`] without a value.
pub fn value_text(value: Option<f64>, unit: &str) -> String {
    let Some(value) = value else {
        return NONE_TEXT.to_owned();
    };
    let unit = unit.trim();
    let attached = unit
        .chars()
        .next()
        .is_some_and(|first| !first.is_alphanumeric());
    if unit.is_empty() {
        value.to_string()
    } else if attached {
        format!("{value}{unit}")
    } else {
        format!("{value} {unit}")
    }
}

/// Describes the actions completed against those planned: "3 of 5
/// completed (60%)", or "No actions planned".
pub fn actions_text(completed: usize, planned: usize) -> String {
    if planned == 0 {
        "No actions planned".to_owned()
    } else {
        format!(
            "{completed} of {planned} completed ({})",
            percent_text(completed, planned)
        )
    }
}

/// Returns the name of a dashboard table's CSV file, such as
/// `cairn-dashboard-overdue-2026-12-05.csv`, dated with the day the figures
/// were counted.
pub fn csv_file_name(table: &str, day: NaiveDate) -> String {
    format!("cairn-dashboard-{table}-{}.csv", day.format("%Y-%m-%d"))
}

/// Turns a plan title into a part of a file name: lowercase words joined
/// by `-`, or `plan` for a title without letters or digits.
pub fn title_slug(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        "plan".to_owned()
    } else {
        words.join("-")
    }
}

/// Returns how far the latest value has come from the baseline toward the
/// target, from 0 to 1, for goals that increase and decrease alike. `None`
/// without all three values, or when the target equals the baseline.
pub fn progress_share(
    baseline: Option<f64>,
    latest: Option<f64>,
    target: Option<f64>,
) -> Option<f64> {
    let (baseline, latest, target) = (baseline?, latest?, target?);
    let distance = target - baseline;
    if distance == 0.0 || !distance.is_finite() {
        return None;
    }
    Some(((latest - baseline) / distance).clamp(0.0, 1.0))
}

/// Describes the filters that are set, with the names the options give, such
/// as "School: Oak Elementary · Status: Active"; "Every plan you may read"
/// without filters.
pub fn filters_summary(filters: &DashboardFilters, options: &FilterOptions) -> String {
    let school = filters.school_id.map(|id| {
        let name = options
            .schools
            .iter()
            .find(|school| school.id == id)
            .map_or("a school you may not read", |school| school.name.as_str());
        format!("School: {name}")
    });
    let parts = [
        school,
        filters
            .focus_area
            .as_ref()
            .map(|focus_area| format!("Focus area: {focus_area}")),
        filters
            .status
            .map(|status| format!("Status: {}", labels::plan_status(status))),
        filters
            .school_year
            .as_ref()
            .map(|year| format!("School year: {year}")),
    ];
    let parts: Vec<String> = parts.into_iter().flatten().collect();
    if parts.is_empty() {
        "Every plan you may read".to_owned()
    } else {
        parts.join(" · ")
    }
}

/// Explains why the dashboard of a person who may read no plan is empty,
/// and what to do, by their role. `has_schools` is whether a school leader
/// or coach is assigned to any school.
pub fn empty_dashboard_reason(role: Option<Role>, has_schools: bool) -> &'static str {
    match role {
        Some(Role::DistrictAdmin) => {
            "The district has no plans yet. Create a plan or import a spreadsheet from the plan list, and it is counted here."
        }
        Some(Role::SchoolLeader | Role::Coach) if !has_schools => {
            "You are not assigned to a school yet, so there is no plan for you to read. Ask a district admin to assign you to your schools."
        }
        Some(Role::SchoolLeader | Role::Coach) => {
            "Your schools have no plans yet. Create a plan or import a spreadsheet from the plan list, and it is counted here."
        }
        Some(Role::TeamMember | Role::Viewer) => {
            "No plan is shared with you yet. The dashboard counts only the plans you may read; ask a school leader or district admin to share a plan with you."
        }
        None => "There is no plan for you to read yet. The dashboard counts only the plans you may read.",
    }
}

#[cfg(test)]
mod tests {
    use cairn_plan::dashboard::SchoolOption;
    use cairn_plan::PlanStatus;

    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn percent_rounds_and_handles_zero() {
        assert_eq!(percent_text(2, 3), "67%");
        assert_eq!(percent_text(0, 4), "0%");
        assert_eq!(percent_text(0, 0), NONE_TEXT);
        assert_eq!(fraction(5, 4), 1.0);
        assert_eq!(fraction(1, 0), 0.0);
    }

    #[test]
    fn counts_and_days_pluralize() {
        assert_eq!(count_text(1, "plan"), "1 plan");
        assert_eq!(count_text(0, "plan"), "0 plans");
        assert_eq!(days_text(1), "1 day");
        assert_eq!(days_text(65), "65 days");
    }

    #[test]
    fn values_carry_their_unit() {
        assert_eq!(value_text(Some(49.0), "%"), "49%");
        assert_eq!(value_text(Some(12.5), "referrals"), "12.5 referrals");
        assert_eq!(value_text(Some(3.0), ""), "3");
        assert_eq!(value_text(None, "%"), NONE_TEXT);
    }

    #[test]
    fn actions_against_planned() {
        assert_eq!(actions_text(3, 5), "3 of 5 completed (60%)");
        assert_eq!(actions_text(0, 0), "No actions planned");
    }

    #[test]
    fn file_names_carry_table_and_day() {
        assert_eq!(
            csv_file_name("overdue", date("2026-12-05")),
            "cairn-dashboard-overdue-2026-12-05.csv"
        );
    }

    #[test]
    fn slug_joins_lowercase_words() {
        assert_eq!(
            title_slug("Lincoln Elementary: Tier 1 Behavior"),
            "lincoln-elementary-tier-1-behavior"
        );
        assert_eq!(title_slug("  —  "), "plan");
    }

    #[test]
    fn progress_counts_toward_target_either_way() {
        assert_eq!(
            progress_share(Some(40.0), Some(50.0), Some(60.0)),
            Some(0.5)
        );
        assert_eq!(
            progress_share(Some(37.0), Some(31.0), Some(20.0)),
            Some(6.0 / 17.0)
        );
        assert_eq!(
            progress_share(Some(40.0), Some(30.0), Some(60.0)),
            Some(0.0)
        );
        assert_eq!(
            progress_share(Some(40.0), Some(70.0), Some(60.0)),
            Some(1.0)
        );
        assert_eq!(progress_share(Some(40.0), None, Some(60.0)), None);
        assert_eq!(progress_share(Some(40.0), Some(40.0), Some(40.0)), None);
    }

    #[test]
    fn summary_names_the_filters() {
        let oak = SchoolOption {
            id: "67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap(),
            name: "Oak Elementary".to_owned(),
        };
        let options = FilterOptions {
            schools: vec![oak.clone()],
            ..FilterOptions::default()
        };
        let filters = DashboardFilters {
            school_id: Some(oak.id),
            status: Some(PlanStatus::Active),
            ..DashboardFilters::default()
        };

        assert_eq!(
            filters_summary(&filters, &options),
            "School: Oak Elementary · Status: Active"
        );
        assert_eq!(
            filters_summary(&DashboardFilters::default(), &options),
            "Every plan you may read"
        );
    }

    #[test]
    fn empty_reason_follows_role() {
        assert!(empty_dashboard_reason(Some(Role::Coach), false).contains("not assigned"));
        assert!(empty_dashboard_reason(Some(Role::Coach), true).contains("Your schools"));
        assert!(empty_dashboard_reason(Some(Role::Viewer), false).contains("shared with you"));
        assert!(empty_dashboard_reason(Some(Role::DistrictAdmin), false).contains("district"));
    }
}
