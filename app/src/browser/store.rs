//! Where this device keeps plans: the [`DocStore`] trait and its
//! localStorage implementation.
//!
//! Each plan is stored as its full Automerge `save()` bytes, base64-encoded,
//! under `cairn.doc.<id>`. The heads the server acknowledged as durable are
//! under `cairn.acked.<id>`. The list of the plans on this device, shown when
//! the server cannot be reached, is under `cairn.plans`.
//!
//! Three small records per plan stay in localStorage outside the
//! [`DocStore`] trait, because they are small state rather than documents.
//! `cairn.access.<id>` keeps the last response of the plan's access route,
//! `cairn.refused.<id>` the refusal of a plan the server did not accept, and
//! `cairn.review.<id>` the last response of the plan's review route.
//!
//! NOTE: localStorage stores about 5 MiB per origin, which fits a few dozen
//! plans. IndexedDB has room for a coach's whole set and will replace this
//! store behind the same trait; its API is asynchronous, so the trait will
//! become async with it.

use automerge::ChangeHash;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use cairn_sync::DocumentId;
use gloo_storage::{LocalStorage, Storage};
use thiserror::Error;

use crate::routes::plan_page::review::LoadedReview;
use crate::workspace::access::{PlanAccess, Refusal};
use crate::workspace::LocalPlanEntry;

const PLAN_LIST_KEY: &str = "cairn.plans";

/// A failure to read or write the device's store.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The browser refused to store more.
    #[error(
        "this browser has no room left to store plan {doc} on this device \
         ({reason}); the edit is kept in this tab and still syncs to the server"
    )]
    Full {
        /// The plan being stored.
        doc: DocumentId,
        /// The browser's message.
        reason: String,
    },
    /// The stored bytes of a plan could not be read back.
    #[error("the copy of plan {doc} stored on this device is unreadable ({reason})")]
    Corrupt {
        /// The plan being read.
        doc: DocumentId,
        /// The decoder's error message.
        reason: String,
    },
}

/// Plans, their acknowledged heads and the list of plans on this device.
pub trait DocStore {
    /// Loads the stored bytes of a plan, or `None` if this device has none.
    fn load(&self, doc: &DocumentId) -> Result<Option<Vec<u8>>, StoreError>;

    /// Stores the bytes of a plan, replacing what was there.
    fn save(&self, doc: &DocumentId, bytes: &[u8]) -> Result<(), StoreError>;

    /// Loads the heads the server acknowledged for a plan, as last stored.
    fn load_acked_heads(&self, doc: &DocumentId) -> Vec<ChangeHash>;

    /// Stores the heads the server acknowledged for a plan.
    fn save_acked_heads(&self, doc: &DocumentId, heads: &[ChangeHash]) -> Result<(), StoreError>;

    /// Lists the plans on this device.
    fn list(&self) -> Vec<LocalPlanEntry>;

    /// Adds a plan to the list of plans on this device or updates its entry.
    fn save_entry(&self, entry: LocalPlanEntry) -> Result<(), StoreError>;

    /// Returns the list entry of one plan, if this device lists it.
    fn entry(&self, doc: &DocumentId) -> Option<LocalPlanEntry> {
        self.list().into_iter().find(|entry| entry.id == *doc)
    }
}

/// The [`DocStore`] over the browser's localStorage.
#[derive(Clone, Copy, Debug, Default)]
pub struct LocalStorageStore;

fn document_key(doc: &DocumentId) -> String {
    format!("cairn.doc.{doc}")
}

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

fn write_error(doc: &DocumentId, error: gloo_storage::errors::StorageError) -> StoreError {
    StoreError::Full {
        doc: *doc,
        reason: error.to_string(),
    }
}

impl DocStore for LocalStorageStore {
    fn load(&self, doc: &DocumentId) -> Result<Option<Vec<u8>>, StoreError> {
        let Ok(encoded) = LocalStorage::get::<String>(document_key(doc)) else {
            return Ok(None);
        };

        BASE64
            .decode(encoded)
            .map(Some)
            .map_err(|error| StoreError::Corrupt {
                doc: *doc,
                reason: error.to_string(),
            })
    }

    fn save(&self, doc: &DocumentId, bytes: &[u8]) -> Result<(), StoreError> {
        LocalStorage::set(document_key(doc), BASE64.encode(bytes))
            .map_err(|error| write_error(doc, error))
    }

    fn load_acked_heads(&self, doc: &DocumentId) -> Vec<ChangeHash> {
        let stored: Vec<String> = LocalStorage::get(acked_key(doc)).unwrap_or_default();
        stored.iter().filter_map(|hex| hex.parse().ok()).collect()
    }

    fn save_acked_heads(&self, doc: &DocumentId, heads: &[ChangeHash]) -> Result<(), StoreError> {
        let encoded: Vec<String> = heads.iter().map(ToString::to_string).collect();
        LocalStorage::set(acked_key(doc), encoded).map_err(|error| write_error(doc, error))
    }

    fn list(&self) -> Vec<LocalPlanEntry> {
        LocalStorage::get(PLAN_LIST_KEY).unwrap_or_default()
    }

    fn save_entry(&self, entry: LocalPlanEntry) -> Result<(), StoreError> {
        let doc = entry.id;
        let mut entries = self.list();
        match entries.iter_mut().find(|existing| existing.id == entry.id) {
            Some(existing) if *existing == entry => return Ok(()),
            Some(existing) => *existing = entry,
            None => entries.push(entry),
        }
        LocalStorage::set(PLAN_LIST_KEY, entries).map_err(|error| write_error(&doc, error))
    }
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
