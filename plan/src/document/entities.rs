//! The mapping of each plan entity to the fields of its map in the document.
//!
//! Field keys are the snake_case names of the model fields. Every entity map
//! also stores its `position` (see [`crate::position`]); the id is the
//! entity's key in its collection map and is not stored again.

use automerge::ReadDoc;

use crate::document::fields::{FieldReader, FieldValue};
use crate::document::Collection;
use crate::ids::EntityId;
use crate::model::{
    Action, ActionKind, ActionReview, CheckIn, Goal, Measurement, Milestone, Resource, RootCause,
};

/// Key of the link set from goals to root causes.
pub(crate) const ROOT_CAUSE_IDS: &str = "root_cause_ids";
/// Key of the link set from actions to goals.
pub(crate) const GOAL_IDS: &str = "goal_ids";
/// Key of the link set from resources and milestones to actions.
pub(crate) const ACTION_IDS: &str = "action_ids";
/// Key of the map from a check-in's discussed actions to their status.
pub(crate) const ACTION_REVIEWS: &str = "action_reviews";
/// Key of a measurement's goal.
pub(crate) const GOAL_ID: &str = "goal_id";

/// A plan entity that is stored as one map in one collection.
pub(crate) trait Entity: Sized {
    const COLLECTION: Collection;

    fn id(&self) -> &EntityId;

    /// Lists every stored field of the entity, with its key.
    fn fields(&self) -> Vec<(&'static str, FieldValue)>;

    /// Reads an entity, defaulting missing or unreadable fields. Returns
    /// `None` only when a required field (a measurement's goal or date) is
    /// missing, because no default would be true.
    fn read<D: ReadDoc>(id: EntityId, fields: &FieldReader<'_, D>) -> Option<Self>;
}

impl Entity for RootCause {
    const COLLECTION: Collection = Collection::RootCauses;

    fn id(&self) -> &EntityId {
        &self.id
    }

    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        vec![
            ("statement", FieldValue::Text(self.statement.clone())),
            ("evidence", FieldValue::Text(self.evidence.clone())),
        ]
    }

    fn read<D: ReadDoc>(id: EntityId, fields: &FieldReader<'_, D>) -> Option<Self> {
        Some(Self {
            id,
            statement: fields.text("statement"),
            evidence: fields.text("evidence"),
        })
    }
}

impl Entity for Goal {
    const COLLECTION: Collection = Collection::Goals;

    fn id(&self) -> &EntityId {
        &self.id
    }

    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        vec![
            ("statement", FieldValue::Text(self.statement.clone())),
            ("measure", FieldValue::Text(self.measure.clone())),
            ("unit", FieldValue::Str(Some(self.unit.clone()))),
            ("baseline_value", FieldValue::F64(self.baseline_value)),
            ("baseline_date", FieldValue::date(self.baseline_date)),
            ("target_value", FieldValue::F64(self.target_value)),
            ("target_date", FieldValue::date(self.target_date)),
            (
                "direction",
                FieldValue::Str(
                    self.direction
                        .map(|direction| direction.as_str().to_owned()),
                ),
            ),
            (
                "monitoring_frequency",
                FieldValue::Text(self.monitoring_frequency.clone()),
            ),
            ("rationale", FieldValue::Text(self.rationale.clone())),
            (
                "interim_target_value",
                FieldValue::F64(self.interim_target_value),
            ),
            (
                "interim_target_date",
                FieldValue::date(self.interim_target_date),
            ),
            (
                ROOT_CAUSE_IDS,
                FieldValue::Links(Collection::RootCauses, self.root_cause_ids.clone()),
            ),
        ]
    }

    fn read<D: ReadDoc>(id: EntityId, fields: &FieldReader<'_, D>) -> Option<Self> {
        Some(Self {
            id,
            statement: fields.text("statement"),
            measure: fields.text("measure"),
            unit: fields.string("unit").unwrap_or_default(),
            baseline_value: fields.f64("baseline_value"),
            baseline_date: fields.date("baseline_date"),
            target_value: fields.f64("target_value"),
            target_date: fields.date("target_date"),
            direction: fields.parsed("direction"),
            monitoring_frequency: fields.text("monitoring_frequency"),
            rationale: fields.text("rationale"),
            interim_target_value: fields.f64("interim_target_value"),
            interim_target_date: fields.date("interim_target_date"),
            root_cause_ids: fields.links(ROOT_CAUSE_IDS),
        })
    }
}

impl Entity for Action {
    const COLLECTION: Collection = Collection::Actions;

    fn id(&self) -> &EntityId {
        &self.id
    }

    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        let support_type = match self.kind {
            ActionKind::Support => self.support_type.map(|kind| kind.as_str().to_owned()),
            ActionKind::Primary => None,
        };

        vec![
            ("kind", FieldValue::name(self.kind.as_str())),
            ("support_type", FieldValue::Str(support_type)),
            ("title", FieldValue::Text(self.title.clone())),
            ("description", FieldValue::Text(self.description.clone())),
            ("owner", FieldValue::Text(self.owner.clone())),
            ("start_date", FieldValue::date(self.start_date)),
            ("due_date", FieldValue::date(self.due_date)),
            ("status", FieldValue::name(self.status.as_str())),
            (
                "success_indicator",
                FieldValue::Text(self.success_indicator.clone()),
            ),
            (
                "evidence_of_implementation",
                FieldValue::Text(self.evidence_of_implementation.clone()),
            ),
            ("notes", FieldValue::Text(self.notes.clone())),
            (
                GOAL_IDS,
                FieldValue::Links(Collection::Goals, self.goal_ids.clone()),
            ),
        ]
    }

    fn read<D: ReadDoc>(id: EntityId, fields: &FieldReader<'_, D>) -> Option<Self> {
        let kind = fields.parsed("kind").unwrap_or(ActionKind::Primary);
        let support_type = match kind {
            ActionKind::Support => fields.parsed("support_type"),
            ActionKind::Primary => None,
        };

        Some(Self {
            id,
            kind,
            support_type,
            title: fields.text("title"),
            description: fields.text("description"),
            owner: fields.text("owner"),
            start_date: fields.date("start_date"),
            due_date: fields.date("due_date"),
            status: fields.parsed("status").unwrap_or_default(),
            success_indicator: fields.text("success_indicator"),
            evidence_of_implementation: fields.text("evidence_of_implementation"),
            notes: fields.text("notes"),
            goal_ids: fields.links(GOAL_IDS),
        })
    }
}

impl Entity for Resource {
    const COLLECTION: Collection = Collection::Resources;

    fn id(&self) -> &EntityId {
        &self.id
    }

    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        vec![
            ("kind", FieldValue::name(self.kind.as_str())),
            ("description", FieldValue::Text(self.description.clone())),
            ("amount", FieldValue::decimal(self.amount)),
            (
                "funding_source",
                FieldValue::Text(self.funding_source.clone()),
            ),
            ("hours", FieldValue::decimal(self.hours)),
            (
                ACTION_IDS,
                FieldValue::Links(Collection::Actions, self.action_ids.clone()),
            ),
        ]
    }

    fn read<D: ReadDoc>(id: EntityId, fields: &FieldReader<'_, D>) -> Option<Self> {
        Some(Self {
            id,
            kind: fields
                .parsed("kind")
                .unwrap_or(crate::model::ResourceKind::Material),
            description: fields.text("description"),
            amount: fields.parsed("amount"),
            funding_source: fields.text("funding_source"),
            hours: fields.parsed("hours"),
            action_ids: fields.links(ACTION_IDS),
        })
    }
}

impl Entity for Milestone {
    const COLLECTION: Collection = Collection::Milestones;

    fn id(&self) -> &EntityId {
        &self.id
    }

    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        vec![
            ("title", FieldValue::Text(self.title.clone())),
            ("date", FieldValue::date(self.date)),
            ("done", FieldValue::Bool(self.done)),
            (
                ACTION_IDS,
                FieldValue::Links(Collection::Actions, self.action_ids.clone()),
            ),
        ]
    }

    fn read<D: ReadDoc>(id: EntityId, fields: &FieldReader<'_, D>) -> Option<Self> {
        Some(Self {
            id,
            title: fields.text("title"),
            date: fields.date("date"),
            done: fields.bool("done"),
            action_ids: fields.links(ACTION_IDS),
        })
    }
}

impl Entity for Measurement {
    const COLLECTION: Collection = Collection::Measurements;

    fn id(&self) -> &EntityId {
        &self.id
    }

    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        vec![
            (
                GOAL_ID,
                FieldValue::Ref(Collection::Goals, self.goal_id.clone()),
            ),
            ("date", FieldValue::date(Some(self.date))),
            ("value", FieldValue::F64(Some(self.value))),
            ("note", FieldValue::Text(self.note.clone())),
        ]
    }

    fn read<D: ReadDoc>(id: EntityId, fields: &FieldReader<'_, D>) -> Option<Self> {
        Some(Self {
            id,
            goal_id: fields.parsed(GOAL_ID)?,
            date: fields.date("date")?,
            value: fields.f64("value").unwrap_or(0.0),
            note: fields.text("note"),
        })
    }
}

impl Entity for CheckIn {
    const COLLECTION: Collection = Collection::CheckIns;

    fn id(&self) -> &EntityId {
        &self.id
    }

    fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        vec![
            ("date", FieldValue::date(self.date)),
            ("kind", FieldValue::name(self.kind.as_str())),
            ("attendees", FieldValue::Text(self.attendees.clone())),
            ("summary", FieldValue::Text(self.summary.clone())),
            ("decisions", FieldValue::Text(self.decisions.clone())),
            ("next_steps", FieldValue::Text(self.next_steps.clone())),
            (
                ACTION_REVIEWS,
                FieldValue::Labels(
                    Collection::Actions,
                    self.action_reviews
                        .iter()
                        .map(|review| (review.action_id.clone(), review.status.as_str().to_owned()))
                        .collect(),
                ),
            ),
        ]
    }

    fn read<D: ReadDoc>(id: EntityId, fields: &FieldReader<'_, D>) -> Option<Self> {
        Some(Self {
            id,
            date: fields.date("date"),
            kind: fields.parsed("kind").unwrap_or_default(),
            attendees: fields.text("attendees"),
            summary: fields.text("summary"),
            decisions: fields.text("decisions"),
            next_steps: fields.text("next_steps"),
            action_reviews: fields
                .labels(ACTION_REVIEWS)
                .into_iter()
                .filter_map(|(action_id, status)| {
                    Some(ActionReview {
                        action_id,
                        status: status.parse().ok()?,
                    })
                })
                .collect(),
        })
    }
}
