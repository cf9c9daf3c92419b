//! The differences between two snapshots of a plan, in the parts that undo
//! and redo revert one by one.
//!
//! Fields are compared in the form the document stores them (see
//! [`Entity::fields`]). Link sets and label maps are compared entry by
//! entry, so reverting one entry leaves entries that others changed alone.
//! An entity moved when its order relative to the entities present in both
//! snapshots changed: the moved ones are those outside a longest run that
//! kept its relative order.

use std::collections::{HashMap, HashSet};

use super::Target;
use crate::document::entities::Entity;
use crate::document::fields::FieldValue;
use crate::document::plan_fields;
use crate::document::restore::Place;
use crate::document::Collection;
use crate::ids::EntityId;
use crate::model::Plan;

/// One part of the difference between two snapshots. Reverting it writes
/// the `before` side where the document still contains the `after` side.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Change {
    /// A field of the plan or of an entity that is replaced whole: text,
    /// a string, a number, a date, an amount, an enum, a flag or a reference.
    Field {
        target: Target,
        key: &'static str,
        before: FieldValue,
        after: FieldValue,
    },
    /// The list of participating schools, replaced whole.
    Schools {
        before: Vec<String>,
        after: Vec<String>,
    },
    /// One id added to or removed from a link set of an entity.
    Link {
        collection: Collection,
        id: EntityId,
        key: &'static str,
        linked_collection: Collection,
        linked: EntityId,
        added: bool,
    },
    /// One entry of a label map of an entity, such as the status a check-in
    /// gave one action, set, changed or removed.
    Label {
        collection: Collection,
        id: EntityId,
        key: &'static str,
        linked_collection: Collection,
        linked: EntityId,
        before: Option<String>,
        after: Option<String>,
    },
    /// An entity that is only in the `after` snapshot.
    Inserted(StoredEntity),
    /// An entity that is only in the `before` snapshot.
    Removed(StoredEntity),
    /// An entity that changed place among the entities in both snapshots.
    Moved {
        collection: Collection,
        id: EntityId,
        before: Place,
        after: Place,
    },
}

/// An entity with its stored fields and its place, in the snapshot that
/// contains it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct StoredEntity {
    pub(crate) collection: Collection,
    pub(crate) id: EntityId,
    pub(crate) fields: Vec<(&'static str, FieldValue)>,
    pub(crate) place: Place,
}

/// Lists the differences from `before` to `after`: plan fields first, then
/// each collection in [`Collection::ALL`] order. Within a collection,
/// removed entities, field changes and moves follow the `before` order, and
/// inserted entities the `after` order.
pub(crate) fn diff_plans(before: &Plan, after: &Plan) -> Vec<Change> {
    let mut changes = Vec::new();

    diff_plan_fields(before, after, &mut changes);

    diff_collection(&before.root_causes, &after.root_causes, &mut changes);
    diff_collection(&before.goals, &after.goals, &mut changes);
    diff_collection(&before.actions, &after.actions, &mut changes);
    diff_collection(&before.resources, &after.resources, &mut changes);
    diff_collection(&before.milestones, &after.milestones, &mut changes);
    diff_collection(&before.measurements, &after.measurements, &mut changes);
    diff_collection(&before.check_ins, &after.check_ins, &mut changes);

    changes
}

/// Read access to the entities of any collection, for looking one up by
/// [`Collection`] at run time.
pub(crate) trait StoredFields {
    fn entity_id(&self) -> &EntityId;

    fn stored_fields(&self) -> Vec<(&'static str, FieldValue)>;
}

impl<E: Entity> StoredFields for E {
    fn entity_id(&self) -> &EntityId {
        self.id()
    }

    fn stored_fields(&self) -> Vec<(&'static str, FieldValue)> {
        self.fields()
    }
}

/// Lists the entities of one collection of a plan, in plan order.
pub(crate) fn entities_of(plan: &Plan, collection: Collection) -> Vec<&dyn StoredFields> {
    fn erase<E: Entity>(entities: &[E]) -> Vec<&dyn StoredFields> {
        entities
            .iter()
            .map(|entity| entity as &dyn StoredFields)
            .collect()
    }

    match collection {
        Collection::RootCauses => erase(&plan.root_causes),
        Collection::Goals => erase(&plan.goals),
        Collection::Actions => erase(&plan.actions),
        Collection::Resources => erase(&plan.resources),
        Collection::Milestones => erase(&plan.milestones),
        Collection::Measurements => erase(&plan.measurements),
        Collection::CheckIns => erase(&plan.check_ins),
    }
}

fn diff_plan_fields(before: &Plan, after: &Plan, changes: &mut Vec<Change>) {
    for ((key, old), (_, new)) in plan_fields(before).into_iter().zip(plan_fields(after)) {
        if old != new {
            changes.push(Change::Field {
                target: Target::Plan,
                key,
                before: old,
                after: new,
            });
        }
    }

    if before.participating_schools != after.participating_schools {
        changes.push(Change::Schools {
            before: before.participating_schools.clone(),
            after: after.participating_schools.clone(),
        });
    }
}

fn diff_collection<E: Entity + PartialEq>(before: &[E], after: &[E], changes: &mut Vec<Change>) {
    let before_order: Vec<&EntityId> = before.iter().map(Entity::id).collect();
    let after_order: Vec<&EntityId> = after.iter().map(Entity::id).collect();
    let before_index = index_by_id(&before_order);
    let after_index = index_by_id(&after_order);

    for (index, old) in before.iter().enumerate() {
        let Some(&new_index) = after_index.get(old.id()) else {
            let place = Place::of(&before_order, index);
            changes.push(Change::Removed(stored_entity(old, place)));
            continue;
        };

        let new = &after[new_index];
        if old != new {
            diff_entity_fields(E::COLLECTION, old.id(), old.fields(), new.fields(), changes);
        }
    }

    for (index, new) in after.iter().enumerate() {
        if !before_index.contains_key(new.id()) {
            let place = Place::of(&after_order, index);
            changes.push(Change::Inserted(stored_entity(new, place)));
        }
    }

    diff_order(E::COLLECTION, &before_order, &after_order, changes);
}

fn index_by_id<'a>(order: &[&'a EntityId]) -> HashMap<&'a EntityId, usize> {
    order
        .iter()
        .enumerate()
        .map(|(index, id)| (*id, index))
        .collect()
}

fn stored_entity<E: Entity>(entity: &E, place: Place) -> StoredEntity {
    StoredEntity {
        collection: E::COLLECTION,
        id: entity.id().clone(),
        fields: entity.fields(),
        place,
    }
}

/// Compares two field lists of one entity, which list the same keys in the
/// same order because one entity type wrote both.
fn diff_entity_fields(
    collection: Collection,
    id: &EntityId,
    before: Vec<(&'static str, FieldValue)>,
    after: Vec<(&'static str, FieldValue)>,
    changes: &mut Vec<Change>,
) {
    for ((key, old), (_, new)) in before.into_iter().zip(after) {
        if old == new {
            continue;
        }

        match (old, new) {
            (FieldValue::Links(linked_collection, old_ids), FieldValue::Links(_, new_ids)) => {
                let link = |linked: &EntityId, added: bool| Change::Link {
                    collection,
                    id: id.clone(),
                    key,
                    linked_collection,
                    linked: linked.clone(),
                    added,
                };
                for linked in old_ids.iter().filter(|linked| !new_ids.contains(linked)) {
                    changes.push(link(linked, false));
                }
                for linked in new_ids.iter().filter(|linked| !old_ids.contains(linked)) {
                    changes.push(link(linked, true));
                }
            }
            (
                FieldValue::Labels(linked_collection, old_labels),
                FieldValue::Labels(_, new_labels),
            ) => {
                diff_labels(
                    collection,
                    id,
                    key,
                    linked_collection,
                    &old_labels,
                    &new_labels,
                    changes,
                );
            }
            (old, new) => changes.push(Change::Field {
                target: Target::Entity {
                    collection,
                    id: id.clone(),
                },
                key,
                before: old,
                after: new,
            }),
        }
    }
}

fn diff_labels(
    collection: Collection,
    id: &EntityId,
    key: &'static str,
    linked_collection: Collection,
    before: &[(EntityId, String)],
    after: &[(EntityId, String)],
    changes: &mut Vec<Change>,
) {
    let label_in = |labels: &[(EntityId, String)], linked: &EntityId| {
        labels
            .iter()
            .find(|(labelled, _)| labelled == linked)
            .map(|(_, label)| label.clone())
    };

    let before_ids = before.iter().map(|(linked, _)| linked);
    let new_ids = after
        .iter()
        .map(|(linked, _)| linked)
        .filter(|linked| label_in(before, linked).is_none());

    for linked in before_ids.chain(new_ids) {
        let old = label_in(before, linked);
        let new = label_in(after, linked);
        if old != new {
            changes.push(Change::Label {
                collection,
                id: id.clone(),
                key,
                linked_collection,
                linked: linked.clone(),
                before: old,
                after: new,
            });
        }
    }
}

/// Lists a move for each entity present in both orders that is outside a
/// longest run of entities that kept their relative order.
fn diff_order(
    collection: Collection,
    before: &[&EntityId],
    after: &[&EntityId],
    changes: &mut Vec<Change>,
) {
    let in_before: HashSet<&EntityId> = before.iter().copied().collect();
    let in_after: HashSet<&EntityId> = after.iter().copied().collect();
    let kept_before: Vec<&EntityId> = before
        .iter()
        .copied()
        .filter(|id| in_after.contains(id))
        .collect();
    let kept_after: Vec<&EntityId> = after
        .iter()
        .copied()
        .filter(|id| in_before.contains(id))
        .collect();
    if kept_before == kept_after {
        return;
    }

    let unmoved = longest_ordered_run(&kept_before, &kept_after);
    let after_index = index_by_id(after);

    for (index, id) in before.iter().enumerate() {
        let Some(&new_index) = after_index.get(id) else {
            continue;
        };
        if unmoved.contains(id) {
            continue;
        }

        changes.push(Change::Moved {
            collection,
            id: (*id).clone(),
            before: Place::of(before, index),
            after: Place::of(after, new_index),
        });
    }
}

/// Returns the ids of a longest common subsequence of two orders of the
/// same ids.
///
/// Because each id appears once in both orders, this is the longest increasing
/// subsequence of the `before` indexes read in `after` order, found by
/// patience sorting in O(n log n).
fn longest_ordered_run<'a>(
    before: &[&'a EntityId],
    after: &[&'a EntityId],
) -> HashSet<&'a EntityId> {
    let before_index = index_by_id(before);
    let ranks: Vec<usize> = after
        .iter()
        .filter_map(|id| before_index.get(id).copied())
        .collect();

    // `tails[length - 1]` is the index in `ranks` of the smallest last rank
    // of an increasing run of that length. `previous` links each index to
    // the one before it in its run.
    let mut tails: Vec<usize> = Vec::new();
    let mut previous: Vec<Option<usize>> = vec![None; ranks.len()];
    for (index, rank) in ranks.iter().enumerate() {
        let length = tails.partition_point(|tail| ranks[*tail] < *rank);
        previous[index] = length.checked_sub(1).map(|shorter| tails[shorter]);
        if length == tails.len() {
            tails.push(index);
        } else {
            tails[length] = index;
        }
    }

    let mut run = HashSet::new();
    let mut next = tails.last().copied();
    while let Some(index) = next {
        run.insert(before[ranks[index]]);
        next = previous[index];
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(count: usize) -> Vec<EntityId> {
        (0..count)
            .map(|index| format!("cause-{index}").parse().unwrap())
            .collect()
    }

    #[test]
    fn moving_first_to_last_moves_only_that_one() {
        let all = ids(4);
        let before: Vec<&EntityId> = all.iter().collect();
        let after = vec![&all[1], &all[2], &all[3], &all[0]];

        let run = longest_ordered_run(&before, &after);

        assert_eq!(run, HashSet::from([&all[1], &all[2], &all[3]]));
    }

    #[test]
    fn unchanged_order_keeps_every_id() {
        let all = ids(3);
        let order: Vec<&EntityId> = all.iter().collect();

        let run = longest_ordered_run(&order, &order);

        assert_eq!(run.len(), 3);
    }

    #[test]
    fn swapping_two_neighbours_moves_one() {
        let all = ids(2);
        let before = vec![&all[0], &all[1]];
        let after = vec![&all[1], &all[0]];

        let run = longest_ordered_run(&before, &after);

        assert_eq!(run.len(), 1);
    }
}
