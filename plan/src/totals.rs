//! Resource totals of a plan: where its money goes, how much staff time
//! it needs, and which coaches and mentors it assigns.
//!
//! Amounts are exact [`Decimal`]s in the plan's currency. The budget is
//! totalled by funding source and by action. A resource linked to several
//! actions is split evenly among them to the cent, and the cents left over
//! go to the first of those actions in plan order. So the by-action amounts
//! plus the amount not linked to any action add up exactly to the budget
//! total. The rules are listed in `docs/timeline-and-resources.md`.
//!
//! ```
//! use cairn_plan::totals::resource_totals;
//! use cairn_plan::{Action, ActionKind, Plan, Resource, ResourceKind};
//! use rust_decimal::Decimal;
//!
//! let mut plan = Plan::default();
//! let lessons = Action::new(ActionKind::Primary, "Teach hallway expectations");
//! let mut posters = Resource::new(ResourceKind::Budget, "Expectation posters");
//! posters.amount = Some(Decimal::new(240, 0));
//! posters.funding_source = "Title IV-A".to_owned();
//! posters.action_ids = vec![lessons.id.clone()];
//! plan.actions.push(lessons);
//! plan.resources.push(posters);
//!
//! let totals = resource_totals(&plan);
//!
//! assert_eq!(totals.budget_total, Decimal::new(240, 0));
//! assert_eq!(totals.by_funding_source, [("Title IV-A".to_owned(), Decimal::new(240, 0))]);
//! assert_eq!(totals.by_action[0].2, Decimal::new(240, 0));
//! ```

use rust_decimal::{Decimal, RoundingStrategy};

use crate::ids::EntityId;
use crate::model::{Plan, Resource, ResourceKind, DEFAULT_CURRENCY};

/// The name under which budget lines without a funding source are totalled.
pub const NO_FUNDING_SOURCE: &str = "No funding source";

/// One cent: the unit to which an amount is split among actions.
const CENT: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// The resource totals of one plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceTotals {
    /// The ISO 4217 code of every amount here, from [`Plan::currency`].
    pub currency: String,
    /// The sum of every resource amount, whatever the resource's kind.
    pub budget_total: Decimal,
    /// The budget per funding source, in order of first appearance.
    /// Resources without a funding source are totalled under
    /// [`NO_FUNDING_SOURCE`].
    pub by_funding_source: Vec<(String, Decimal)>,
    /// The budget per action as (action id, action title, amount), in plan
    /// order, for every action linked to a resource that has an amount.
    pub by_action: Vec<(EntityId, String, Decimal)>,
    /// The amounts of resources linked to no action of the plan.
    pub not_linked_to_action: Decimal,
    /// The sum of every resource's `hours`.
    pub staff_hours: Decimal,
    /// The resources of kind `coach_or_mentor`, in plan order.
    pub coaches_and_mentors: Vec<CoachAssignment>,
}

/// A coach or mentor resource and the actions it supports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoachAssignment {
    pub resource_id: EntityId,
    pub description: String,
    pub hours: Option<Decimal>,
    /// The titles of the linked actions, in plan order.
    pub action_titles: Vec<String>,
}

/// Totals the resources of `plan`.
pub fn resource_totals(plan: &Plan) -> ResourceTotals {
    let currency = if plan.currency.trim().is_empty() {
        DEFAULT_CURRENCY.to_owned()
    } else {
        plan.currency.clone()
    };

    let (by_action, not_linked_to_action) = budget_by_action(plan);
    let staff_hours = plan
        .resources
        .iter()
        .filter_map(|resource| resource.hours)
        .sum();
    let coaches_and_mentors = plan
        .resources
        .iter()
        .filter(|resource| resource.kind == ResourceKind::CoachOrMentor)
        .map(|resource| coach_assignment(plan, resource))
        .collect();

    ResourceTotals {
        currency,
        budget_total: plan.total_budget(),
        by_funding_source: budget_by_funding_source(plan),
        by_action,
        not_linked_to_action,
        staff_hours,
        coaches_and_mentors,
    }
}

/// Splits `amount` into `parts` shares that differ by at most one cent and
/// add up exactly to `amount`.
///
/// Each share is the amount divided by `parts`, cut to whole cents toward
/// zero. The cents left over go one each to the first shares. A fraction
/// of a cent in `amount` stays in the first share. Returns no shares when
/// `parts` is 0.
///
/// ```
/// use cairn_plan::totals::split_to_cents;
/// use rust_decimal::Decimal;
///
/// let shares = split_to_cents(Decimal::new(100, 0), 3);
///
/// assert_eq!(shares, [Decimal::new(3334, 2), Decimal::new(3333, 2), Decimal::new(3333, 2)]);
/// ```
pub fn split_to_cents(amount: Decimal, parts: usize) -> Vec<Decimal> {
    if parts == 0 {
        return Vec::new();
    }

    let count = Decimal::from(parts);
    let share = (amount / count).round_dp_with_strategy(2, RoundingStrategy::ToZero);
    let mut shares = vec![share; parts];

    let mut remainder = amount - share * count;
    let step = if remainder.is_sign_negative() {
        -CENT
    } else {
        CENT
    };
    for share in shares.iter_mut() {
        if remainder.abs() < CENT {
            break;
        }
        *share += step;
        remainder -= step;
    }

    shares[0] += remainder;
    shares
}

fn budget_by_funding_source(plan: &Plan) -> Vec<(String, Decimal)> {
    let mut totals: Vec<(String, Decimal)> = Vec::new();

    for resource in &plan.resources {
        let Some(amount) = resource.amount else {
            continue;
        };

        let source = match resource.funding_source.trim() {
            "" => NO_FUNDING_SOURCE,
            source => source,
        };
        match totals.iter_mut().find(|(name, _)| name == source) {
            Some((_, total)) => *total += amount,
            None => totals.push((source.to_owned(), amount)),
        }
    }
    totals
}

/// Returns the budget per action in plan order, and the amount of the
/// resources that are linked to no action of the plan.
fn budget_by_action(plan: &Plan) -> (Vec<(EntityId, String, Decimal)>, Decimal) {
    let mut per_action: Vec<Option<Decimal>> = vec![None; plan.actions.len()];
    let mut not_linked = Decimal::ZERO;

    for resource in &plan.resources {
        let Some(amount) = resource.amount else {
            continue;
        };

        let linked = linked_action_indexes(plan, resource);
        if linked.is_empty() {
            not_linked += amount;
            continue;
        }

        let shares = split_to_cents(amount, linked.len());
        for (index, share) in linked.into_iter().zip(shares) {
            *per_action[index].get_or_insert(Decimal::ZERO) += share;
        }
    }

    let by_action = plan
        .actions
        .iter()
        .zip(per_action)
        .filter_map(|(action, total)| {
            total.map(|total| (action.id.clone(), action.title.clone(), total))
        })
        .collect();
    (by_action, not_linked)
}

/// Returns the indexes in `plan.actions` of the actions that `resource`
/// links to, in plan order. Each action counts once, and links to actions
/// that are not in the plan are ignored.
fn linked_action_indexes(plan: &Plan, resource: &Resource) -> Vec<usize> {
    plan.actions
        .iter()
        .enumerate()
        .filter(|(_, action)| resource.action_ids.contains(&action.id))
        .map(|(index, _)| index)
        .collect()
}

fn coach_assignment(plan: &Plan, resource: &Resource) -> CoachAssignment {
    let action_titles = linked_action_indexes(plan, resource)
        .into_iter()
        .map(|index| plan.actions[index].title.clone())
        .collect();

    CoachAssignment {
        resource_id: resource.id.clone(),
        description: resource.description.clone(),
        hours: resource.hours,
        action_titles,
    }
}
