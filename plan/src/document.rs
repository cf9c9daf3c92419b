//! [`PlanDocument`]: one plan as one Automerge document, with typed reads
//! and edits.
//!
//! The frontend and the server both hold a `PlanDocument`. The sync layer
//! exchanges changes through [`PlanDocument::automerge_mut`]; everything
//! else reads a [`Plan`] snapshot and edits through the typed methods here.
//! No code outside this crate reads or writes document paths by name.
//!
//! # Storage layout
//!
//! The root map holds:
//!
//! - `schema_version`: the unsigned integer 1; its presence marks an
//!   initialized document.
//! - `title` and `team`: `Text`. `district`, `school`, `school_year`,
//!   `focus_area` and `status`: strings.
//! - `participating_schools`: a list of strings.
//! - One map per collection (`root_causes`, `goals`, `actions`, `resources`,
//!   `milestones`, `measurements`, `check_ins`), keyed by entity id.
//!
//! Each entity is a map with a `position` string (a fractional key, see
//! [`crate::position`]) and its fields. Free-text fields are `Text`
//! objects, dates are `YYYY-MM-DD` strings, amounts and hours are decimal
//! strings, numbers are F64, enums are their snake_case names, and links
//! are maps from the linked id to `true`.
//!
//! # Edits
//!
//! Every edit method runs one Automerge transaction, so it is one change.
//! Updates write only the fields that differ from the document (see
//! [`fields`]), so concurrent edits to different fields of one entity both
//! survive a merge, as do two people typing in one text field.

pub(crate) mod entities;
pub(crate) mod fields;
pub(crate) mod restore;

use std::fmt;

use automerge::transaction::{Transactable, Transaction};
use automerge::{
    ActorId, Automerge, ChangeHash, ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT,
};

use crate::error::PlanError;
use crate::ids::EntityId;
use crate::model::{
    Action, CheckIn, Goal, Measurement, Milestone, Plan, PlanStatus, Resource, RootCause,
    DEFAULT_CURRENCY,
};
use crate::position::{key_between, spread_keys};
use entities::{Entity, ACTION_IDS, ACTION_REVIEWS, GOAL_ID, GOAL_IDS, ROOT_CAUSE_IDS};
use fields::{create_field, unlink, write_field, FieldReader, FieldValue};

const SCHEMA_VERSION_KEY: &str = "schema_version";
const SCHEMA_VERSION: u64 = 1;
const POSITION_KEY: &str = "position";
const PARTICIPATING_SCHOOLS_KEY: &str = "participating_schools";

/// The entity collections of a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Collection {
    RootCauses,
    Goals,
    Actions,
    Resources,
    Milestones,
    Measurements,
    CheckIns,
}

impl Collection {
    /// Every collection, in the order of the [`Plan`] fields.
    pub const ALL: [Collection; 7] = [
        Collection::RootCauses,
        Collection::Goals,
        Collection::Actions,
        Collection::Resources,
        Collection::Milestones,
        Collection::Measurements,
        Collection::CheckIns,
    ];

    fn key(self) -> &'static str {
        match self {
            Collection::RootCauses => "root_causes",
            Collection::Goals => "goals",
            Collection::Actions => "actions",
            Collection::Resources => "resources",
            Collection::Milestones => "milestones",
            Collection::Measurements => "measurements",
            Collection::CheckIns => "check_ins",
        }
    }

    /// Returns the name of one entity of this collection, for messages.
    pub fn singular(self) -> &'static str {
        match self {
            Collection::RootCauses => "root cause",
            Collection::Goals => "goal",
            Collection::Actions => "action",
            Collection::Resources => "resource",
            Collection::Milestones => "milestone",
            Collection::Measurements => "measurement",
            Collection::CheckIns => "check-in",
        }
    }
}

impl fmt::Display for Collection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The effect of removing an entity on the entities that refer to it.
enum Dependent {
    /// Remove the id from this link set of every entity in the collection.
    Unlink(Collection, &'static str),
    /// Remove every entity of the collection whose reference is the id.
    Delete(Collection, &'static str),
}

fn dependents(collection: Collection) -> &'static [Dependent] {
    match collection {
        Collection::RootCauses => &[Dependent::Unlink(Collection::Goals, ROOT_CAUSE_IDS)],
        Collection::Goals => &[
            Dependent::Unlink(Collection::Actions, GOAL_IDS),
            Dependent::Delete(Collection::Measurements, GOAL_ID),
        ],
        Collection::Actions => &[
            Dependent::Unlink(Collection::Resources, ACTION_IDS),
            Dependent::Unlink(Collection::Milestones, ACTION_IDS),
            Dependent::Unlink(Collection::CheckIns, ACTION_REVIEWS),
        ],
        Collection::Resources
        | Collection::Milestones
        | Collection::Measurements
        | Collection::CheckIns => &[],
    }
}

/// One plan, stored as one Automerge document.
#[derive(Clone, Debug)]
pub struct PlanDocument {
    doc: Automerge,
}

impl Default for PlanDocument {
    fn default() -> Self {
        Self::empty()
    }
}

impl PlanDocument {
    /// Creates a new plan with its schema: the collection maps and the
    /// plan's text fields.
    ///
    /// Only the replica that starts a plan calls this. Two replicas that each
    /// created the schema would hold rival root objects, and a merge would
    /// keep only one of each.
    pub fn create() -> Self {
        let mut doc = Automerge::new();
        let created = doc.transact(create_schema);

        // NOTE: the schema writes go to the root map of a new, empty
        // document and to objects made in the same transaction, so Automerge
        // has no reason to reject them.
        if let Err(failure) = created {
            unreachable!(
                "creating the schema of a new document failed: {}",
                failure.error
            );
        }
        Self { doc }
    }

    /// Creates a replica with no schema, which waits for its first sync.
    pub fn empty() -> Self {
        Self {
            doc: Automerge::new(),
        }
    }

    /// Creates a new plan that contains everything in `plan`, in one change.
    ///
    /// Entities keep their ids and their order. Links must point to
    /// entities in `plan`, as for the insert methods.
    pub fn from_plan(plan: &Plan) -> Result<Self, PlanError> {
        let mut document = Self::create();

        document.edit(|tx| {
            write_plan_fields(tx, plan)?;
            insert_all(tx, &plan.root_causes)?;
            insert_all(tx, &plan.goals)?;
            insert_all(tx, &plan.actions)?;
            insert_all(tx, &plan.resources)?;
            insert_all(tx, &plan.milestones)?;
            insert_all(tx, &plan.measurements)?;
            insert_all(tx, &plan.check_ins)
        })?;

        Ok(document)
    }

    /// Loads a document from the bytes of [`PlanDocument::save`] or of the
    /// sync layer's storage.
    pub fn load(bytes: &[u8]) -> Result<Self, PlanError> {
        let doc = Automerge::load(bytes).map_err(|error| PlanError::Load(Box::new(error)))?;
        Ok(Self { doc })
    }

    /// Saves the whole document, history included, in Automerge's compact
    /// format.
    pub fn save(&self) -> Vec<u8> {
        self.doc.save()
    }

    pub fn from_automerge(doc: Automerge) -> Self {
        Self { doc }
    }

    pub fn automerge(&self) -> &Automerge {
        &self.doc
    }

    /// Returns the document for the sync protocol. Changes applied through it
    /// show up in the next [`PlanDocument::snapshot`].
    pub fn automerge_mut(&mut self) -> &mut Automerge {
        &mut self.doc
    }

    pub fn into_automerge(self) -> Automerge {
        self.doc
    }

    /// Sets the actor that later edits are recorded under.
    pub fn set_actor(&mut self, actor: ActorId) {
        self.doc.set_actor(actor);
    }

    pub fn heads(&self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// Copies the document under a new random actor, as another replica.
    pub fn fork(&self) -> Self {
        Self {
            doc: self.doc.fork(),
        }
    }

    /// Applies every change of `other` that this document lacks.
    pub fn merge(&mut self, other: &mut PlanDocument) -> Result<(), PlanError> {
        self.doc.merge(&mut other.doc)?;
        Ok(())
    }

    /// Returns whether the document contains a plan schema, from
    /// [`PlanDocument::create`] or from a sync with a replica that has one.
    pub fn is_initialized(&self) -> bool {
        matches!(self.doc.get(ROOT, SCHEMA_VERSION_KEY), Ok(Some(_)))
    }

    /// Reads the whole plan.
    ///
    /// Missing or wrongly typed values read as their defaults, so an
    /// uninitialized document reads as an empty plan. Links to entities that
    /// no longer exist (a concurrent removal) are left out, and so are
    /// measurements whose goal or date is missing. Links are listed in the
    /// order of the linked collection.
    pub fn snapshot(&self) -> Plan {
        let doc = &self.doc;
        let root = FieldReader::new(doc, ROOT);

        let mut plan = Plan {
            title: root.text("title"),
            district: root.string("district").unwrap_or_default(),
            school: root.string("school").unwrap_or_default(),
            school_year: root.string("school_year").unwrap_or_default(),
            focus_area: root.string("focus_area").unwrap_or_default(),
            team: root.text("team"),
            participating_schools: read_string_list(doc, PARTICIPATING_SCHOOLS_KEY),
            status: root.parsed("status").unwrap_or_default(),
            currency: root
                .string("currency")
                .filter(|currency| !currency.is_empty())
                .unwrap_or_else(|| DEFAULT_CURRENCY.to_owned()),
            root_causes: read_collection(doc),
            goals: read_collection(doc),
            actions: read_collection(doc),
            resources: read_collection(doc),
            milestones: read_collection(doc),
            measurements: read_collection(doc),
            check_ins: read_collection(doc),
        };

        drop_dangling_links(&mut plan);
        plan
    }

    pub fn set_title(&mut self, title: &str) -> Result<(), PlanError> {
        self.set_root_field("title", FieldValue::Text(title.to_owned()))
    }

    /// Sets the ISO 4217 code, such as `USD`, of every amount in the plan.
    pub fn set_currency(&mut self, currency: &str) -> Result<(), PlanError> {
        self.set_root_field("currency", FieldValue::name(currency))
    }

    pub fn set_district(&mut self, district: &str) -> Result<(), PlanError> {
        self.set_root_field("district", FieldValue::name(district))
    }

    pub fn set_school(&mut self, school: &str) -> Result<(), PlanError> {
        self.set_root_field("school", FieldValue::name(school))
    }

    pub fn set_school_year(&mut self, school_year: &str) -> Result<(), PlanError> {
        self.set_root_field("school_year", FieldValue::name(school_year))
    }

    pub fn set_focus_area(&mut self, focus_area: &str) -> Result<(), PlanError> {
        self.set_root_field("focus_area", FieldValue::name(focus_area))
    }

    pub fn set_team(&mut self, team: &str) -> Result<(), PlanError> {
        self.set_root_field("team", FieldValue::Text(team.to_owned()))
    }

    pub fn set_status(&mut self, status: PlanStatus) -> Result<(), PlanError> {
        self.set_root_field("status", FieldValue::name(status.as_str()))
    }

    /// Replaces the list of participating schools, writing only the
    /// schools between the unchanged start and end of the list.
    pub fn set_participating_schools(&mut self, schools: &[String]) -> Result<(), PlanError> {
        self.edit(|tx| write_string_list(tx, PARTICIPATING_SCHOOLS_KEY, schools))
    }

    /// Inserts a root cause after `after`, or first when `after` is `None`.
    /// Returns its id, which is `root_cause.id`.
    pub fn insert_root_cause(
        &mut self,
        root_cause: &RootCause,
        after: Option<&EntityId>,
    ) -> Result<EntityId, PlanError> {
        self.insert(root_cause, after)
    }

    /// Writes the fields of the stored root cause that differ from `root_cause`.
    pub fn update_root_cause(&mut self, root_cause: &RootCause) -> Result<(), PlanError> {
        self.update(root_cause)
    }

    /// Inserts a goal after `after`, or first when `after` is `None`.
    pub fn insert_goal(
        &mut self,
        goal: &Goal,
        after: Option<&EntityId>,
    ) -> Result<EntityId, PlanError> {
        self.insert(goal, after)
    }

    /// Writes the fields of the stored goal that differ from `goal`.
    pub fn update_goal(&mut self, goal: &Goal) -> Result<(), PlanError> {
        self.update(goal)
    }

    /// Inserts an action after `after`, or first when `after` is `None`.
    pub fn insert_action(
        &mut self,
        action: &Action,
        after: Option<&EntityId>,
    ) -> Result<EntityId, PlanError> {
        self.insert(action, after)
    }

    /// Writes the fields of the stored action that differ from `action`.
    pub fn update_action(&mut self, action: &Action) -> Result<(), PlanError> {
        self.update(action)
    }

    /// Inserts a resource after `after`, or first when `after` is `None`.
    pub fn insert_resource(
        &mut self,
        resource: &Resource,
        after: Option<&EntityId>,
    ) -> Result<EntityId, PlanError> {
        self.insert(resource, after)
    }

    /// Writes the fields of the stored resource that differ from `resource`.
    pub fn update_resource(&mut self, resource: &Resource) -> Result<(), PlanError> {
        self.update(resource)
    }

    /// Inserts a milestone after `after`, or first when `after` is `None`.
    pub fn insert_milestone(
        &mut self,
        milestone: &Milestone,
        after: Option<&EntityId>,
    ) -> Result<EntityId, PlanError> {
        self.insert(milestone, after)
    }

    /// Writes the fields of the stored milestone that differ from `milestone`.
    pub fn update_milestone(&mut self, milestone: &Milestone) -> Result<(), PlanError> {
        self.update(milestone)
    }

    /// Inserts a measurement after `after`, or first when `after` is `None`.
    pub fn insert_measurement(
        &mut self,
        measurement: &Measurement,
        after: Option<&EntityId>,
    ) -> Result<EntityId, PlanError> {
        self.insert(measurement, after)
    }

    /// Writes the fields of the stored measurement that differ from `measurement`.
    pub fn update_measurement(&mut self, measurement: &Measurement) -> Result<(), PlanError> {
        self.update(measurement)
    }

    /// Inserts a check-in after `after`, or first when `after` is `None`.
    pub fn insert_check_in(
        &mut self,
        check_in: &CheckIn,
        after: Option<&EntityId>,
    ) -> Result<EntityId, PlanError> {
        self.insert(check_in, after)
    }

    /// Writes the fields of the stored check-in that differ from `check_in`.
    pub fn update_check_in(&mut self, check_in: &CheckIn) -> Result<(), PlanError> {
        self.update(check_in)
    }

    /// Removes an entity and every reference to it, in one change.
    ///
    /// - Removing a root cause removes it from every goal's `root_cause_ids`.
    /// - Removing a goal removes it from every action's `goal_ids` and
    ///   removes the goal's measurements.
    /// - Removing an action removes it from the `action_ids` of every
    ///   resource and milestone and from the `action_reviews` of every
    ///   check-in.
    ///
    /// A peer that links to the entity at the same time can still leave a
    /// dangling link in the merged document; [`PlanDocument::snapshot`]
    /// leaves such links out.
    pub fn remove(&mut self, collection: Collection, id: &EntityId) -> Result<(), PlanError> {
        self.edit(|tx| remove_entity(tx, collection, id))
    }

    /// Moves an entity after `after`, or first when `after` is `None`, by
    /// writing a new position for that entity alone.
    pub fn move_to(
        &mut self,
        collection: Collection,
        id: &EntityId,
        after: Option<&EntityId>,
    ) -> Result<(), PlanError> {
        if after == Some(id) {
            return Ok(());
        }

        self.edit(|tx| {
            let entities = collection_obj(tx, collection)?;
            let moved = entity_obj(tx, &entities, collection, id)?;

            let order = ordered_entities(tx, &entities);
            let current_index = order.iter().position(|entry| &entry.id == id);
            let others: Vec<OrderedEntity> = order
                .iter()
                .filter(|entry| &entry.id != id)
                .cloned()
                .collect();
            let slot = slot_after(&others, collection, after)?;

            let already_there = match (current_index, slot) {
                (Some(index), slot) => index == slot,
                (None, _) => false,
            };
            if already_there {
                return Ok(());
            }

            let position = position_for_slot(&others, slot);
            tx.put(&moved, POSITION_KEY, position)?;
            Ok(())
        })
    }

    fn insert<E: Entity>(
        &mut self,
        value: &E,
        after: Option<&EntityId>,
    ) -> Result<EntityId, PlanError> {
        self.edit(|tx| insert_entity(tx, value, after))
    }

    fn update<E: Entity>(&mut self, value: &E) -> Result<(), PlanError> {
        self.edit(|tx| {
            let entities = collection_obj(tx, E::COLLECTION)?;
            let obj = entity_obj(tx, &entities, E::COLLECTION, value.id())?;
            let fields = value.fields();
            check_fields(tx, &fields)?;

            for (key, field) in &fields {
                write_field(tx, &obj, key, field)?;
            }
            Ok(())
        })
    }

    fn set_root_field(&mut self, key: &'static str, value: FieldValue) -> Result<(), PlanError> {
        self.edit(|tx| {
            write_field(tx, &ROOT, key, &value)?;
            Ok(())
        })
    }

    /// Runs `edit` as one transaction on an initialized document. An error
    /// rolls the whole transaction back.
    pub(crate) fn edit<T>(
        &mut self,
        edit: impl FnOnce(&mut Transaction<'_>) -> Result<T, PlanError>,
    ) -> Result<T, PlanError> {
        if !self.is_initialized() {
            return Err(PlanError::NotInitialized);
        }

        self.doc
            .transact(edit)
            .map(|success| success.result)
            .map_err(|failure| failure.error)
    }
}

fn create_schema(tx: &mut Transaction<'_>) -> Result<(), PlanError> {
    tx.put(ROOT, SCHEMA_VERSION_KEY, SCHEMA_VERSION)?;
    tx.put_object(ROOT, "title", ObjType::Text)?;
    tx.put_object(ROOT, "team", ObjType::Text)?;
    tx.put(ROOT, "status", PlanStatus::Draft.as_str())?;
    tx.put(ROOT, "currency", DEFAULT_CURRENCY)?;
    tx.put_object(ROOT, PARTICIPATING_SCHOOLS_KEY, ObjType::List)?;

    for collection in Collection::ALL {
        tx.put_object(ROOT, collection.key(), ObjType::Map)?;
    }
    Ok(())
}

/// Lists the plan's own fields with their keys in the root map, except the
/// participating schools, which are a list.
pub(crate) fn plan_fields(plan: &Plan) -> Vec<(&'static str, FieldValue)> {
    vec![
        ("title", FieldValue::Text(plan.title.clone())),
        ("district", FieldValue::name(&plan.district)),
        ("school", FieldValue::name(&plan.school)),
        ("school_year", FieldValue::name(&plan.school_year)),
        ("focus_area", FieldValue::name(&plan.focus_area)),
        ("team", FieldValue::Text(plan.team.clone())),
        ("status", FieldValue::name(plan.status.as_str())),
        ("currency", FieldValue::name(&plan.currency)),
    ]
}

fn write_plan_fields(tx: &mut Transaction<'_>, plan: &Plan) -> Result<(), PlanError> {
    for (key, value) in &plan_fields(plan) {
        write_field(tx, &ROOT, key, value)?;
    }

    write_string_list(tx, PARTICIPATING_SCHOOLS_KEY, &plan.participating_schools)
}

fn insert_all<E: Entity>(tx: &mut Transaction<'_>, values: &[E]) -> Result<(), PlanError> {
    let entities = collection_obj(tx, E::COLLECTION)?;
    if tx.length(&entities) > 0 {
        let mut previous: Option<EntityId> = None;
        for value in values {
            previous = Some(insert_entity(tx, value, previous.as_ref())?);
        }
        return Ok(());
    }

    // An empty collection takes evenly spread positions, without reading
    // back the order after each insert.
    for (value, position) in values.iter().zip(spread_keys(values.len())) {
        write_new_entity(tx, &entities, value, position)?;
    }
    Ok(())
}

fn insert_entity<E: Entity>(
    tx: &mut Transaction<'_>,
    value: &E,
    after: Option<&EntityId>,
) -> Result<EntityId, PlanError> {
    let entities = collection_obj(tx, E::COLLECTION)?;
    let order = ordered_entities(tx, &entities);
    let slot = slot_after(&order, E::COLLECTION, after)?;
    let position = position_for_slot(&order, slot);

    write_new_entity(tx, &entities, value, position)
}

/// Writes a new entity with its fields at `position`, after checking that
/// its id is new and its links and numbers are valid.
fn write_new_entity<E: Entity>(
    tx: &mut Transaction<'_>,
    entities: &ObjId,
    value: &E,
    position: String,
) -> Result<EntityId, PlanError> {
    let id = value.id();
    write_entity_map(tx, entities, E::COLLECTION, id, &value.fields(), position)?;
    Ok(id.clone())
}

/// Writes a new entity map from its fields at `position`, after checking
/// that its id is new and its links and numbers are valid.
fn write_entity_map(
    tx: &mut Transaction<'_>,
    entities: &ObjId,
    collection: Collection,
    id: &EntityId,
    fields: &[(&'static str, FieldValue)],
    position: String,
) -> Result<(), PlanError> {
    if entity_exists(tx, entities, id) {
        return Err(PlanError::DuplicateId {
            collection,
            id: id.clone(),
        });
    }

    check_fields(tx, fields)?;

    let obj = tx.put_object(entities, id.as_str(), ObjType::Map)?;
    tx.put(&obj, POSITION_KEY, position)?;
    for (key, field) in fields {
        create_field(tx, &obj, key, field)?;
    }
    Ok(())
}

/// Rejects numbers that are not finite and links to entities that do not
/// exist, before anything is written.
fn check_fields<D: ReadDoc>(
    doc: &D,
    fields: &[(&'static str, FieldValue)],
) -> Result<(), PlanError> {
    for (key, field) in fields {
        match field {
            FieldValue::F64(Some(value)) if !value.is_finite() => {
                return Err(PlanError::NotFinite {
                    field: key,
                    value: *value,
                });
            }
            FieldValue::Ref(collection, id) => require_entity(doc, *collection, id)?,
            FieldValue::Links(collection, ids) => {
                for id in ids {
                    require_entity(doc, *collection, id)?;
                }
            }
            FieldValue::Labels(collection, labels) => {
                for (id, _) in labels {
                    require_entity(doc, *collection, id)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn require_entity<D: ReadDoc>(
    doc: &D,
    collection: Collection,
    id: &EntityId,
) -> Result<(), PlanError> {
    let entities = collection_obj(doc, collection)?;
    entity_obj(doc, &entities, collection, id).map(|_| ())
}

fn collection_obj<D: ReadDoc>(doc: &D, collection: Collection) -> Result<ObjId, PlanError> {
    match doc.get(ROOT, collection.key())? {
        Some((Value::Object(ObjType::Map), obj)) => Ok(obj),
        _ => Err(PlanError::NotInitialized),
    }
}

fn entity_exists<D: ReadDoc>(doc: &D, entities: &ObjId, id: &EntityId) -> bool {
    matches!(doc.get(entities, id.as_str()), Ok(Some(_)))
}

fn entity_obj<D: ReadDoc>(
    doc: &D,
    entities: &ObjId,
    collection: Collection,
    id: &EntityId,
) -> Result<ObjId, PlanError> {
    match doc.get(entities, id.as_str())? {
        Some((Value::Object(ObjType::Map), obj)) => Ok(obj),
        _ => Err(PlanError::NotFound {
            collection,
            id: id.clone(),
        }),
    }
}

/// An entity's place in its collection.
#[derive(Clone, Debug)]
struct OrderedEntity {
    position: String,
    id: EntityId,
    obj: ObjId,
}

/// Lists the entities of a collection in plan order: by position, then by
/// id, so every replica agrees even when two positions are equal. Keys that
/// are not valid ids and values that are not maps are skipped.
fn ordered_entities<D: ReadDoc>(doc: &D, entities: &ObjId) -> Vec<OrderedEntity> {
    let mut order: Vec<OrderedEntity> = doc
        .keys(entities)
        .filter_map(|key| {
            let id: EntityId = key.parse().ok()?;
            let obj = match doc.get(entities, key.as_str()).ok()?? {
                (Value::Object(ObjType::Map), obj) => obj,
                _ => return None,
            };
            let position = FieldReader::new(doc, obj.clone())
                .string(POSITION_KEY)
                .unwrap_or_default();
            Some(OrderedEntity { position, id, obj })
        })
        .collect();

    order.sort_by(|a, b| a.position.cmp(&b.position).then_with(|| a.id.cmp(&b.id)));
    order
}

/// Returns the index in `order` at which an entity placed after `after`
/// goes: 0 for `None`.
fn slot_after(
    order: &[OrderedEntity],
    collection: Collection,
    after: Option<&EntityId>,
) -> Result<usize, PlanError> {
    let Some(after) = after else {
        return Ok(0);
    };

    match order.iter().position(|entry| &entry.id == after) {
        Some(index) => Ok(index + 1),
        None => Err(PlanError::NotFound {
            collection,
            id: after.clone(),
        }),
    }
}

fn position_for_slot(order: &[OrderedEntity], slot: usize) -> String {
    let before = slot
        .checked_sub(1)
        .and_then(|index| order.get(index))
        .map(|entry| entry.position.as_str());
    let after = order.get(slot).map(|entry| entry.position.as_str());
    key_between(before, after)
}

fn read_collection<E: Entity>(doc: &Automerge) -> Vec<E> {
    let Ok(entities) = collection_obj(doc, E::COLLECTION) else {
        return Vec::new();
    };

    ordered_entities(doc, &entities)
        .into_iter()
        .filter_map(|entry| E::read(entry.id, &FieldReader::new(doc, entry.obj)))
        .collect()
}

/// Removes an entity and every reference to it: see [`PlanDocument::remove`].
fn remove_entity(
    tx: &mut Transaction<'_>,
    collection: Collection,
    id: &EntityId,
) -> Result<(), PlanError> {
    let entities = collection_obj(tx, collection)?;
    entity_obj(tx, &entities, collection, id)?;

    tx.delete(&entities, id.as_str())?;

    for dependent in dependents(collection) {
        remove_references(tx, dependent, id)?;
    }
    Ok(())
}

fn remove_references(
    tx: &mut Transaction<'_>,
    dependent: &Dependent,
    removed: &EntityId,
) -> Result<(), PlanError> {
    match dependent {
        Dependent::Unlink(collection, key) => {
            let entities = collection_obj(tx, *collection)?;
            for entry in ordered_entities(tx, &entities) {
                unlink(tx, &entry.obj, key, removed)?;
            }
        }
        Dependent::Delete(collection, key) => {
            let entities = collection_obj(tx, *collection)?;
            for entry in ordered_entities(tx, &entities) {
                let reference: Option<EntityId> =
                    FieldReader::new(tx, entry.obj.clone()).parsed(key);
                if reference.as_ref() == Some(removed) {
                    tx.delete(&entities, entry.id.as_str())?;
                }
            }
        }
    }
    Ok(())
}

/// Drops links to entities that are not in the plan, and measurements of
/// missing goals, and orders each link list like the linked collection.
fn drop_dangling_links(plan: &mut Plan) {
    let root_cause_order: Vec<EntityId> = plan
        .root_causes
        .iter()
        .map(|item| item.id.clone())
        .collect();
    let goal_order: Vec<EntityId> = plan.goals.iter().map(|item| item.id.clone()).collect();
    let action_order: Vec<EntityId> = plan.actions.iter().map(|item| item.id.clone()).collect();

    for goal in &mut plan.goals {
        keep_known_links(&mut goal.root_cause_ids, &root_cause_order);
    }
    for action in &mut plan.actions {
        keep_known_links(&mut action.goal_ids, &goal_order);
    }
    for resource in &mut plan.resources {
        keep_known_links(&mut resource.action_ids, &action_order);
    }
    for milestone in &mut plan.milestones {
        keep_known_links(&mut milestone.action_ids, &action_order);
    }
    for check_in in &mut plan.check_ins {
        check_in
            .action_reviews
            .retain(|review| action_order.contains(&review.action_id));
        check_in
            .action_reviews
            .sort_by_key(|review| action_order.iter().position(|id| id == &review.action_id));
    }
    plan.measurements
        .retain(|measurement| goal_order.contains(&measurement.goal_id));
}

fn keep_known_links(links: &mut Vec<EntityId>, order: &[EntityId]) {
    let mut known: Vec<(usize, EntityId)> = links
        .drain(..)
        .filter_map(|id| {
            order
                .iter()
                .position(|other| other == &id)
                .map(|index| (index, id))
        })
        .collect();
    known.sort_by_key(|(index, _)| *index);
    links.extend(known.into_iter().map(|(_, id)| id));
}

fn read_string_list(doc: &Automerge, key: &str) -> Vec<String> {
    let Ok(Some((Value::Object(ObjType::List), list))) = doc.get(ROOT, key) else {
        return Vec::new();
    };

    doc.values(&list)
        .filter_map(|(value, _)| match value {
            Value::Scalar(scalar) => match scalar.as_ref() {
                ScalarValue::Str(text) => Some(text.to_string()),
                _ => None,
            },
            Value::Object(_) => None,
        })
        .collect()
}

/// Replaces a list of strings under the root, keeping the unchanged start
/// and end of the list so that a concurrent edit elsewhere in it survives.
fn write_string_list(
    tx: &mut Transaction<'_>,
    key: &str,
    items: &[String],
) -> Result<(), PlanError> {
    let list = match tx.get(ROOT, key)? {
        Some((Value::Object(ObjType::List), list)) => list,
        _ => tx.put_object(ROOT, key, ObjType::List)?,
    };

    let current: Vec<Option<String>> = tx
        .values(&list)
        .map(|(value, _)| match value {
            Value::Scalar(scalar) => match scalar.as_ref() {
                ScalarValue::Str(text) => Some(text.to_string()),
                _ => None,
            },
            Value::Object(_) => None,
        })
        .collect();

    let matches =
        |stored: &Option<String>, wanted: &String| stored.as_deref() == Some(wanted.as_str());
    let prefix = current
        .iter()
        .zip(items)
        .take_while(|(stored, wanted)| matches(stored, wanted))
        .count();
    let suffix = current[prefix..]
        .iter()
        .rev()
        .zip(items[prefix..].iter().rev())
        .take_while(|(stored, wanted)| matches(stored, wanted))
        .count();

    for _ in prefix..current.len() - suffix {
        tx.delete(&list, prefix)?;
    }
    for (offset, item) in items[prefix..items.len() - suffix].iter().enumerate() {
        tx.insert(&list, prefix + offset, item.as_str())?;
    }
    Ok(())
}
