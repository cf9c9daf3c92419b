//! The district view and the plan drill-down, built from plan index rows.
//!
//! The rules, which `docs/dashboard.md` states for users:
//! - Filters narrow the plans counted. The filter options list the values
//!   of every plan the person may read, so a filter can always be undone.
//! - Actions completed against planned: every action of the plan counts as
//!   planned, whatever its status.
//! - Overdue: an action not completed or a milestone not done whose due
//!   date is before today. Closed plans have nothing overdue.
//! - Without a recent check-in: an approved or active plan, the ones being
//!   carried out, whose last check-in is more than
//!   [`CHECK_IN_WINDOW_DAYS`] days old or missing.
//! - Budget: amounts add up per currency and funding source; amounts in
//!   different currencies are never added together.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[cfg(doc)]
use super::CHECK_IN_WINDOW_DAYS;
use super::{ActionCounts, DueItem, DueItemKind, FundingSourceAmount, GoalMetrics, PlanMetrics};
use crate::model::PlanStatus;
use crate::progress::GoalStatus;

/// The name of the group of plans that belong to no school.
pub const DISTRICT_LEVEL: &str = "District-level plans";

/// One plan's index row, with what the server records about the plan
/// outside its document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexedPlan {
    /// The plan's document id.
    pub id: String,
    pub title: String,
    /// The school the plan belongs to, `None` for a district plan.
    pub school_id: Option<Uuid>,
    /// The name of that school, or empty.
    pub school: String,
    pub focus_area: String,
    pub school_year: String,
    /// The plan's review status, which the server records.
    pub status: PlanStatus,
    /// When the server last stored a change to the plan.
    pub last_edit: DateTime<Utc>,
    pub metrics: PlanMetrics,
}

/// The filters of a dashboard. A filter left `None` does not narrow.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DashboardFilters {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub school_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub focus_area: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<PlanStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub school_year: Option<String>,
}

impl DashboardFilters {
    /// Returns whether `plan` passes every filter that is set.
    pub fn matches(&self, plan: &IndexedPlan) -> bool {
        self.school_id.is_none_or(|id| plan.school_id == Some(id))
            && self
                .focus_area
                .as_ref()
                .is_none_or(|focus_area| &plan.focus_area == focus_area)
            && self.status.is_none_or(|status| plan.status == status)
            && self
                .school_year
                .as_ref()
                .is_none_or(|school_year| &plan.school_year == school_year)
    }

    /// Returns whether no filter is set.
    pub fn is_empty(&self) -> bool {
        *self == DashboardFilters::default()
    }
}

/// The values each filter can take.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FilterOptions {
    pub schools: Vec<SchoolOption>,
    pub focus_areas: Vec<String>,
    pub statuses: Vec<PlanStatus>,
    pub school_years: Vec<String>,
}

/// A school that has at least one plan the person may read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolOption {
    pub id: Uuid,
    pub name: String,
}

/// A number of goals per on-track status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GoalStatusCounts {
    pub on_track: usize,
    pub at_risk: usize,
    pub off_track: usize,
    pub not_enough_data: usize,
}

impl GoalStatusCounts {
    /// Counts one goal of `status`.
    pub fn count(&mut self, status: GoalStatus) {
        match status {
            GoalStatus::OnTrack => self.on_track += 1,
            GoalStatus::AtRisk => self.at_risk += 1,
            GoalStatus::OffTrack => self.off_track += 1,
            GoalStatus::NotEnoughData => self.not_enough_data += 1,
        }
    }

    /// Returns the count of `status`.
    pub fn get(&self, status: GoalStatus) -> usize {
        match status {
            GoalStatus::OnTrack => self.on_track,
            GoalStatus::AtRisk => self.at_risk,
            GoalStatus::OffTrack => self.off_track,
            GoalStatus::NotEnoughData => self.not_enough_data,
        }
    }

    /// Returns the number of goals counted.
    pub fn total(&self) -> usize {
        self.on_track + self.at_risk + self.off_track + self.not_enough_data
    }

    fn add(&mut self, other: &GoalStatusCounts) {
        self.on_track += other.on_track;
        self.at_risk += other.at_risk;
        self.off_track += other.off_track;
        self.not_enough_data += other.not_enough_data;
    }
}

/// The figures of a group of plans: the district, one school or one plan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Totals {
    pub plans: usize,
    pub goals: GoalStatusCounts,
    pub actions: ActionCounts,
    pub overdue_actions: usize,
    pub overdue_milestones: usize,
    /// Approved or active plans without a check-in in the last
    /// [`CHECK_IN_WINDOW_DAYS`] days.
    pub plans_without_recent_check_in: usize,
}

impl Totals {
    fn add(&mut self, other: &Totals) {
        self.plans += other.plans;
        self.goals.add(&other.goals);
        self.actions.add(&other.actions);
        self.overdue_actions += other.overdue_actions;
        self.overdue_milestones += other.overdue_milestones;
        self.plans_without_recent_check_in += other.plans_without_recent_check_in;
    }
}

/// The budget of one funding source, in one currency, across plans.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BudgetLine {
    pub currency: String,
    pub funding_source: String,
    pub amount: Decimal,
    /// How many plans budget money from this source.
    pub plans: usize,
}

/// One school's row of the district view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SchoolRow {
    /// `None` for the district-level plans.
    pub school_id: Option<Uuid>,
    pub name: String,
    pub totals: Totals,
}

/// One plan's row of the district view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanRow {
    pub id: String,
    pub title: String,
    pub school_id: Option<Uuid>,
    pub school: String,
    pub focus_area: String,
    pub school_year: String,
    pub status: PlanStatus,
    pub totals: Totals,
    pub currency: String,
    pub budget_total: Decimal,
    pub last_check_in: Option<NaiveDate>,
    /// Whether the plan counts among those without a recent check-in.
    pub needs_check_in: bool,
    pub last_edit: DateTime<Utc>,
}

/// An overdue action or milestone, with its plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OverdueItem {
    pub plan_id: String,
    pub plan_title: String,
    pub school: String,
    pub kind: DueItemKind,
    pub title: String,
    pub due: NaiveDate,
    pub days_overdue: i64,
}

/// The district view under a set of filters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    /// The day overdue items and check-ins were counted against.
    pub today: NaiveDate,
    pub filters: DashboardFilters,
    pub options: FilterOptions,
    pub totals: Totals,
    /// The number of plans in each review status, in the order of the
    /// review cycle.
    pub plans_by_status: Vec<(PlanStatus, usize)>,
    pub budget: Vec<BudgetLine>,
    pub schools: Vec<SchoolRow>,
    pub plans: Vec<PlanRow>,
    /// Most overdue first.
    pub overdue: Vec<OverdueItem>,
}

/// The drill-down to one plan: its row, its goals, its overdue and
/// upcoming items and its budget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanDetail {
    pub today: NaiveDate,
    pub plan: PlanRow,
    pub goals: Vec<GoalMetrics>,
    /// Most overdue first.
    pub overdue: Vec<OverdueItem>,
    /// The open items not yet due, soonest first.
    pub upcoming: Vec<DueItem>,
    pub budget: Vec<FundingSourceAmount>,
}

/// Builds the district view of `plans` under `filters` on `today`.
///
/// `plans` are the plans the person may read; the caller checks access.
pub fn build(plans: &[IndexedPlan], filters: &DashboardFilters, today: NaiveDate) -> DashboardView {
    let options = filter_options(plans);
    let shown: Vec<&IndexedPlan> = plans.iter().filter(|plan| filters.matches(plan)).collect();

    let mut rows: Vec<PlanRow> = shown.iter().map(|plan| plan_row(plan, today)).collect();
    rows.sort_by(|a, b| {
        school_order(&a.school, &b.school)
            .then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
            .then_with(|| a.id.cmp(&b.id))
    });

    let mut totals = Totals::default();
    let mut by_school: BTreeMap<(bool, String, Option<Uuid>), Totals> = BTreeMap::new();
    let mut by_status: BTreeMap<usize, usize> = BTreeMap::new();
    for row in &rows {
        totals.add(&row.totals);
        let key = (
            row.school_id.is_none(),
            row.school.to_lowercase(),
            row.school_id,
        );
        by_school.entry(key).or_default().add(&row.totals);
        let position = PlanStatus::ALL
            .iter()
            .position(|status| *status == row.status);
        *by_status.entry(position.unwrap_or(usize::MAX)).or_default() += 1;
    }

    let schools = by_school
        .into_iter()
        .map(|((_, _, school_id), totals)| SchoolRow {
            school_id,
            name: school_id
                .and_then(|id| rows.iter().find(|row| row.school_id == Some(id)))
                .map_or_else(|| DISTRICT_LEVEL.to_owned(), |row| row.school.clone()),
            totals,
        })
        .collect();

    let plans_by_status = by_status
        .into_iter()
        .filter_map(|(position, count)| Some((*PlanStatus::ALL.get(position)?, count)))
        .collect();

    let mut overdue: Vec<OverdueItem> = shown
        .iter()
        .flat_map(|plan| overdue_items(plan, today))
        .collect();
    sort_overdue(&mut overdue);

    DashboardView {
        today,
        filters: filters.clone(),
        options,
        totals,
        plans_by_status,
        budget: budget_lines(&shown),
        schools,
        plans: rows,
        overdue,
    }
}

/// Builds the drill-down to `plan` on `today`.
pub fn plan_detail(plan: &IndexedPlan, today: NaiveDate) -> PlanDetail {
    let mut overdue = overdue_items(plan, today);
    sort_overdue(&mut overdue);
    let mut upcoming: Vec<DueItem> = plan
        .metrics
        .open_items
        .iter()
        .filter(|item| !item.is_overdue(today))
        .cloned()
        .collect();
    upcoming.sort_by_key(|item| item.due);

    PlanDetail {
        today,
        plan: plan_row(plan, today),
        goals: plan.metrics.goals.clone(),
        overdue,
        upcoming,
        budget: plan.metrics.budget.clone(),
    }
}

/// Returns whether a plan in `status` is being carried out, and so should
/// hold regular check-ins.
pub fn is_in_implementation(status: PlanStatus) -> bool {
    matches!(status, PlanStatus::Approved | PlanStatus::Active)
}

fn plan_row(plan: &IndexedPlan, today: NaiveDate) -> PlanRow {
    let metrics = &plan.metrics;
    let (overdue_actions, overdue_milestones) = if plan.status == PlanStatus::Closed {
        (0, 0)
    } else {
        metrics.overdue_counts(today)
    };
    let needs_check_in = is_in_implementation(plan.status) && metrics.needs_check_in(today);

    let mut goals = GoalStatusCounts::default();
    for goal in &metrics.goals {
        goals.count(goal.status);
    }

    PlanRow {
        id: plan.id.clone(),
        title: plan.title.clone(),
        school_id: plan.school_id,
        school: plan.school.clone(),
        focus_area: plan.focus_area.clone(),
        school_year: plan.school_year.clone(),
        status: plan.status,
        totals: Totals {
            plans: 1,
            goals,
            actions: metrics.actions,
            overdue_actions,
            overdue_milestones,
            plans_without_recent_check_in: usize::from(needs_check_in),
        },
        currency: metrics.currency.clone(),
        budget_total: metrics.budget.iter().map(|line| line.amount).sum(),
        last_check_in: metrics.last_check_in,
        needs_check_in,
        last_edit: plan.last_edit,
    }
}

fn overdue_items(plan: &IndexedPlan, today: NaiveDate) -> Vec<OverdueItem> {
    if plan.status == PlanStatus::Closed {
        return Vec::new();
    }
    plan.metrics
        .open_items
        .iter()
        .filter(|item| item.is_overdue(today))
        .map(|item| OverdueItem {
            plan_id: plan.id.clone(),
            plan_title: plan.title.clone(),
            school: plan.school.clone(),
            kind: item.kind,
            title: item.title.clone(),
            due: item.due,
            days_overdue: (today - item.due).num_days(),
        })
        .collect()
}

fn sort_overdue(items: &mut [OverdueItem]) {
    items.sort_by(|a, b| {
        b.days_overdue
            .cmp(&a.days_overdue)
            .then_with(|| a.plan_title.cmp(&b.plan_title))
            .then_with(|| a.title.cmp(&b.title))
    });
}

fn budget_lines(plans: &[&IndexedPlan]) -> Vec<BudgetLine> {
    let mut lines: BTreeMap<(String, String), (Decimal, usize)> = BTreeMap::new();
    for plan in plans {
        for line in &plan.metrics.budget {
            let key = (plan.metrics.currency.clone(), line.funding_source.clone());
            let entry = lines.entry(key).or_default();
            entry.0 += line.amount;
            entry.1 += 1;
        }
    }
    let mut lines: Vec<BudgetLine> = lines
        .into_iter()
        .map(|((currency, funding_source), (amount, plans))| BudgetLine {
            currency,
            funding_source,
            amount,
            plans,
        })
        .collect();
    lines.sort_by(|a, b| a.currency.cmp(&b.currency).then(b.amount.cmp(&a.amount)));
    lines
}

fn filter_options(plans: &[IndexedPlan]) -> FilterOptions {
    let mut schools: BTreeMap<Uuid, String> = BTreeMap::new();
    let mut focus_areas = BTreeSet::new();
    let mut statuses = BTreeSet::new();
    let mut school_years = BTreeSet::new();
    for plan in plans {
        if let Some(id) = plan.school_id {
            schools.insert(id, plan.school.clone());
        }
        if !plan.focus_area.trim().is_empty() {
            focus_areas.insert(plan.focus_area.clone());
        }
        statuses.insert(
            PlanStatus::ALL
                .iter()
                .position(|status| *status == plan.status)
                .unwrap_or(0),
        );
        if !plan.school_year.trim().is_empty() {
            school_years.insert(plan.school_year.clone());
        }
    }

    let mut schools: Vec<SchoolOption> = schools
        .into_iter()
        .map(|(id, name)| SchoolOption { id, name })
        .collect();
    schools.sort_by_key(|school| school.name.to_lowercase());

    FilterOptions {
        schools,
        focus_areas: focus_areas.into_iter().collect(),
        statuses: statuses
            .into_iter()
            .map(|index| PlanStatus::ALL[index])
            .collect(),
        school_years: school_years.into_iter().rev().collect(),
    }
}

/// Orders school names alphabetically, with the district-level plans (no
/// school) last.
fn school_order(a: &str, b: &str) -> std::cmp::Ordering {
    (a.is_empty(), a.to_lowercase()).cmp(&(b.is_empty(), b.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::DatedValue;
    use crate::ids::EntityId;

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("a valid date")
    }

    fn goal(status: GoalStatus) -> GoalMetrics {
        GoalMetrics {
            id: EntityId::random(),
            statement: format!("A goal that is {status}"),
            measure: "Students at benchmark".to_owned(),
            unit: "%".to_owned(),
            status,
            reason: String::new(),
            baseline_value: Some(40.0),
            target_value: Some(60.0),
            target_date: Some(date("2027-05-31")),
            latest: Some(DatedValue {
                date: date("2026-11-01"),
                value: 45.0,
            }),
            measurement_count: 2,
            actions: ActionCounts::default(),
        }
    }

    fn item(kind: DueItemKind, title: &str, due: &str) -> DueItem {
        DueItem {
            kind,
            id: EntityId::random(),
            title: title.to_owned(),
            due: date(due),
        }
    }

    struct School {
        id: Uuid,
        name: &'static str,
    }

    fn plan(title: &str, school: Option<&School>, status: PlanStatus) -> IndexedPlan {
        IndexedPlan {
            id: EntityId::random().to_string(),
            title: title.to_owned(),
            school_id: school.map(|school| school.id),
            school: school.map_or(String::new(), |school| school.name.to_owned()),
            focus_area: "Literacy".to_owned(),
            school_year: "2026-27".to_owned(),
            status,
            last_edit: DateTime::from_timestamp(1_795_000_000, 0).expect("a valid time"),
            metrics: PlanMetrics {
                currency: "USD".to_owned(),
                ..PlanMetrics::default()
            },
        }
    }

    /// Three plans at two schools and one district plan.
    fn district() -> (Vec<IndexedPlan>, School, School) {
        let oak = School {
            id: Uuid::new_v4(),
            name: "Oak Elementary",
        };
        let pine = School {
            id: Uuid::new_v4(),
            name: "Pine Middle",
        };

        let mut reading = plan("Reading", Some(&oak), PlanStatus::Active);
        reading.metrics.goals = vec![goal(GoalStatus::OnTrack), goal(GoalStatus::AtRisk)];
        reading.metrics.actions = ActionCounts {
            completed: 2,
            in_progress: 1,
            ..ActionCounts::default()
        };
        reading.metrics.open_items = vec![
            item(DueItemKind::Action, "Small groups", "2026-11-01"),
            item(DueItemKind::Milestone, "Benchmark window", "2027-01-15"),
        ];
        reading.metrics.budget = vec![FundingSourceAmount {
            funding_source: "Title I".to_owned(),
            amount: Decimal::new(1000, 0),
        }];
        reading.metrics.last_check_in = Some(date("2026-11-30"));

        let mut attendance = plan("Attendance", Some(&oak), PlanStatus::Approved);
        attendance.focus_area = "Attendance".to_owned();
        attendance.metrics.goals = vec![goal(GoalStatus::OffTrack)];
        attendance.metrics.open_items =
            vec![item(DueItemKind::Milestone, "Family survey", "2026-10-01")];
        attendance.metrics.budget = vec![FundingSourceAmount {
            funding_source: "Title I".to_owned(),
            amount: Decimal::new(500, 0),
        }];

        let mut math = plan("Math", Some(&pine), PlanStatus::Closed);
        math.metrics.goals = vec![goal(GoalStatus::NotEnoughData)];
        math.metrics.open_items = vec![item(DueItemKind::Action, "Old action", "2026-01-01")];

        let mut behavior = plan("Behavior", None, PlanStatus::Draft);
        behavior.school_year = "2025-26".to_owned();
        behavior.metrics.currency = "CAD".to_owned();
        behavior.metrics.budget = vec![FundingSourceAmount {
            funding_source: "Title I".to_owned(),
            amount: Decimal::new(50, 0),
        }];

        (vec![reading, attendance, math, behavior], oak, pine)
    }

    #[test]
    fn totals_of_the_district() {
        let (plans, _, _) = district();

        let view = build(&plans, &DashboardFilters::default(), date("2026-12-05"));

        assert_eq!(view.totals.plans, 4);
        assert_eq!(
            view.totals.goals,
            GoalStatusCounts {
                on_track: 1,
                at_risk: 1,
                off_track: 1,
                not_enough_data: 1,
            }
        );
        assert_eq!(view.totals.actions.completed, 2);
        assert_eq!(view.totals.actions.planned(), 3);
        // The closed plan's old action is not overdue.
        assert_eq!(view.totals.overdue_actions, 1);
        assert_eq!(view.totals.overdue_milestones, 1);
        // The approved plan never had a check-in; the draft is not counted.
        assert_eq!(view.totals.plans_without_recent_check_in, 1);
        let titles: Vec<&str> = view
            .overdue
            .iter()
            .map(|item| item.title.as_str())
            .collect();
        assert_eq!(titles, ["Family survey", "Small groups"]);
        assert_eq!(view.overdue[0].days_overdue, 65);
    }

    #[test]
    fn schools_sorted_district_level_last() {
        let (plans, oak, pine) = district();

        let view = build(&plans, &DashboardFilters::default(), date("2026-12-05"));

        let schools: Vec<(Option<Uuid>, &str, usize)> = view
            .schools
            .iter()
            .map(|row| (row.school_id, row.name.as_str(), row.totals.plans))
            .collect();
        assert_eq!(
            schools,
            [
                (Some(oak.id), "Oak Elementary", 2),
                (Some(pine.id), "Pine Middle", 1),
                (None, DISTRICT_LEVEL, 1),
            ]
        );
        let titles: Vec<&str> = view.plans.iter().map(|row| row.title.as_str()).collect();
        assert_eq!(titles, ["Attendance", "Reading", "Math", "Behavior"]);
    }

    #[test]
    fn budget_adds_up_per_currency_and_funding_source() {
        let (plans, _, _) = district();

        let view = build(&plans, &DashboardFilters::default(), date("2026-12-05"));

        let lines: Vec<(&str, &str, Decimal, usize)> = view
            .budget
            .iter()
            .map(|line| {
                (
                    line.currency.as_str(),
                    line.funding_source.as_str(),
                    line.amount,
                    line.plans,
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                ("CAD", "Title I", Decimal::new(50, 0), 1),
                ("USD", "Title I", Decimal::new(1500, 0), 2),
            ]
        );
    }

    #[test]
    fn filters_narrow_the_plans_but_not_the_options() {
        let (plans, oak, _) = district();
        let filters = DashboardFilters {
            school_id: Some(oak.id),
            focus_area: Some("Literacy".to_owned()),
            ..DashboardFilters::default()
        };

        let view = build(&plans, &filters, date("2026-12-05"));

        let titles: Vec<&str> = view.plans.iter().map(|row| row.title.as_str()).collect();
        assert_eq!(titles, ["Reading"]);
        assert_eq!(view.totals.plans, 1);
        assert_eq!(view.options.schools.len(), 2);
        assert_eq!(view.options.focus_areas, ["Attendance", "Literacy"]);
        assert_eq!(view.options.school_years, ["2026-27", "2025-26"]);
        assert_eq!(
            view.options.statuses,
            [
                PlanStatus::Draft,
                PlanStatus::Approved,
                PlanStatus::Active,
                PlanStatus::Closed
            ]
        );
    }

    #[test]
    fn status_and_school_year_filters_apply() {
        let (plans, _, _) = district();
        let filters = DashboardFilters {
            status: Some(PlanStatus::Draft),
            school_year: Some("2025-26".to_owned()),
            ..DashboardFilters::default()
        };

        let view = build(&plans, &filters, date("2026-12-05"));

        let titles: Vec<&str> = view.plans.iter().map(|row| row.title.as_str()).collect();
        assert_eq!(titles, ["Behavior"]);
        assert_eq!(view.plans_by_status, [(PlanStatus::Draft, 1)]);
    }

    #[test]
    fn plan_detail_overdue_and_upcoming() {
        let (plans, _, _) = district();

        let detail = plan_detail(&plans[0], date("2026-12-05"));

        assert_eq!(detail.goals.len(), 2);
        let overdue: Vec<&str> = detail
            .overdue
            .iter()
            .map(|item| item.title.as_str())
            .collect();
        assert_eq!(overdue, ["Small groups"]);
        let upcoming: Vec<&str> = detail
            .upcoming
            .iter()
            .map(|item| item.title.as_str())
            .collect();
        assert_eq!(upcoming, ["Benchmark window"]);
        assert_eq!(detail.plan.budget_total, Decimal::new(1000, 0));
        assert!(!detail.plan.needs_check_in);
    }

    #[test]
    fn filters_round_trip_through_a_query_string_shape() {
        let filters = DashboardFilters {
            status: Some(PlanStatus::Submitted),
            ..DashboardFilters::default()
        };

        let json = serde_json::to_value(&filters).expect("filters serialize");

        assert_eq!(json, serde_json::json!({ "status": "submitted" }));
        assert!(DashboardFilters::default().is_empty());
    }
}
