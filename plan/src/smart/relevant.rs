//! The Relevant rule: the goal addresses a root cause of the plan, and a
//! primary action works toward it.

use crate::model::{ActionKind, Goal, Plan};

/// Lists the Relevant problems of a goal, without the property's name.
///
/// A link to a root cause that is no longer in the plan, as after a
/// concurrent delete, does not count.
pub(super) fn problems(plan: &Plan, goal: &Goal) -> Vec<String> {
    let mut problems = Vec::new();

    let linked_to_root_cause = plan
        .root_causes
        .iter()
        .any(|root_cause| goal.root_cause_ids.contains(&root_cause.id));
    if !linked_to_root_cause {
        problems.push("not linked to any root cause".to_owned());
    }

    let has_primary_action = plan
        .actions_of_kind(ActionKind::Primary)
        .any(|action| action.goal_ids.contains(&goal.id));
    if !has_primary_action {
        problems.push("no primary action works toward this goal".to_owned());
    }

    problems
}
