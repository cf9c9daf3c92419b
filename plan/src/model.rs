//! The typed snapshot of a plan: what [`crate::PlanDocument::snapshot`]
//! returns, what the edit methods take, and the shape of the JSON export.
//!
//! A plan follows the MTSS action planning cycle. It lists the root causes
//! found in the data and the SMART goals that address them. Primary actions
//! and support structures work toward the goals, with their resources and
//! milestones. Progress monitoring measurements track the goals, and
//! check-ins record the team's reviews. Entities link to each other by
//! [`EntityId`].

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::dashboard::PlanMetrics;
use crate::ids::EntityId;
use crate::import::find_school_year;

/// Error from parsing one of the plan's enum values from its snake_case name.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("`{value}` is not a valid {kind} (expected one of: {expected})")]
pub struct ParseEnumError {
    pub kind: &'static str,
    pub value: String,
    pub expected: String,
}

/// Declares a fieldless enum whose values are stored and serialized by their
/// snake_case names, with `as_str`, `ALL`, `Display` and `FromStr`.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $kind:literal {
            $( $(#[$variant_meta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Returns the snake_case name, as stored and serialized.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::model::ParseEnumError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::model::ParseEnumError {
                        kind: $kind,
                        value: text.to_owned(),
                        expected: [$($text),+].join(", "),
                    }),
                }
            }
        }
    };
}

pub(crate) use named_enum;

named_enum! {
    /// The stage of a plan in its review and implementation cycle.
    #[derive(Default)]
    PlanStatus, "plan status" {
        #[default]
        Draft => "draft",
        Submitted => "submitted",
        Returned => "returned",
        Approved => "approved",
        Active => "active",
        Closed => "closed",
    }
}

named_enum! {
    /// The direction in which a goal's measure should move.
    Direction, "goal direction" {
        Increase => "increase",
        Decrease => "decrease",
    }
}

named_enum! {
    /// The kind of an action. A primary action works directly toward a goal.
    /// A support structure (training, a tool, a procedure audit) helps staff
    /// carry the primary actions out.
    ActionKind, "action kind" {
        Primary => "primary",
        Support => "support",
    }
}

named_enum! {
    /// The kind of a support structure.
    SupportType, "support type" {
        Training => "training",
        Tool => "tool",
        ProcedureAudit => "procedure_audit",
        Other => "other",
    }
}

named_enum! {
    /// Progress of one action.
    #[derive(Default)]
    ActionStatus, "action status" {
        #[default]
        NotStarted => "not_started",
        InProgress => "in_progress",
        Completed => "completed",
        OnHold => "on_hold",
    }
}

named_enum! {
    /// The kind of a resource.
    ResourceKind, "resource kind" {
        StaffRole => "staff_role",
        Budget => "budget",
        ProtectedTime => "protected_time",
        CoachOrMentor => "coach_or_mentor",
        Material => "material",
    }
}

named_enum! {
    /// A regular team check-in, or a short pulse check between them.
    #[derive(Default)]
    CheckInKind, "check-in kind" {
        #[default]
        CheckIn => "check_in",
        PulseCheck => "pulse_check",
    }
}

/// The currency of a plan that names none: US dollars.
pub const DEFAULT_CURRENCY: &str = "USD";

/// A whole action plan. Every entity list is in the plan's order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Plan {
    pub title: String,
    pub district: String,
    /// Empty for a district plan, which lists its schools in
    /// `participating_schools` instead.
    pub school: String,
    /// Such as `2026-27`.
    pub school_year: String,
    pub focus_area: String,
    /// The team that owns the plan, as free text.
    pub team: String,
    pub participating_schools: Vec<String>,
    pub status: PlanStatus,
    /// The ISO 4217 code of every budget amount in the plan, such as `USD`.
    pub currency: String,
    pub root_causes: Vec<RootCause>,
    pub goals: Vec<Goal>,
    pub actions: Vec<Action>,
    pub resources: Vec<Resource>,
    pub milestones: Vec<Milestone>,
    pub measurements: Vec<Measurement>,
    pub check_ins: Vec<CheckIn>,
}

impl Default for Plan {
    fn default() -> Self {
        Self {
            title: String::new(),
            district: String::new(),
            school: String::new(),
            school_year: String::new(),
            focus_area: String::new(),
            team: String::new(),
            participating_schools: Vec::new(),
            status: PlanStatus::default(),
            currency: DEFAULT_CURRENCY.to_owned(),
            root_causes: Vec::new(),
            goals: Vec::new(),
            actions: Vec::new(),
            resources: Vec::new(),
            milestones: Vec::new(),
            measurements: Vec::new(),
            check_ins: Vec::new(),
        }
    }
}

/// A root cause found in the data, which goals address.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RootCause {
    pub id: EntityId,
    pub statement: String,
    /// The data that point to this cause.
    pub evidence: String,
}

/// A SMART goal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    pub id: EntityId,
    pub statement: String,
    /// The name of the measure used for progress monitoring.
    pub measure: String,
    /// The unit of the baseline, target and measurement values, such as `%`.
    pub unit: String,
    pub baseline_value: Option<f64>,
    pub baseline_date: Option<NaiveDate>,
    pub target_value: Option<f64>,
    pub target_date: Option<NaiveDate>,
    pub direction: Option<Direction>,
    /// How often the team reviews the measure, as free text.
    pub monitoring_frequency: String,
    /// Why the team expects the target to be reachable: the research, the
    /// past results or the size of the effort behind it.
    #[serde(default)]
    pub rationale: String,
    /// A checkpoint on the way to the target, in the goal's unit.
    #[serde(default)]
    pub interim_target_value: Option<f64>,
    #[serde(default)]
    pub interim_target_date: Option<NaiveDate>,
    /// The root causes this goal addresses.
    pub root_cause_ids: Vec<EntityId>,
}

/// A primary action or a support structure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub id: EntityId,
    pub kind: ActionKind,
    /// Set only on support structures. The document stores no support type
    /// for a primary action and reads it back as `None`.
    pub support_type: Option<SupportType>,
    pub title: String,
    pub description: String,
    /// The person or role responsible, as free text.
    pub owner: String,
    pub start_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub status: ActionStatus,
    pub success_indicator: String,
    pub evidence_of_implementation: String,
    pub notes: String,
    /// The goals this action works toward.
    pub goal_ids: Vec<EntityId>,
}

/// Something an action needs: a staff role, money, protected time, a coach
/// or mentor, or materials.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    pub id: EntityId,
    pub kind: ResourceKind,
    pub description: String,
    /// Money, in the plan's currency, serialized as an exact decimal string.
    pub amount: Option<Decimal>,
    pub funding_source: String,
    /// Staff hours, serialized as an exact decimal string.
    pub hours: Option<Decimal>,
    /// The actions that use this resource.
    pub action_ids: Vec<EntityId>,
}

/// A checkpoint on the way to finishing one or more actions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub id: EntityId,
    pub title: String,
    pub date: Option<NaiveDate>,
    pub done: bool,
    pub action_ids: Vec<EntityId>,
}

/// One progress monitoring data point on a goal's measure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    pub id: EntityId,
    pub goal_id: EntityId,
    pub date: NaiveDate,
    /// In the goal's unit.
    pub value: f64,
    pub note: String,
}

/// The record of a team check-in or pulse check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    pub id: EntityId,
    pub date: Option<NaiveDate>,
    pub kind: CheckInKind,
    /// The people who took part, by role (such as "Principal; Counselor; Grade 3
    /// lead"), never by name.
    #[serde(default)]
    pub attendees: String,
    pub summary: String,
    pub decisions: String,
    pub next_steps: String,
    /// The actions discussed and the status the team gave each one, in the
    /// plan's order of actions.
    #[serde(default)]
    pub action_reviews: Vec<ActionReview>,
}

/// The status a check-in gave one action it discussed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionReview {
    pub action_id: EntityId,
    pub status: ActionStatus,
}

/// The fields of a plan that a list of plans shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanSummary {
    pub title: String,
    pub district: String,
    pub school: String,
    pub school_year: String,
    pub focus_area: String,
    pub status: PlanStatus,
    pub goal_count: usize,
    pub action_count: usize,
    /// What dashboards show of the plan.
    pub metrics: PlanMetrics,
}

impl Plan {
    /// Builds the summary that a list of plans shows.
    pub fn summary(&self) -> PlanSummary {
        PlanSummary {
            title: self.title.clone(),
            district: self.district.clone(),
            school: self.school.clone(),
            school_year: self.school_year.clone(),
            focus_area: self.focus_area.clone(),
            status: self.status,
            goal_count: self.goals.len(),
            action_count: self.actions.len(),
            metrics: PlanMetrics::of(self),
        }
    }

    /// Adds up the `amount` of every resource that has one, whatever its kind.
    pub fn total_budget(&self) -> Decimal {
        self.resources
            .iter()
            .filter_map(|resource| resource.amount)
            .sum()
    }

    /// Iterates over the actions of one kind, in plan order.
    pub fn actions_of_kind(&self, kind: ActionKind) -> impl Iterator<Item = &Action> + '_ {
        self.actions
            .iter()
            .filter(move |action| action.kind == kind)
    }

    /// Finds a goal by id.
    pub fn goal(&self, id: &EntityId) -> Option<&Goal> {
        self.goals.iter().find(|goal| &goal.id == id)
    }

    /// Returns July 1 of the first calendar year of the plan's school year,
    /// such as 2026-07-01 for `2026-27`, or `None` when `school_year` names
    /// no school year.
    ///
    /// US school years usually run from July 1 to June 30 for reporting and
    /// budgets. July 1 also comes before the first day of school, so a rule
    /// that measures time from this date gives the team the longest span.
    pub fn school_year_start(&self) -> Option<NaiveDate> {
        let school_year = find_school_year(&self.school_year)?;
        NaiveDate::from_ymd_opt(school_year.first_year, 7, 1)
    }

    /// Iterates over the measurements of one goal, in plan order.
    pub fn measurements_of_goal<'a>(
        &'a self,
        goal_id: &'a EntityId,
    ) -> impl Iterator<Item = &'a Measurement> + 'a {
        self.measurements
            .iter()
            .filter(move |measurement| &measurement.goal_id == goal_id)
    }
}

impl RootCause {
    /// Creates a root cause with a fresh id.
    pub fn new(statement: impl Into<String>) -> Self {
        Self {
            id: EntityId::random(),
            statement: statement.into(),
            evidence: String::new(),
        }
    }
}

impl Goal {
    /// Creates a goal with a fresh id and every other field empty.
    pub fn new(statement: impl Into<String>) -> Self {
        Self {
            id: EntityId::random(),
            statement: statement.into(),
            measure: String::new(),
            unit: String::new(),
            baseline_value: None,
            baseline_date: None,
            target_value: None,
            target_date: None,
            direction: None,
            monitoring_frequency: String::new(),
            rationale: String::new(),
            interim_target_value: None,
            interim_target_date: None,
            root_cause_ids: Vec::new(),
        }
    }

    /// Returns the goal's direction or, when it has none, the direction that
    /// its baseline and target values give when both are set and differ.
    pub fn effective_direction(&self) -> Option<Direction> {
        if self.direction.is_some() {
            return self.direction;
        }

        let (baseline, target) = (self.baseline_value?, self.target_value?);
        if target > baseline {
            Some(Direction::Increase)
        } else if target < baseline {
            Some(Direction::Decrease)
        } else {
            None
        }
    }
}

impl Action {
    /// Creates a not-started action with a fresh id and every other field empty.
    pub fn new(kind: ActionKind, title: impl Into<String>) -> Self {
        Self {
            id: EntityId::random(),
            kind,
            support_type: None,
            title: title.into(),
            description: String::new(),
            owner: String::new(),
            start_date: None,
            due_date: None,
            status: ActionStatus::default(),
            success_indicator: String::new(),
            evidence_of_implementation: String::new(),
            notes: String::new(),
            goal_ids: Vec::new(),
        }
    }

    /// Creates a support structure of the given type with a fresh id.
    pub fn support(support_type: SupportType, title: impl Into<String>) -> Self {
        Self {
            support_type: Some(support_type),
            ..Self::new(ActionKind::Support, title)
        }
    }
}

impl Resource {
    /// Creates a resource with a fresh id and no amount, hours or links.
    pub fn new(kind: ResourceKind, description: impl Into<String>) -> Self {
        Self {
            id: EntityId::random(),
            kind,
            description: description.into(),
            amount: None,
            funding_source: String::new(),
            hours: None,
            action_ids: Vec::new(),
        }
    }
}

impl Milestone {
    /// Creates an open milestone with a fresh id.
    pub fn new(title: impl Into<String>, date: Option<NaiveDate>) -> Self {
        Self {
            id: EntityId::random(),
            title: title.into(),
            date,
            done: false,
            action_ids: Vec::new(),
        }
    }
}

impl Measurement {
    /// Creates a measurement on a goal with a fresh id and no note.
    pub fn new(goal_id: EntityId, date: NaiveDate, value: f64) -> Self {
        Self {
            id: EntityId::random(),
            goal_id,
            date,
            value,
            note: String::new(),
        }
    }
}

impl CheckIn {
    /// Creates an empty check-in record with a fresh id.
    pub fn new(kind: CheckInKind, date: Option<NaiveDate>) -> Self {
        Self {
            id: EntityId::random(),
            date,
            kind,
            attendees: String::new(),
            summary: String::new(),
            decisions: String::new(),
            next_steps: String::new(),
            action_reviews: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_names_round_trip() {
        for status in ActionStatus::ALL {
            assert_eq!(status.as_str().parse::<ActionStatus>(), Ok(*status));
        }
    }

    #[test]
    fn unknown_enum_name_lists_expected_values() {
        let error = "finished".parse::<ActionStatus>().unwrap_err();

        assert_eq!(
            error.to_string(),
            "`finished` is not a valid action status (expected one of: \
             not_started, in_progress, completed, on_hold)"
        );
    }

    #[test]
    fn enum_serializes_as_snake_case() {
        let json = serde_json::to_string(&SupportType::ProcedureAudit).unwrap();

        assert_eq!(json, "\"procedure_audit\"");
    }

    #[test]
    fn amount_serializes_as_exact_string() {
        let mut resource = Resource::new(ResourceKind::Budget, "decodable text sets");
        resource.amount = Some(Decimal::new(1850050, 2));

        let json = serde_json::to_value(&resource).unwrap();

        assert_eq!(json["amount"], "18500.50");
    }

    #[test]
    fn total_budget_adds_every_amount() {
        let mut plan = Plan::default();
        let mut training = Resource::new(ResourceKind::Budget, "training");
        training.amount = Some(Decimal::new(1440, 0));
        let mut materials = Resource::new(ResourceKind::Budget, "materials");
        materials.amount = Some(Decimal::new(35050, 2));
        plan.resources = vec![
            training,
            materials,
            Resource::new(ResourceKind::Material, "forms"),
        ];

        assert_eq!(plan.total_budget(), Decimal::new(179050, 2));
    }

    #[test]
    fn summary_counts_goals_and_actions() {
        let mut plan = Plan {
            title: "Behavior plan".to_owned(),
            ..Plan::default()
        };
        plan.goals.push(Goal::new("Reduce referrals"));
        plan.actions
            .push(Action::new(ActionKind::Primary, "Teach expectations"));
        plan.actions
            .push(Action::support(SupportType::Training, "Train supervisors"));

        let summary = plan.summary();

        assert_eq!(summary.goal_count, 1);
        assert_eq!(summary.action_count, 2);
        assert_eq!(summary.title, "Behavior plan");
    }

    #[test]
    fn school_year_starts_on_july_first() {
        let plan = Plan {
            school_year: "2026-27".to_owned(),
            ..Plan::default()
        };

        assert_eq!(
            plan.school_year_start(),
            NaiveDate::from_ymd_opt(2026, 7, 1)
        );
    }

    #[test]
    fn free_text_school_year_has_no_start() {
        let plan = Plan {
            school_year: "next year".to_owned(),
            ..Plan::default()
        };

        assert_eq!(plan.school_year_start(), None);
    }

    #[test]
    fn set_direction_wins_over_values() {
        let mut goal = Goal::new("Reduce chronic absence");
        goal.direction = Some(Direction::Decrease);
        goal.baseline_value = Some(18.0);
        goal.target_value = Some(24.0);

        assert_eq!(goal.effective_direction(), Some(Direction::Decrease));
    }

    #[test]
    fn lower_target_implies_decrease() {
        let mut goal = Goal::new("Chronic absence from 24% to 18%");
        goal.baseline_value = Some(24.0);
        goal.target_value = Some(18.0);

        assert_eq!(goal.effective_direction(), Some(Direction::Decrease));
    }

    #[test]
    fn equal_values_imply_no_direction() {
        let mut goal = Goal::new("Keep attendance at 95%");
        goal.baseline_value = Some(95.0);
        goal.target_value = Some(95.0);

        assert_eq!(goal.effective_direction(), None);
    }

    #[test]
    fn actions_of_kind_filters_support_structures() {
        let mut plan = Plan::default();
        plan.actions
            .push(Action::new(ActionKind::Primary, "Teach expectations"));
        plan.actions
            .push(Action::support(SupportType::Training, "Train supervisors"));

        assert_eq!(plan.actions_of_kind(ActionKind::Support).count(), 1);
    }
}
