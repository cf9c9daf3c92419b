//! What refers to an entity, so a removal can say what else it changes
//! before it happens.
//!
//! The rules mirror the cascade of [`crate::PlanDocument::remove`]: links to
//! the removed entity are dropped, and a goal's measurements go with it.

use crate::document::Collection;
use crate::ids::EntityId;
use crate::model::{CheckInKind, Plan};

/// The effect of removing an entity on one that refers to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemovalEffect {
    /// The link is dropped; the entity stays.
    Unlinked,
    /// The entity is removed too.
    Removed,
}

/// One entity that refers to another.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    pub collection: Collection,
    pub id: EntityId,
    /// The entity's own words, such as a goal statement or an action title.
    pub text: String,
    pub effect: RemovalEffect,
}

/// Lists every entity of `plan` that refers to the entity `id` of
/// `collection`, in the plan's order of collections and entities.
pub fn references_to(plan: &Plan, collection: Collection, id: &EntityId) -> Vec<Reference> {
    let mut references = Vec::new();
    let mut add = |collection, entity: &EntityId, text: String, effect| {
        references.push(Reference {
            collection,
            id: entity.clone(),
            text,
            effect,
        });
    };

    match collection {
        Collection::RootCauses => {
            for goal in plan
                .goals
                .iter()
                .filter(|goal| goal.root_cause_ids.contains(id))
            {
                add(
                    Collection::Goals,
                    &goal.id,
                    goal.statement.clone(),
                    RemovalEffect::Unlinked,
                );
            }
        }
        Collection::Goals => {
            for action in plan
                .actions
                .iter()
                .filter(|action| action.goal_ids.contains(id))
            {
                add(
                    Collection::Actions,
                    &action.id,
                    action.title.clone(),
                    RemovalEffect::Unlinked,
                );
            }
            for measurement in plan.measurements_of_goal(id) {
                let text = format!("{}: {}", measurement.date, measurement.value);
                add(
                    Collection::Measurements,
                    &measurement.id,
                    text,
                    RemovalEffect::Removed,
                );
            }
        }
        Collection::Actions => {
            for resource in plan
                .resources
                .iter()
                .filter(|resource| resource.action_ids.contains(id))
            {
                add(
                    Collection::Resources,
                    &resource.id,
                    resource.description.clone(),
                    RemovalEffect::Unlinked,
                );
            }
            for milestone in plan
                .milestones
                .iter()
                .filter(|milestone| milestone.action_ids.contains(id))
            {
                add(
                    Collection::Milestones,
                    &milestone.id,
                    milestone.title.clone(),
                    RemovalEffect::Unlinked,
                );
            }
            let reviewed = plan.check_ins.iter().filter(|check_in| {
                check_in
                    .action_reviews
                    .iter()
                    .any(|review| &review.action_id == id)
            });
            for check_in in reviewed {
                let date = check_in
                    .date
                    .map(|date| date.to_string())
                    .unwrap_or_else(|| "undated".to_owned());
                let kind = match check_in.kind {
                    CheckInKind::CheckIn => "Check-in",
                    CheckInKind::PulseCheck => "Pulse check",
                };
                let text = format!("{kind} {date}");
                add(
                    Collection::CheckIns,
                    &check_in.id,
                    text,
                    RemovalEffect::Unlinked,
                );
            }
        }
        Collection::Resources
        | Collection::Milestones
        | Collection::Measurements
        | Collection::CheckIns => {}
    }

    references
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::model::{
        Action, ActionKind, ActionReview, ActionStatus, CheckIn, Goal, Measurement, Milestone,
        RootCause,
    };

    fn plan_with_links() -> (Plan, RootCause, Goal, Action) {
        let root_cause = RootCause::new("Expectations are not retaught after breaks");
        let mut goal = Goal::new("Reduce cafeteria referrals from 38 to 20 a month");
        goal.root_cause_ids = vec![root_cause.id.clone()];
        let mut action = Action::new(ActionKind::Primary, "Teach cafeteria expectations");
        action.goal_ids = vec![goal.id.clone()];
        let plan = Plan {
            root_causes: vec![root_cause.clone()],
            goals: vec![goal.clone()],
            actions: vec![action.clone()],
            ..Plan::default()
        };
        (plan, root_cause, goal, action)
    }

    #[test]
    fn root_cause_is_referred_to_by_its_goals() {
        let (plan, root_cause, goal, _) = plan_with_links();

        let references = references_to(&plan, Collection::RootCauses, &root_cause.id);

        assert_eq!(
            references
                .iter()
                .map(|reference| &reference.id)
                .collect::<Vec<_>>(),
            vec![&goal.id]
        );
    }

    #[test]
    fn goal_measurements_are_removed_with_it() {
        let (mut plan, _, goal, _) = plan_with_links();
        let date = NaiveDate::from_ymd_opt(2026, 10, 30).unwrap();
        plan.measurements
            .push(Measurement::new(goal.id.clone(), date, 31.0));

        let references = references_to(&plan, Collection::Goals, &goal.id);

        assert_eq!(
            references.last().map(|reference| reference.effect),
            Some(RemovalEffect::Removed)
        );
    }

    #[test]
    fn action_is_referred_to_by_milestones_and_check_ins() {
        let (mut plan, _, _, action) = plan_with_links();
        let mut milestone = Milestone::new("Lessons taught in every grade", None);
        milestone.action_ids = vec![action.id.clone()];
        let mut check_in = CheckIn::new(CheckInKind::PulseCheck, None);
        check_in.action_reviews = vec![ActionReview {
            action_id: action.id.clone(),
            status: ActionStatus::InProgress,
        }];
        plan.milestones.push(milestone);
        plan.check_ins.push(check_in);

        let references = references_to(&plan, Collection::Actions, &action.id);

        assert_eq!(
            references
                .iter()
                .map(|reference| reference.collection)
                .collect::<Vec<_>>(),
            vec![Collection::Milestones, Collection::CheckIns]
        );
    }

    #[test]
    fn entity_nothing_links_to_has_no_references() {
        let (plan, _, _, action) = plan_with_links();

        assert!(references_to(&plan, Collection::Actions, &action.id).is_empty());
    }
}
