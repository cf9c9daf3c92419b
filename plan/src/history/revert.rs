//! Reverting one step of differences on a document, as one Automerge change.
//!
//! 1. Each part of the step is checked against a snapshot of the document
//!    as it is now. A part is due when the document still contains its
//!    `after` side, done when it already contains the `before` side, and
//!    skipped when another edit changed or removed what it touches.
//! 2. The due parts are written in one transaction, in an order that keeps
//!    links valid: plan fields; removed entities put back, linked
//!    collections first; entity fields and link entries; inserted entities
//!    removed, linking collections first; moves last, when every neighbour
//!    is in place.
//! 3. The differences between the snapshots before and after the
//!    transaction are the step that reverts this one.

use automerge::transaction::Transaction;
use automerge::ScalarValue;

use super::diff::{diff_plans, entities_of, Change, StoredEntity};
use super::{Skipped, StepReport, Target};
use crate::document::fields::FieldValue;
use crate::document::plan_fields;
use crate::document::restore::{
    contains_entity, insert_entity_at, move_entity_to, put_link_entry, remove_entity,
    remove_link_entry, write_entity_field, write_participating_schools, write_plan_field, Place,
};
use crate::document::{Collection, PlanDocument};
use crate::error::PlanError;
use crate::ids::EntityId;
use crate::model::Plan;

/// The outcome of reverting a step.
pub(crate) struct Reverted {
    pub(crate) report: StepReport,
    /// The differences that the revert made, which revert it in turn.
    pub(crate) inverse: Vec<Change>,
}

/// Reverts the parts of `changes` whose `after` side the document still
/// contains, as one change. On an error nothing is written.
pub(crate) fn revert(
    document: &mut PlanDocument,
    changes: &[Change],
) -> Result<Reverted, PlanError> {
    let current = document.snapshot();
    let mut skipped = SkipList::default();

    let mut due = Vec::new();
    for change in changes {
        match check(&current, change) {
            Check::Due => due.push(change),
            Check::Done => {}
            Check::Skip(skip) => skipped.push(skip),
        }
    }

    document.edit(|tx| write_due(tx, &due, &mut skipped))?;

    let inverse = diff_plans(&current, &document.snapshot());
    let report = StepReport {
        changed: !inverse.is_empty(),
        skipped: skipped.0,
    };
    Ok(Reverted { report, inverse })
}

/// Whether one part of a step still needs reverting.
enum Check {
    /// The document contains the `after` side, so the part is reverted.
    Due,
    /// The document contains the `before` side already.
    Done,
    /// Another edit changed or removed what the part touches.
    Skip(Skipped),
}

/// The skipped parts of a step, each listed once.
#[derive(Default)]
struct SkipList(Vec<Skipped>);

impl SkipList {
    fn push(&mut self, skip: Skipped) {
        if !self.0.contains(&skip) {
            self.0.push(skip);
        }
    }

    fn removed(&mut self, collection: Collection, id: &EntityId) {
        self.push(Skipped::RemovedSince {
            collection,
            id: id.clone(),
        });
    }
}

fn check(current: &Plan, change: &Change) -> Check {
    match change {
        Change::Field {
            target: Target::Plan,
            key,
            before,
            after,
        } => {
            let value = field_value(plan_fields(current), key);
            compare(value.as_ref(), Some(before), Some(after), || {
                Skipped::ChangedSince {
                    target: Target::Plan,
                    field: key,
                }
            })
        }

        Change::Field {
            target: target @ Target::Entity { collection, id },
            key,
            before,
            after,
        } => {
            let Some(fields) = entity_fields(current, *collection, id) else {
                return removed(*collection, id);
            };
            let value = field_value(fields, key);
            compare(value.as_ref(), Some(before), Some(after), || {
                Skipped::ChangedSince {
                    target: target.clone(),
                    field: key,
                }
            })
        }

        Change::Schools { before, after } => {
            compare(&current.participating_schools, before, after, || {
                Skipped::ChangedSince {
                    target: Target::Plan,
                    field: "participating_schools",
                }
            })
        }

        Change::Link {
            collection,
            id,
            key,
            linked,
            added,
            ..
        } => {
            let Some(fields) = entity_fields(current, *collection, id) else {
                return removed(*collection, id);
            };
            let is_linked = matches!(
                field_value(fields, key),
                Some(FieldValue::Links(_, ids)) if ids.contains(linked)
            );
            if is_linked == *added {
                Check::Due
            } else {
                Check::Done
            }
        }

        Change::Label {
            collection,
            id,
            key,
            linked,
            before,
            after,
            ..
        } => {
            let Some(fields) = entity_fields(current, *collection, id) else {
                return removed(*collection, id);
            };
            let label = match field_value(fields, key) {
                Some(FieldValue::Labels(_, labels)) => labels
                    .into_iter()
                    .find(|(labelled, _)| labelled == linked)
                    .map(|(_, label)| label),
                _ => None,
            };
            compare(&label, before, after, || Skipped::ChangedSince {
                target: Target::Entity {
                    collection: *collection,
                    id: id.clone(),
                },
                field: key,
            })
        }

        Change::Inserted(entity) => {
            if place_of(current, entity.collection, &entity.id).is_some() {
                Check::Due
            } else {
                Check::Done
            }
        }

        Change::Removed(entity) => {
            if place_of(current, entity.collection, &entity.id).is_some() {
                Check::Done
            } else {
                Check::Due
            }
        }

        Change::Moved {
            collection,
            id,
            before,
            after,
        } => {
            let Some(place) = place_of(current, *collection, id) else {
                return removed(*collection, id);
            };
            compare(
                &place.preceding,
                &before.preceding,
                &after.preceding,
                || Skipped::ChangedSince {
                    target: Target::Entity {
                        collection: *collection,
                        id: id.clone(),
                    },
                    field: "position",
                },
            )
        }
    }
}

fn compare<T: PartialEq>(
    current: T,
    before: T,
    after: T,
    changed_since: impl FnOnce() -> Skipped,
) -> Check {
    if current == after {
        Check::Due
    } else if current == before {
        Check::Done
    } else {
        Check::Skip(changed_since())
    }
}

fn removed(collection: Collection, id: &EntityId) -> Check {
    Check::Skip(Skipped::RemovedSince {
        collection,
        id: id.clone(),
    })
}

fn field_value(fields: Vec<(&'static str, FieldValue)>, key: &str) -> Option<FieldValue> {
    fields
        .into_iter()
        .find(|(field_key, _)| *field_key == key)
        .map(|(_, value)| value)
}

fn entity_fields(
    plan: &Plan,
    collection: Collection,
    id: &EntityId,
) -> Option<Vec<(&'static str, FieldValue)>> {
    entities_of(plan, collection)
        .into_iter()
        .find(|entity| entity.entity_id() == id)
        .map(|entity| entity.stored_fields())
}

fn place_of(plan: &Plan, collection: Collection, id: &EntityId) -> Option<Place> {
    let entities = entities_of(plan, collection);
    let order: Vec<&EntityId> = entities.iter().map(|entity| entity.entity_id()).collect();
    let index = order.iter().position(|entity_id| *entity_id == id)?;
    Some(Place::of(&order, index))
}

fn write_due(
    tx: &mut Transaction<'_>,
    due: &[&Change],
    skipped: &mut SkipList,
) -> Result<(), PlanError> {
    for change in due {
        match change {
            Change::Field {
                target: Target::Plan,
                key,
                before,
                ..
            } => write_plan_field(tx, key, before)?,
            Change::Schools { before, .. } => write_participating_schools(tx, before)?,
            _ => {}
        }
    }

    for collection in Collection::ALL {
        for change in due {
            if let Change::Removed(entity) = change {
                if entity.collection == collection {
                    put_back(tx, entity, skipped)?;
                }
            }
        }
    }

    for change in due {
        write_entity_change(tx, change, skipped)?;
    }

    for collection in Collection::ALL.into_iter().rev() {
        for change in due {
            if let Change::Inserted(entity) = change {
                let present = contains_entity(tx, entity.collection, &entity.id)?;
                if entity.collection == collection && present {
                    remove_entity(tx, entity.collection, &entity.id)?;
                }
            }
        }
    }

    for change in due {
        if let Change::Moved {
            collection,
            id,
            before,
            ..
        } = change
        {
            if contains_entity(tx, *collection, id)? {
                move_entity_to(tx, *collection, id, before)?;
            } else {
                skipped.removed(*collection, id);
            }
        }
    }
    Ok(())
}

/// Writes the `before` side of a change to an entity field, a link or a
/// label. Other changes are left to the other steps of [`write_due`].
fn write_entity_change(
    tx: &mut Transaction<'_>,
    change: &Change,
    skipped: &mut SkipList,
) -> Result<(), PlanError> {
    match change {
        Change::Field {
            target: Target::Entity { collection, id },
            key,
            before,
            ..
        } => {
            if !contains_entity(tx, *collection, id)? {
                skipped.removed(*collection, id);
                return Ok(());
            }
            if let FieldValue::Ref(referenced_collection, referenced) = before {
                if !contains_entity(tx, *referenced_collection, referenced)? {
                    skipped.removed(*referenced_collection, referenced);
                    return Ok(());
                }
            }
            write_entity_field(tx, *collection, id, key, before)
        }

        Change::Link {
            collection,
            id,
            key,
            linked_collection,
            linked,
            added,
        } => {
            if !contains_entity(tx, *collection, id)? {
                skipped.removed(*collection, id);
                return Ok(());
            }
            if *added {
                return remove_link_entry(tx, *collection, id, key, linked);
            }
            if !contains_entity(tx, *linked_collection, linked)? {
                skipped.removed(*linked_collection, linked);
                return Ok(());
            }
            put_link_entry(tx, *collection, id, key, linked, ScalarValue::Boolean(true))
        }

        Change::Label {
            collection,
            id,
            key,
            linked_collection,
            linked,
            before,
            ..
        } => {
            if !contains_entity(tx, *collection, id)? {
                skipped.removed(*collection, id);
                return Ok(());
            }
            let Some(label) = before else {
                return remove_link_entry(tx, *collection, id, key, linked);
            };
            if !contains_entity(tx, *linked_collection, linked)? {
                skipped.removed(*linked_collection, linked);
                return Ok(());
            }
            put_link_entry(tx, *collection, id, key, linked, label.as_str().into())
        }

        _ => Ok(()),
    }
}

/// Inserts a removed entity again with its id, fields and place. Links to
/// entities that are gone are left out. An entity whose reference is gone,
/// such as a measurement of a removed goal, stays removed.
fn put_back(
    tx: &mut Transaction<'_>,
    entity: &StoredEntity,
    skipped: &mut SkipList,
) -> Result<(), PlanError> {
    if contains_entity(tx, entity.collection, &entity.id)? {
        return Ok(());
    }

    let mut fields = Vec::with_capacity(entity.fields.len());
    for (key, value) in &entity.fields {
        let restored_value = match value {
            FieldValue::Ref(collection, id) => {
                if !contains_entity(tx, *collection, id)? {
                    skipped.removed(*collection, id);
                    return Ok(());
                }
                value.clone()
            }
            FieldValue::Links(collection, ids) => {
                let mut present = Vec::with_capacity(ids.len());
                for id in ids {
                    if contains_entity(tx, *collection, id)? {
                        present.push(id.clone());
                    } else {
                        skipped.removed(*collection, id);
                    }
                }
                FieldValue::Links(*collection, present)
            }
            FieldValue::Labels(collection, labels) => {
                let mut present = Vec::with_capacity(labels.len());
                for (id, label) in labels {
                    if contains_entity(tx, *collection, id)? {
                        present.push((id.clone(), label.clone()));
                    } else {
                        skipped.removed(*collection, id);
                    }
                }
                FieldValue::Labels(*collection, present)
            }
            _ => value.clone(),
        };
        fields.push((*key, restored_value));
    }

    insert_entity_at(tx, entity.collection, &entity.id, &fields, &entity.place)
}
