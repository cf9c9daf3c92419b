//! Errors from reading and editing a plan document.

use automerge::AutomergeError;
use thiserror::Error;

use crate::document::Collection;
use crate::ids::EntityId;

/// Errors from [`crate::PlanDocument`] edits and loading.
#[derive(Debug, Error)]
pub enum PlanError {
    #[error(
        "the plan document has no schema yet: wait for the first sync, or call \
         PlanDocument::create on the replica that starts the plan"
    )]
    NotInitialized,

    #[error("no {} with id `{id}` in this plan", collection.singular())]
    NotFound {
        collection: Collection,
        id: EntityId,
    },

    #[error(
        "a {} with id `{id}` already exists in this plan: give the new one a fresh id",
        collection.singular()
    )]
    DuplicateId {
        collection: Collection,
        id: EntityId,
    },

    #[error("{field} must be a finite number, got {value}")]
    NotFinite { field: &'static str, value: f64 },

    #[error("the bytes are not a valid Automerge document: {0}")]
    Load(#[source] Box<AutomergeError>),

    #[error("Automerge rejected the edit: {0}")]
    Automerge(#[source] Box<AutomergeError>),
}

impl From<AutomergeError> for PlanError {
    fn from(error: AutomergeError) -> Self {
        PlanError::Automerge(Box::new(error))
    }
}
