//! Storing the tab's replicas on this device: loading a plan's chunks,
//! writing each change, compaction, and the move of plans that earlier
//! versions kept in localStorage (see [`super::store`]).
//!
//! Every write of a plan follows the same steps:
//!
//! 1. The changes since the last write (`save_after`), or the whole plan
//!    (`save`) for a first write, a compaction or a retry, become a chunk
//!    under a new key.
//! 2. The chunk goes to the journal in localStorage, synchronously, so a tab
//!    closed at once still leaves it on the device.
//! 3. IndexedDB stores it; a snapshot replaces, in the same transaction, the
//!    chunks it contains.
//! 4. After the commit the journal entry goes, and the plan counts as saved
//!    on this device. After a failure the plan counts as not saved, the
//!    notice gives the reason, and the next write stores the whole plan again.

use std::collections::HashSet;

use automerge::ChangeHash;
use cairn_plan::PlanDocument;
use cairn_sync::DocumentId;
use leptos::prelude::*;

use super::store::indexed_db::{self, IndexedDbStore};
use super::store::{self, journal, Chunk, ChunkKey, DocStore, StoreError};
use super::{now_ms, BrowserHandle};
use crate::workspace::{DeviceSave, LocalPlanEntry};

/// The number of stored chunks of a plan after which this tab replaces them
/// with one snapshot, so loading stays quick and the store compact.
const COMPACT_AFTER_CHUNKS: usize = 64;

/// How long after a failed write the tab tries again on its own, in
/// milliseconds, when no new change has tried sooner.
const RETRY_AFTER_MS: u64 = 30_000;

/// This tab's record of one plan's chunks on the device.
#[derive(Debug, Default)]
pub(super) struct PlanStorage {
    /// The heads whose changes are stored or in a write under way.
    written_heads: Vec<ChangeHash>,
    /// The chunks this tab has seen stored: those it loaded and those it
    /// wrote. A compaction replaces these and no others, so chunks that
    /// another tab wrote meanwhile stay.
    stored_chunks: Vec<ChunkKey>,
    /// Writes started and not finished.
    writes_in_flight: usize,
    /// When the last write failed; the next write stores the whole plan.
    failed_at: Option<u64>,
}

impl PlanStorage {
    /// Records changes that another tab stored: when this tab had written
    /// everything it held (`heads_before`), its new heads are written too.
    pub(super) fn note_stored_elsewhere(
        &mut self,
        heads_before: &[ChangeHash],
        heads_after: Vec<ChangeHash>,
    ) {
        if self.written_heads == heads_before {
            self.written_heads = heads_after;
        }
    }
}

/// A write of a plan ready to start.
struct Write {
    chunk: Chunk,
    /// The chunks a snapshot replaces; `None` for a change chunk.
    replaces: Option<Vec<ChunkKey>>,
}

impl BrowserHandle {
    /// Returns whether a plan's changes are stored on this device.
    pub fn device_save(&self, id: DocumentId) -> DeviceSave {
        let state = self.state.borrow();
        match state.storage.get(&id) {
            Some(storage) if storage.writes_in_flight > 0 => DeviceSave::Saving,
            Some(storage) if storage.failed_at.is_some() => DeviceSave::NotSaved,
            _ => DeviceSave::Saved,
        }
    }

    /// Loads a plan's chunks from IndexedDB and the journal, then adds the
    /// replica to the tab and starts syncing it. Several chunks are compacted
    /// into one snapshot.
    pub(super) fn load_plan(&self, id: DocumentId) {
        if !self.state.borrow_mut().loading.insert(id) {
            return;
        }

        let handle = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            // The journal is read before IndexedDB. An entry leaves the
            // journal only after IndexedDB committed it, so a chunk missing
            // from this read of the journal was committed before the read of
            // IndexedDB starts, and that read contains it.
            let (journal_chunks, mut problems) = journal::read(&id);
            let store = handle.state.borrow().store.clone();
            let mut chunks = match store.load(&id).await {
                Ok(chunks) => chunks,
                Err(error) => {
                    problems.push(error);
                    Vec::new()
                }
            };
            let in_database: Vec<ChunkKey> = chunks.iter().map(|chunk| chunk.key.clone()).collect();
            chunks.extend(journal_chunks);

            let mut plan = PlanDocument::empty();
            for chunk in &chunks {
                if let Err(error) = plan.automerge_mut().load_incremental(&chunk.bytes) {
                    problems.push(StoreError::Corrupt {
                        doc: id,
                        reason: format!("chunk {}: {error}", chunk.key),
                    });
                }
            }
            if let Some(problem) = problems.first() {
                leptos::logging::warn!("loading plan {id} from this device: {problem}");
                handle.signals.notice.set(Some(problem.to_string()));
            }

            let loaded_keys: Vec<ChunkKey> = chunks.into_iter().map(|chunk| chunk.key).collect();
            handle.add_loaded_plan(id, plan, in_database);
            if loaded_keys.len() > 1 {
                handle.write(id, Some(loaded_keys));
            }
        });
    }

    /// Adds a plan loaded from the device to the tab, unless the tab made or
    /// loaded it meanwhile, and opens it on the connection.
    fn add_loaded_plan(&self, id: DocumentId, mut plan: PlanDocument, stored: Vec<ChunkKey>) {
        {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            state.loading.remove(&id);
            if !state.plans.contains_key(&id) {
                plan.set_actor(state.actor.clone());
                state.storage.insert(
                    id,
                    PlanStorage {
                        written_heads: plan.heads(),
                        stored_chunks: stored,
                        ..PlanStorage::default()
                    },
                );
                let acked = store::load_acked_heads(&id);
                state.session.restore_acked_heads(id, acked);
                state.plans.insert(id, plan);
                if let Some(refusal) = store::load_refusal(&id) {
                    state.refused.insert(id, refusal);
                }
            }
        }
        self.open_loaded_plan(id);

        let retry = self.state.borrow_mut().retry_after_load.remove(&id);
        if retry {
            self.retry_refused(id);
        }
    }

    /// Writes the plan's changes since its last write to the device, and its
    /// list entry. Does nothing when nothing changed.
    pub(super) fn persist(&self, id: DocumentId) {
        self.write(id, None);
        self.save_list_entry(id);
    }

    /// Starts a write of a plan. With `compact`, or when the plan was never
    /// written or its last write failed, the write is a snapshot of the whole
    /// plan that replaces the given chunks and every chunk in this tab's record.
    fn write(&self, id: DocumentId, compact: Option<Vec<ChunkKey>>) {
        let Some(write) = self.prepare_write(id, compact) else {
            return;
        };

        if let Err(error) = journal::add(&id, &write.chunk) {
            // IndexedDB may still have room; only its failure is reported.
            leptos::logging::warn!("writing plan {id} to the journal failed: {error}");
        }
        if let Some(channel) = self.state.borrow().tabs.as_ref() {
            channel.send(&id, &write.chunk);
        }

        let handle = self.clone();
        let store = self.state.borrow().store.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let result = match &write.replaces {
                Some(replaced) => store.compact(&id, &write.chunk, replaced).await,
                None => store.append(&id, &write.chunk).await,
            };
            handle.finish_write(id, write, result);
        });
    }

    /// Picks what to write and marks the write as under way.
    fn prepare_write(&self, id: DocumentId, compact: Option<Vec<ChunkKey>>) -> Option<Write> {
        let mut state = self.state.borrow_mut();
        let state = &mut *state;
        let plan = state.plans.get(&id)?;
        let heads = plan.heads();
        if heads.is_empty() {
            // An empty replica waiting for its first sync has nothing to keep.
            return None;
        }
        let storage = state.storage.entry(id).or_default();

        let snapshot = compact.is_some()
            || storage.failed_at.is_some()
            || (storage.stored_chunks.is_empty() && storage.written_heads.is_empty());
        if !snapshot && heads == storage.written_heads {
            return None;
        }

        let (kind, bytes, replaces) = if snapshot {
            let mut replaced: HashSet<ChunkKey> = storage.stored_chunks.iter().cloned().collect();
            replaced.extend(compact.unwrap_or_default());
            ("s", plan.save(), Some(replaced.into_iter().collect()))
        } else {
            let bytes = plan.automerge().save_after(&storage.written_heads);
            ("c", bytes, None)
        };

        storage.written_heads = heads;
        storage.writes_in_flight += 1;
        storage.failed_at = None;
        state.next_chunk += 1;
        let key = format!("{kind}-{}-{:08}", state.tab_id, state.next_chunk);
        Some(Write {
            chunk: Chunk { key, bytes },
            replaces,
        })
    }

    /// Records the end of a write. On success, the journal entries it
    /// covers go, and a plan with many chunks is compacted. On failure, the
    /// notice shows the error and the next write stores the whole plan.
    fn finish_write(&self, id: DocumentId, write: Write, result: Result<(), StoreError>) {
        let compact = {
            let mut state = self.state.borrow_mut();
            let Some(storage) = state.storage.get_mut(&id) else {
                return;
            };
            storage.writes_in_flight = storage.writes_in_flight.saturating_sub(1);
            match &result {
                Ok(()) => {
                    if let Some(replaced) = &write.replaces {
                        storage.stored_chunks.retain(|key| !replaced.contains(key));
                    }
                    storage.stored_chunks.push(write.chunk.key.clone());
                    storage.writes_in_flight == 0
                        && storage.failed_at.is_none()
                        && storage.stored_chunks.len() > COMPACT_AFTER_CHUNKS
                }
                Err(_) => {
                    storage.failed_at = Some(now_ms());
                    false
                }
            }
        };

        match result {
            Ok(()) => {
                journal::remove(&id, std::slice::from_ref(&write.chunk.key));
                if let Some(replaced) = &write.replaces {
                    journal::remove(&id, replaced);
                }
            }
            Err(error) => {
                leptos::logging::warn!("storing plan {id} on this device failed: {error}");
                self.signals.notice.set(Some(error.to_string()));
            }
        }
        self.signals.bump();

        if compact {
            self.write(id, Some(Vec::new()));
        }
    }

    /// Tries again, on the tab's tick, to store plans whose last write
    /// failed a while ago.
    pub(super) fn retry_failed_writes(&self) {
        let now = now_ms();
        let due: Vec<DocumentId> = self
            .state
            .borrow()
            .storage
            .iter()
            .filter(|(_, storage)| {
                storage.writes_in_flight == 0
                    && storage
                        .failed_at
                        .is_some_and(|failed| now.saturating_sub(failed) >= RETRY_AFTER_MS)
            })
            .map(|(id, _)| *id)
            .collect();
        for id in due {
            self.write(id, None);
        }
    }

    /// Stores the plan's entry in the list of plans on this device.
    fn save_list_entry(&self, id: DocumentId) {
        let entry = {
            let state = self.state.borrow();
            let Some(plan) = state.plans.get(&id) else {
                return;
            };
            if !plan.is_initialized() {
                return;
            }
            let snapshot = plan.snapshot();
            let stored = store::entry(&id);
            LocalPlanEntry {
                id,
                title: snapshot.title,
                school: snapshot.school,
                school_year: snapshot.school_year,
                school_id: stored.as_ref().and_then(|entry| entry.school_id.clone()),
                made_here: stored.is_some_and(|entry| entry.made_here),
            }
        };
        if let Err(error) = store::save_entry(entry) {
            leptos::logging::warn!("storing the entry of plan {id} on this device failed: {error}");
            self.signals.notice.set(Some(error.to_string()));
        }
    }

    /// Moves the plans that earlier versions kept whole in localStorage to
    /// IndexedDB. Each copy is removed from localStorage only after
    /// IndexedDB has committed it, so an interrupted move starts again at
    /// the next start and loses nothing.
    pub(super) fn move_legacy_documents(&self) {
        let legacy = journal::legacy_documents();
        if legacy.is_empty() {
            return;
        }
        let store = self.state.borrow().store.clone();
        let signals = self.signals;
        wasm_bindgen_futures::spawn_local(async move {
            for id in legacy {
                let bytes = match journal::read_legacy(&id) {
                    Ok(Some(bytes)) => bytes,
                    Ok(None) => continue,
                    Err(error) => {
                        leptos::logging::warn!("moving plan {id} to IndexedDB: {error}");
                        signals.notice.set(Some(error.to_string()));
                        continue;
                    }
                };
                let chunk = Chunk {
                    key: journal::LEGACY_CHUNK.to_owned(),
                    bytes,
                };
                match store.compact(&id, &chunk, &[]).await {
                    Ok(()) => journal::remove(&id, std::slice::from_ref(&chunk.key)),
                    Err(error) => {
                        leptos::logging::warn!("moving plan {id} to IndexedDB failed: {error}");
                        signals.notice.set(Some(error.to_string()));
                        return;
                    }
                }
            }
        });
    }
}

/// Asks the browser to keep this site's storage, and logs the result.
pub(super) fn request_persistence() {
    wasm_bindgen_futures::spawn_local(async {
        match indexed_db::request_persistence().await {
            Ok(true) => leptos::logging::log!("the browser keeps Cairn's storage under pressure"),
            Ok(false) => leptos::logging::log!(
                "the browser may clear Cairn's storage under pressure; plans synced to the server are safe"
            ),
            Err(error) => leptos::logging::warn!("requesting persistent storage failed: {error}"),
        }
    });
}

/// Returns the store every tab uses.
pub(super) fn device_store() -> IndexedDbStore {
    IndexedDbStore::default()
}
