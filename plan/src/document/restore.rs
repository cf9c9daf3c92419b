//! Edits inside an open transaction, for undo and redo.
//!
//! The [`PlanDocument`](super::PlanDocument) edit methods each run their own
//! transaction. Undo and redo write many fields, entities and links as one
//! change, so [`crate::history`] opens one transaction with
//! [`PlanDocument::edit`](super::PlanDocument::edit) and calls these
//! functions inside it. Each one writes only what differs, like the edit
//! methods, and returns [`PlanError::NotFound`] for an entity that is not in
//! the document.

use automerge::transaction::{Transactable, Transaction};
use automerge::{ObjId, ScalarValue, ROOT};

use super::fields::{put_entry, unlink, write_field, FieldValue};
use super::{
    collection_obj, entity_exists, entity_obj, ordered_entities, position_for_slot,
    write_entity_map, write_string_list, Collection, OrderedEntity, PARTICIPATING_SCHOOLS_KEY,
    POSITION_KEY,
};
use crate::error::PlanError;
use crate::ids::EntityId;

/// The place of an entity in its collection: its neighbours in plan order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Place {
    /// The entity just before it, or `None` when it comes first.
    pub(crate) preceding: Option<EntityId>,
    /// The entity just after it, or `None` when it comes last.
    pub(crate) following: Option<EntityId>,
}

impl Place {
    /// Returns the place of `order[index]`.
    pub(crate) fn of(order: &[&EntityId], index: usize) -> Self {
        let preceding = index
            .checked_sub(1)
            .and_then(|before| order.get(before))
            .map(|id| (*id).clone());
        let following = order.get(index + 1).map(|id| (*id).clone());
        Self {
            preceding,
            following,
        }
    }
}

/// Returns whether the collection contains an entity with this id.
pub(crate) fn contains_entity(
    tx: &Transaction<'_>,
    collection: Collection,
    id: &EntityId,
) -> Result<bool, PlanError> {
    let entities = collection_obj(tx, collection)?;
    Ok(entity_exists(tx, &entities, id))
}

/// Writes one of the plan's own fields, by its key in the root map.
pub(crate) fn write_plan_field(
    tx: &mut Transaction<'_>,
    key: &str,
    value: &FieldValue,
) -> Result<(), PlanError> {
    write_field(tx, &ROOT, key, value)?;
    Ok(())
}

/// Replaces the participating schools, keeping the unchanged start and end
/// of the list.
pub(crate) fn write_participating_schools(
    tx: &mut Transaction<'_>,
    schools: &[String],
) -> Result<(), PlanError> {
    write_string_list(tx, PARTICIPATING_SCHOOLS_KEY, schools)
}

/// Writes one field of an entity.
pub(crate) fn write_entity_field(
    tx: &mut Transaction<'_>,
    collection: Collection,
    id: &EntityId,
    key: &str,
    value: &FieldValue,
) -> Result<(), PlanError> {
    let obj = find_entity(tx, collection, id)?;
    write_field(tx, &obj, key, value)?;
    Ok(())
}

/// Puts one entry into a link set or label map of an entity: `true` for a
/// link, the label for a label map.
pub(crate) fn put_link_entry(
    tx: &mut Transaction<'_>,
    collection: Collection,
    id: &EntityId,
    key: &str,
    linked: &EntityId,
    value: ScalarValue,
) -> Result<(), PlanError> {
    let obj = find_entity(tx, collection, id)?;
    put_entry(tx, &obj, key, linked, value)?;
    Ok(())
}

/// Removes one entry from a link set or label map of an entity, if it is
/// there.
pub(crate) fn remove_link_entry(
    tx: &mut Transaction<'_>,
    collection: Collection,
    id: &EntityId,
    key: &str,
    linked: &EntityId,
) -> Result<(), PlanError> {
    let obj = find_entity(tx, collection, id)?;
    unlink(tx, &obj, key, linked)?;
    Ok(())
}

/// Removes an entity and every reference to it, as
/// [`PlanDocument::remove`](super::PlanDocument::remove) does.
pub(crate) fn remove_entity(
    tx: &mut Transaction<'_>,
    collection: Collection,
    id: &EntityId,
) -> Result<(), PlanError> {
    super::remove_entity(tx, collection, id)
}

/// Inserts an entity with the given id and fields at `place` (see
/// [`slot_for_place`]). Every link must point to an existing entity, as for
/// the insert methods.
pub(crate) fn insert_entity_at(
    tx: &mut Transaction<'_>,
    collection: Collection,
    id: &EntityId,
    fields: &[(&'static str, FieldValue)],
    place: &Place,
) -> Result<(), PlanError> {
    let entities = collection_obj(tx, collection)?;
    let order = ordered_entities(tx, &entities);
    let slot = slot_for_place(&order, place);
    let position = position_for_slot(&order, slot);

    write_entity_map(tx, &entities, collection, id, fields, position)
}

/// Moves an entity to `place` (see [`slot_for_place`]) by writing a new
/// position for it alone. Writes nothing when it is there already.
pub(crate) fn move_entity_to(
    tx: &mut Transaction<'_>,
    collection: Collection,
    id: &EntityId,
    place: &Place,
) -> Result<(), PlanError> {
    let entities = collection_obj(tx, collection)?;
    let moved = entity_obj(tx, &entities, collection, id)?;

    let order = ordered_entities(tx, &entities);
    let current_index = order.iter().position(|entry| &entry.id == id);
    let others: Vec<OrderedEntity> = order.into_iter().filter(|entry| &entry.id != id).collect();
    let slot = slot_for_place(&others, place);
    if current_index == Some(slot) {
        return Ok(());
    }

    let position = position_for_slot(&others, slot);
    tx.put(&moved, POSITION_KEY, position)?;
    Ok(())
}

/// Returns the index in `order`, which does not contain the entity, that
/// matches `place` best. That is right after the preceding neighbour, or
/// right before the following one when the preceding one is gone, or the
/// end when both are gone. An entity that came first goes first again.
fn slot_for_place(order: &[OrderedEntity], place: &Place) -> usize {
    let index_of = |id: &EntityId| order.iter().position(|entry| &entry.id == id);

    let Some(preceding) = &place.preceding else {
        return 0;
    };
    if let Some(index) = index_of(preceding) {
        return index + 1;
    }

    place
        .following
        .as_ref()
        .and_then(index_of)
        .unwrap_or(order.len())
}

fn find_entity(
    tx: &Transaction<'_>,
    collection: Collection,
    id: &EntityId,
) -> Result<ObjId, PlanError> {
    let entities = collection_obj(tx, collection)?;
    entity_obj(tx, &entities, collection, id)
}
