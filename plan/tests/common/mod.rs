//! Random plan edits for the property tests: a strategy that generates
//! them and a function that applies one to a document.

use cairn_plan::{
    Action, ActionKind, ActionStatus, Collection, EntityId, Goal, Measurement, PlanDocument,
    RootCause,
};
use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::sample::Index;

#[derive(Clone, Debug)]
pub enum Edit {
    InsertRootCause {
        after: Option<Index>,
        statement: String,
    },
    InsertGoal {
        after: Option<Index>,
        root_cause: Option<Index>,
    },
    InsertAction {
        after: Option<Index>,
        goal: Option<Index>,
        kind: bool,
    },
    InsertMeasurement {
        goal: Index,
        value: f64,
    },
    UpdateRootCause {
        target: Index,
        statement: String,
    },
    UpdateGoal {
        target: Index,
        target_value: Option<f64>,
        statement: String,
    },
    UpdateAction {
        target: Index,
        status: Index,
        title: String,
    },
    Remove {
        collection: Index,
        target: Index,
    },
    Move {
        collection: Index,
        target: Index,
        after: Option<Index>,
    },
}

fn short_text() -> impl Strategy<Value = String> {
    "[a-z ]{0,12}"
}

pub fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Option<Index>>(), short_text())
            .prop_map(|(after, statement)| Edit::InsertRootCause { after, statement }),
        (any::<Option<Index>>(), any::<Option<Index>>())
            .prop_map(|(after, root_cause)| Edit::InsertGoal { after, root_cause }),
        (
            any::<Option<Index>>(),
            any::<Option<Index>>(),
            any::<bool>()
        )
            .prop_map(|(after, goal, kind)| Edit::InsertAction { after, goal, kind }),
        (any::<Index>(), -1000.0..1000.0f64)
            .prop_map(|(goal, value)| Edit::InsertMeasurement { goal, value }),
        (any::<Index>(), short_text())
            .prop_map(|(target, statement)| Edit::UpdateRootCause { target, statement }),
        (
            any::<Index>(),
            proptest::option::of(0.0..100.0f64),
            short_text()
        )
            .prop_map(|(target, target_value, statement)| Edit::UpdateGoal {
                target,
                target_value,
                statement
            }),
        (any::<Index>(), any::<Index>(), short_text()).prop_map(|(target, status, title)| {
            Edit::UpdateAction {
                target,
                status,
                title,
            }
        }),
        (any::<Index>(), any::<Index>())
            .prop_map(|(collection, target)| Edit::Remove { collection, target }),
        (any::<Index>(), any::<Index>(), any::<Option<Index>>()).prop_map(
            |(collection, target, after)| Edit::Move {
                collection,
                target,
                after
            }
        ),
    ]
}

fn pick<'a>(ids: &'a [EntityId], index: &Option<Index>) -> Option<&'a EntityId> {
    match index {
        Some(index) if !ids.is_empty() => Some(&ids[index.index(ids.len())]),
        _ => None,
    }
}

fn ids_of(document: &PlanDocument, collection: Collection) -> Vec<EntityId> {
    let plan = document.snapshot();
    match collection {
        Collection::RootCauses => plan.root_causes.into_iter().map(|item| item.id).collect(),
        Collection::Goals => plan.goals.into_iter().map(|item| item.id).collect(),
        Collection::Actions => plan.actions.into_iter().map(|item| item.id).collect(),
        Collection::Measurements => plan.measurements.into_iter().map(|item| item.id).collect(),
        _ => Vec::new(),
    }
}

const EDITED: [Collection; 4] = [
    Collection::RootCauses,
    Collection::Goals,
    Collection::Actions,
    Collection::Measurements,
];

/// Applies one edit. Edits that refer to entities the replica lacks are
/// skipped, so every generated sequence applies.
pub fn apply(document: &mut PlanDocument, edit: &Edit) {
    let root_causes = ids_of(document, Collection::RootCauses);
    let goals = ids_of(document, Collection::Goals);
    let actions = ids_of(document, Collection::Actions);
    let plan = document.snapshot();

    match edit {
        Edit::InsertRootCause { after, statement } => {
            let root_cause = RootCause::new(statement.clone());
            document
                .insert_root_cause(&root_cause, pick(&root_causes, after))
                .unwrap();
        }
        Edit::InsertGoal { after, root_cause } => {
            let mut goal = Goal::new("goal");
            goal.root_cause_ids = pick(&root_causes, root_cause)
                .cloned()
                .into_iter()
                .collect();
            document.insert_goal(&goal, pick(&goals, after)).unwrap();
        }
        Edit::InsertAction { after, goal, kind } => {
            let kind = if *kind {
                ActionKind::Primary
            } else {
                ActionKind::Support
            };
            let mut action = Action::new(kind, "action");
            action.goal_ids = pick(&goals, goal).cloned().into_iter().collect();
            document
                .insert_action(&action, pick(&actions, after))
                .unwrap();
        }
        Edit::InsertMeasurement { goal, value } => {
            if let Some(goal_id) = pick(&goals, &Some(*goal)) {
                let date = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
                let measurement = Measurement::new(goal_id.clone(), date, *value);
                document.insert_measurement(&measurement, None).unwrap();
            }
        }
        Edit::UpdateRootCause { target, statement } => {
            if let Some(index) = pick_index(plan.root_causes.len(), target) {
                let mut root_cause = plan.root_causes[index].clone();
                root_cause.statement = statement.clone();
                document.update_root_cause(&root_cause).unwrap();
            }
        }
        Edit::UpdateGoal {
            target,
            target_value,
            statement,
        } => {
            if let Some(index) = pick_index(plan.goals.len(), target) {
                let mut goal = plan.goals[index].clone();
                goal.target_value = *target_value;
                goal.statement = statement.clone();
                document.update_goal(&goal).unwrap();
            }
        }
        Edit::UpdateAction {
            target,
            status,
            title,
        } => {
            if let Some(index) = pick_index(plan.actions.len(), target) {
                let mut action = plan.actions[index].clone();
                action.status = ActionStatus::ALL[status.index(ActionStatus::ALL.len())];
                action.title = title.clone();
                document.update_action(&action).unwrap();
            }
        }
        Edit::Remove { collection, target } => {
            let collection = EDITED[collection.index(EDITED.len())];
            let ids = ids_of(document, collection);
            if let Some(id) = pick(&ids, &Some(*target)) {
                document.remove(collection, id).unwrap();
            }
        }
        Edit::Move {
            collection,
            target,
            after,
        } => {
            let collection = EDITED[collection.index(EDITED.len())];
            let ids = ids_of(document, collection);
            if let Some(id) = pick(&ids, &Some(*target)) {
                document.move_to(collection, id, pick(&ids, after)).unwrap();
            }
        }
    }
}

fn pick_index(len: usize, index: &Index) -> Option<usize> {
    (len > 0).then(|| index.index(len))
}
