//! Where this device keeps plans.
//!
//! Plan documents live in IndexedDB behind the [`DocStore`] trait
//! ([`indexed_db::IndexedDbStore`]). Each plan is a set of **chunks**: Automerge
//! snapshots (`save()`) and change chunks (`save_after()`), each under its own
//! key. Writers only add chunks, and a compaction replaces the chunks it read
//! with one snapshot in a single transaction. So two tabs writing one plan
//! never overwrite each other's changes, and an interrupted write leaves the
//! earlier chunks in place.
//!
//! IndexedDB commits asynchronously, and a tab closed right after a keystroke
//! may lose a transaction still under way. Each chunk is therefore first
//! written synchronously to a journal in localStorage ([`journal`]) and
//! removed from it once IndexedDB has committed it. Loading a plan reads both.
//!
//! Small state stays in localStorage through gloo-storage ([`device`]): the
//! list of plans on this device, the heads the server acknowledged, and the
//! last access, refusal and review records of each plan.

pub mod device;
pub mod indexed_db;
pub mod journal;

use cairn_sync::DocumentId;
use thiserror::Error;

pub use self::device::{
    entry, list, load_access, load_acked_heads, load_refusal, load_review, save_access,
    save_acked_heads, save_entry, save_refusal, save_review,
};

/// The key of one stored chunk of a plan, unique among the plan's chunks.
///
/// Each tab names its chunks with its own random prefix and a counter, so two
/// tabs never write the same key.
pub type ChunkKey = String;

/// One stored piece of a plan: an Automerge snapshot or change chunk.
#[derive(Clone, Debug)]
pub struct Chunk {
    pub key: ChunkKey,
    pub bytes: Vec<u8>,
}

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
    /// The browser offers no IndexedDB, or refused to open it, as in some
    /// private windows.
    #[error(
        "this browser does not allow Cairn to store plans on this device ({reason}); \
         edits are kept in this tab and still sync to the server"
    )]
    Unavailable {
        /// The browser's message.
        reason: String,
    },
    /// A read or write failed for another reason.
    #[error(
        "storing plan {doc} on this device failed ({reason}); the edit is kept \
         in this tab and still syncs to the server"
    )]
    Failed {
        /// The plan being read or written.
        doc: DocumentId,
        /// The browser's message.
        reason: String,
    },
}

/// The chunks of each plan stored on this device.
///
/// Implementations must make [`DocStore::compact`] atomic: either the
/// snapshot is stored and every replaced chunk removed, or nothing changes.
#[expect(
    async_fn_in_trait,
    reason = "the store runs on the browser's one thread, so its futures need not be Send"
)]
pub trait DocStore {
    /// Loads every stored chunk of a plan, in key order. A plan this device
    /// has never stored has none.
    async fn load(&self, doc: &DocumentId) -> Result<Vec<Chunk>, StoreError>;

    /// Adds a chunk to a plan.
    async fn append(&self, doc: &DocumentId, chunk: &Chunk) -> Result<(), StoreError>;

    /// Stores `snapshot` and removes the `replaced` chunks, in one
    /// transaction.
    async fn compact(
        &self,
        doc: &DocumentId,
        snapshot: &Chunk,
        replaced: &[ChunkKey],
    ) -> Result<(), StoreError>;
}
