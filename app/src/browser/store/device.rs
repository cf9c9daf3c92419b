//! Small state kept in localStorage: the list of plans on this device, the
//! heads the server acknowledged, and the last access, refusal and review
//! records of each plan.
//!
//! | key | value |
//! |---|---|
//! | `cairn.plans` | the list of plans on this device, shown when the server cannot be reached |
//! | `cairn.acked.<id>` | the heads the server acknowledged as durable |
//! | `cairn.access.<id>` | the last response of the plan's access route |
//! | `cairn.refused.<id>` | the refusal of a plan the server did not accept |
//! | `cairn.review.<id>` | the last response of the plan's review route |

use automerge::ChangeHash;
use cairn_sync::DocumentId;
use gloo_storage::{LocalStorage, Storage};

use super::StoreError;
use crate::routes::plan_page::review::LoadedReview;
use crate::workspace::access::{PlanAccess, Refusal};
use crate::workspace::LocalPlanEntry;

const PLAN_LIST_KEY: &str = "cairn.plans";

fn acked_key(doc: &DocumentId) -> String {
    format!("cairn.acked.{doc}")
}

fn access_key(doc: &DocumentId) -> String {
    format!("cairn.access.{doc}")
}

fn refusal_key(doc: &DocumentId) -> String {
    format!("cairn.refused.{doc}")
}

fn review_key(doc: &DocumentId) -> String {
    format!("cairn.review.{doc}")
}

/// Maps a refused localStorage write to the error shown to the person.
pub(super) fn write_error(
    doc: &DocumentId,
    error: gloo_storage::errors::StorageError,
) -> StoreError {
    StoreError::Full {
        doc: *doc,
        reason: error.to_string(),
    }
}

/// Loads the heads the server acknowledged for a plan, as last stored.
pub fn load_acked_heads(doc: &DocumentId) -> Vec<ChangeHash> {
    let stored: Vec<String> = LocalStorage::get(acked_key(doc)).unwrap_or_default();
    stored.iter().filter_map(|hex| hex.parse().ok()).collect()
}

/// Stores the heads the server acknowledged for a plan.
pub fn save_acked_heads(doc: &DocumentId, heads: &[ChangeHash]) -> Result<(), StoreError> {
    let encoded: Vec<String> = heads.iter().map(ToString::to_string).collect();
    LocalStorage::set(acked_key(doc), encoded).map_err(|error| write_error(doc, error))
}

/// Lists the plans on this device.
pub fn list() -> Vec<LocalPlanEntry> {
    LocalStorage::get(PLAN_LIST_KEY).unwrap_or_default()
}

/// Returns the list entry of one plan, if this device lists it.
pub fn entry(doc: &DocumentId) -> Option<LocalPlanEntry> {
    list().into_iter().find(|entry| entry.id == *doc)
}

/// Adds a plan to the list of plans on this device or updates its entry.
pub fn save_entry(entry: LocalPlanEntry) -> Result<(), StoreError> {
    let doc = entry.id;
    let mut entries = list();
    match entries.iter_mut().find(|existing| existing.id == entry.id) {
        Some(existing) if *existing == entry => return Ok(()),
        Some(existing) => *existing = entry,
        None => entries.push(entry),
    }
    LocalStorage::set(PLAN_LIST_KEY, entries).map_err(|error| write_error(&doc, error))
}

/// Loads the last response of a plan's access route stored on this device.
pub fn load_access(doc: &DocumentId) -> Option<PlanAccess> {
    LocalStorage::get(access_key(doc)).ok()
}

/// Stores the response of a plan's access route, so it is available offline.
pub fn save_access(doc: &DocumentId, access: &PlanAccess) -> Result<(), StoreError> {
    LocalStorage::set(access_key(doc), access).map_err(|error| write_error(doc, error))
}

/// Loads the refusal of a plan the server did not accept, if any.
pub fn load_refusal(doc: &DocumentId) -> Option<Refusal> {
    LocalStorage::get(refusal_key(doc)).ok()
}

/// Stores the refusal of a plan, or removes it with `None`.
pub fn save_refusal(doc: &DocumentId, refusal: Option<&Refusal>) -> Result<(), StoreError> {
    match refusal {
        Some(refusal) => {
            LocalStorage::set(refusal_key(doc), refusal).map_err(|error| write_error(doc, error))
        }
        None => {
            LocalStorage::delete(refusal_key(doc));
            Ok(())
        }
    }
}

/// Loads the last review state of a plan stored on this device.
pub fn load_review(doc: &DocumentId) -> Option<LoadedReview> {
    LocalStorage::get(review_key(doc)).ok()
}

/// Stores a plan's review state, so it is shown offline.
pub fn save_review(doc: &DocumentId, review: &LoadedReview) -> Result<(), StoreError> {
    LocalStorage::set(review_key(doc), review).map_err(|error| write_error(doc, error))
}
