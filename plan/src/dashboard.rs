//! Dashboards across plans.
//!
//! The server keeps one plan index row per plan, rewritten in the same
//! transaction as every change it stores. [`PlanMetrics`] is the part of
//! that row a dashboard needs. It holds each SMART goal's on-track status
//! and latest value, and the actions by status. It also holds the open
//! actions and milestones with a due date, the budget by funding source
//! and the date of the last check-in. A dashboard reads these rows and
//! never loads a document.
//!
//! [`view::build`] turns the index rows a person may read into the district
//! view: totals, a row per school and per plan, the overdue items, the
//! budget and the plans without a recent check-in, under
//! [`DashboardFilters`]. [`view::plan_detail`] is the drill-down to one
//! plan and its goals. [`csv`] writes every table of both as CSV.
//!
//! Whether an item is overdue depends on the day the dashboard is read, so
//! the index keeps due dates and the view compares them with `today`.

pub mod csv;
pub mod view;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ids::EntityId;
use crate::model::{ActionStatus, Plan};
use crate::progress::{goal_progress, GoalStatus};
use crate::totals::resource_totals;

pub use view::{
    build, plan_detail, BudgetLine, DashboardFilters, DashboardView, FilterOptions, IndexedPlan,
    OverdueItem, PlanDetail, PlanRow, SchoolOption, SchoolRow, Totals,
};

/// The version of [`PlanMetrics`]'s meaning. The server recomputes the
/// index rows written under an older version when it starts.
pub const METRICS_VERSION: i64 = 1;

/// A plan without a check-in within this many days is flagged.
pub const CHECK_IN_WINDOW_DAYS: i64 = 30;

/// The dashboard figures the plan index keeps of one plan.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanMetrics {
    /// The ISO 4217 code of the plan's amounts.
    pub currency: String,
    pub goals: Vec<GoalMetrics>,
    /// Every action of the plan, primary and support, by status.
    pub actions: ActionCounts,
    /// The actions not completed and the milestones not done that have a
    /// due date, in plan order: actions first, then milestones.
    pub open_items: Vec<DueItem>,
    /// The budget per funding source, in order of first appearance.
    pub budget: Vec<FundingSourceAmount>,
    /// The date of the most recent check-in or pulse check.
    pub last_check_in: Option<NaiveDate>,
}

/// The on-track status and latest value of one SMART goal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalMetrics {
    pub id: EntityId,
    pub statement: String,
    pub measure: String,
    pub unit: String,
    pub status: GoalStatus,
    /// One plain sentence saying why the goal has this status.
    pub reason: String,
    pub baseline_value: Option<f64>,
    pub target_value: Option<f64>,
    pub target_date: Option<NaiveDate>,
    /// The most recent measurement.
    pub latest: Option<DatedValue>,
    pub measurement_count: usize,
    /// The actions linked to this goal, by status.
    pub actions: ActionCounts,
}

/// A value of a measure on a date.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatedValue {
    pub date: NaiveDate,
    pub value: f64,
}

/// A number of actions per status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActionCounts {
    pub not_started: usize,
    pub in_progress: usize,
    pub completed: usize,
    pub on_hold: usize,
}

impl ActionCounts {
    /// Counts one action of `status`.
    pub fn count(&mut self, status: ActionStatus) {
        match status {
            ActionStatus::NotStarted => self.not_started += 1,
            ActionStatus::InProgress => self.in_progress += 1,
            ActionStatus::Completed => self.completed += 1,
            ActionStatus::OnHold => self.on_hold += 1,
        }
    }

    /// Returns every action counted, whatever its status: the planned
    /// actions.
    pub fn planned(&self) -> usize {
        self.not_started + self.in_progress + self.completed + self.on_hold
    }

    /// Adds the counts of `other` to these.
    pub fn add(&mut self, other: &ActionCounts) {
        self.not_started += other.not_started;
        self.in_progress += other.in_progress;
        self.completed += other.completed;
        self.on_hold += other.on_hold;
    }
}

/// Whether a dated item is an action or a milestone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueItemKind {
    Action,
    Milestone,
}

impl DueItemKind {
    /// Returns the kind as the UI shows it.
    pub fn label(self) -> &'static str {
        match self {
            DueItemKind::Action => "Action",
            DueItemKind::Milestone => "Milestone",
        }
    }
}

/// An action not yet completed, or a milestone not yet done, with the date
/// it is due.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DueItem {
    pub kind: DueItemKind,
    pub id: EntityId,
    pub title: String,
    pub due: NaiveDate,
}

impl DueItem {
    /// Returns whether the item is past due on `today`: due before it.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.due < today
    }
}

/// The budget of one funding source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FundingSourceAmount {
    pub funding_source: String,
    pub amount: Decimal,
}

impl PlanMetrics {
    /// Computes the dashboard metrics of `plan`.
    pub fn of(plan: &Plan) -> Self {
        let goals = plan
            .goals
            .iter()
            .map(|goal| {
                let progress = goal_progress(plan, goal);
                let latest = progress.points.last().map(|point| DatedValue {
                    date: point.date,
                    value: point.value,
                });
                let mut actions = ActionCounts::default();
                for action in plan
                    .actions
                    .iter()
                    .filter(|action| action.goal_ids.contains(&goal.id))
                {
                    actions.count(action.status);
                }
                GoalMetrics {
                    id: goal.id.clone(),
                    statement: goal.statement.clone(),
                    measure: goal.measure.clone(),
                    unit: goal.unit.clone(),
                    status: progress.status,
                    reason: progress.reason,
                    baseline_value: goal.baseline_value,
                    target_value: goal.target_value,
                    target_date: goal.target_date,
                    latest,
                    measurement_count: progress.points.len(),
                    actions,
                }
            })
            .collect();

        let mut actions = ActionCounts::default();
        for action in &plan.actions {
            actions.count(action.status);
        }

        let open_actions = plan
            .actions
            .iter()
            .filter(|action| action.status != ActionStatus::Completed)
            .filter_map(|action| {
                Some(DueItem {
                    kind: DueItemKind::Action,
                    id: action.id.clone(),
                    title: action.title.clone(),
                    due: action.due_date?,
                })
            });
        let open_milestones = plan
            .milestones
            .iter()
            .filter(|milestone| !milestone.done)
            .filter_map(|milestone| {
                Some(DueItem {
                    kind: DueItemKind::Milestone,
                    id: milestone.id.clone(),
                    title: milestone.title.clone(),
                    due: milestone.date?,
                })
            });

        let totals = resource_totals(plan);
        let budget = totals
            .by_funding_source
            .into_iter()
            .map(|(funding_source, amount)| FundingSourceAmount {
                funding_source,
                amount,
            })
            .collect();

        PlanMetrics {
            currency: totals.currency,
            goals,
            actions,
            open_items: open_actions.chain(open_milestones).collect(),
            budget,
            last_check_in: plan
                .check_ins
                .iter()
                .filter_map(|check_in| check_in.date)
                .max(),
        }
    }

    /// Returns whether the plan had no check-in in the
    /// [`CHECK_IN_WINDOW_DAYS`] before `today`, counting a plan that never
    /// had one.
    pub fn needs_check_in(&self, today: NaiveDate) -> bool {
        match self.last_check_in {
            None => true,
            Some(date) => (today - date).num_days() > CHECK_IN_WINDOW_DAYS,
        }
    }

    /// Counts the overdue actions and the overdue milestones on `today`.
    pub fn overdue_counts(&self, today: NaiveDate) -> (usize, usize) {
        let overdue = self.open_items.iter().filter(|item| item.is_overdue(today));
        overdue.fold((0, 0), |(actions, milestones), item| match item.kind {
            DueItemKind::Action => (actions + 1, milestones),
            DueItemKind::Milestone => (actions, milestones + 1),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Action, ActionKind, CheckIn, CheckInKind, Direction, Goal, Measurement, Milestone,
        Resource, ResourceKind,
    };

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("a valid date")
    }

    /// Builds a plan with one goal measured three times, three actions, two
    /// milestones, two budget lines and two check-ins.
    fn sample_plan() -> Plan {
        let mut plan = Plan::default();

        let mut goal = Goal::new("Raise grade 3 reading proficiency");
        goal.measure = "Students at benchmark".to_owned();
        goal.unit = "%".to_owned();
        goal.baseline_value = Some(40.0);
        goal.baseline_date = Some(date("2026-09-01"));
        goal.target_value = Some(60.0);
        goal.target_date = Some(date("2027-05-31"));
        goal.direction = Some(Direction::Increase);
        for (day, value) in [
            ("2026-10-01", 43.0),
            ("2026-12-01", 49.0),
            ("2026-11-01", 46.0),
        ] {
            plan.measurements
                .push(Measurement::new(goal.id.clone(), date(day), value));
        }

        let mut small_groups = Action::new(ActionKind::Primary, "Small-group phonics");
        small_groups.status = ActionStatus::InProgress;
        small_groups.due_date = Some(date("2026-11-15"));
        small_groups.goal_ids = vec![goal.id.clone()];
        let mut training = Action::new(ActionKind::Support, "Phonics training");
        training.status = ActionStatus::Completed;
        training.due_date = Some(date("2026-10-01"));
        training.goal_ids = vec![goal.id.clone()];
        let undated = Action::new(ActionKind::Primary, "Family reading nights");

        plan.milestones.push(Milestone::new(
            "First benchmark window",
            Some(date("2027-01-20")),
        ));
        let mut training_done = Milestone::new("Training finished", Some(date("2026-10-01")));
        training_done.done = true;
        plan.milestones.push(training_done);

        let mut books = Resource::new(ResourceKind::Budget, "Decodable readers");
        books.amount = Some(Decimal::new(120_000, 2));
        books.funding_source = "Title I".to_owned();
        let mut substitutes = Resource::new(ResourceKind::Budget, "Substitute days");
        substitutes.amount = Some(Decimal::new(800, 0));
        substitutes.funding_source = "Title II-A".to_owned();

        for day in ["2026-10-15", "2026-11-20"] {
            let mut check_in = CheckIn::new(CheckInKind::CheckIn, Some(date(day)));
            check_in.summary = "Reviewed the benchmark data.".to_owned();
            plan.check_ins.push(check_in);
        }

        plan.goals.push(goal);
        plan.actions.extend([small_groups, training, undated]);
        plan.resources.extend([books, substitutes]);
        plan
    }

    #[test]
    fn metrics_goal_status_and_latest_value() {
        let metrics = PlanMetrics::of(&sample_plan());

        let goal = &metrics.goals[0];
        assert_eq!(goal.measurement_count, 3);
        assert_eq!(
            goal.latest,
            Some(DatedValue {
                date: date("2026-12-01"),
                value: 49.0
            })
        );
        assert_eq!(goal.target_value, Some(60.0));
        assert_ne!(goal.status, GoalStatus::NotEnoughData, "{}", goal.reason);
        assert_eq!(goal.actions.in_progress, 1);
        assert_eq!(goal.actions.completed, 1);
        assert_eq!(goal.actions.planned(), 2);
    }

    #[test]
    fn metrics_actions_and_open_items() {
        let metrics = PlanMetrics::of(&sample_plan());

        assert_eq!(metrics.actions.planned(), 3);
        assert_eq!(metrics.actions.completed, 1);
        assert_eq!(metrics.actions.not_started, 1);
        let titles: Vec<&str> = metrics
            .open_items
            .iter()
            .map(|item| item.title.as_str())
            .collect();
        assert_eq!(titles, ["Small-group phonics", "First benchmark window"]);
    }

    #[test]
    fn overdue_compares_due_dates_with_today() {
        let metrics = PlanMetrics::of(&sample_plan());

        assert_eq!(metrics.overdue_counts(date("2026-11-15")), (0, 0));
        assert_eq!(metrics.overdue_counts(date("2026-11-16")), (1, 0));
        assert_eq!(metrics.overdue_counts(date("2027-02-01")), (1, 1));
    }

    #[test]
    fn metrics_budget_and_last_check_in() {
        let metrics = PlanMetrics::of(&sample_plan());

        assert_eq!(metrics.currency, "USD");
        assert_eq!(
            metrics.budget,
            [
                FundingSourceAmount {
                    funding_source: "Title I".to_owned(),
                    amount: Decimal::new(1200, 0),
                },
                FundingSourceAmount {
                    funding_source: "Title II-A".to_owned(),
                    amount: Decimal::new(800, 0),
                },
            ]
        );
        assert_eq!(metrics.last_check_in, Some(date("2026-11-20")));
    }

    #[test]
    fn needs_check_in_after_thirty_days() {
        let metrics = PlanMetrics::of(&sample_plan());

        assert!(!metrics.needs_check_in(date("2026-12-20")));
        assert!(metrics.needs_check_in(date("2026-12-21")));
        assert!(PlanMetrics::of(&Plan::default()).needs_check_in(date("2026-12-01")));
    }

    #[test]
    fn metrics_round_trip_through_json() {
        let metrics = PlanMetrics::of(&sample_plan());

        let json = serde_json::to_string(&metrics).expect("metrics serialize");
        let back: PlanMetrics = serde_json::from_str(&json).expect("metrics deserialize");

        assert_eq!(back, metrics);
    }
}
