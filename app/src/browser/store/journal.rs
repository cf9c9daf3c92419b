//! The write-ahead journal in localStorage, and the plans that earlier
//! versions of Cairn stored there.
//!
//! A chunk goes to the journal, synchronously, before its IndexedDB write
//! starts, under `cairn.journal.<id>.<chunk key>`. It is removed once
//! IndexedDB has committed it. A tab closed while the write was under way
//! leaves the entry behind, and the next load of the plan reads it and stores
//! it in IndexedDB. One localStorage key per chunk means a tab removes only
//! the entries it wrote or stored itself.
//!
//! Earlier versions kept each plan's whole `save()` under `cairn.doc.<id>`,
//! base64-encoded. Those entries are read as chunks of the plan too, so a
//! plan opened before the move to IndexedDB has finished loses nothing, and
//! [`legacy_documents`] lists them for the move.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use cairn_sync::DocumentId;
use gloo_storage::{LocalStorage, Storage};

use super::{Chunk, ChunkKey, StoreError};

const JOURNAL_PREFIX: &str = "cairn.journal.";
const LEGACY_PREFIX: &str = "cairn.doc.";

/// The chunk key under which a plan's localStorage copy from an earlier
/// version is stored in IndexedDB. Moving it twice writes the same key.
pub const LEGACY_CHUNK: &str = "from-local-storage";

fn journal_prefix(doc: &DocumentId) -> String {
    format!("{JOURNAL_PREFIX}{doc}.")
}

fn legacy_key(doc: &DocumentId) -> String {
    format!("{LEGACY_PREFIX}{doc}")
}

/// Returns every localStorage key that starts with `prefix`.
fn keys_with_prefix(prefix: &str) -> Vec<String> {
    let storage = LocalStorage::raw();
    let count = storage.length().unwrap_or(0);
    (0..count)
        .filter_map(|index| storage.key(index).ok().flatten())
        .filter(|key| key.starts_with(prefix))
        .collect()
}

/// Writes a chunk to the journal before it goes to IndexedDB.
pub fn add(doc: &DocumentId, chunk: &Chunk) -> Result<(), StoreError> {
    let key = format!("{}{}", journal_prefix(doc), chunk.key);
    LocalStorage::raw()
        .set_item(&key, &BASE64.encode(&chunk.bytes))
        .map_err(|error| StoreError::Full {
            doc: *doc,
            reason: format!("{error:?}"),
        })
}

/// Removes the journal entries of chunks that IndexedDB has committed,
/// including the localStorage copy of an earlier version when `keys` names
/// [`LEGACY_CHUNK`].
pub fn remove(doc: &DocumentId, keys: &[ChunkKey]) {
    let prefix = journal_prefix(doc);
    for key in keys {
        if key == LEGACY_CHUNK {
            LocalStorage::delete(legacy_key(doc));
        } else {
            LocalStorage::delete(format!("{prefix}{key}"));
        }
    }
}

/// Reads the journal entries and the localStorage copy of an earlier version
/// of a plan, as chunks named by their chunk keys. An unreadable entry is
/// skipped and reported in the returned problems.
pub fn read(doc: &DocumentId) -> (Vec<Chunk>, Vec<StoreError>) {
    let mut chunks = Vec::new();
    let mut problems = Vec::new();

    let prefix = journal_prefix(doc);
    let mut entries: Vec<(ChunkKey, String)> = keys_with_prefix(&prefix)
        .into_iter()
        .map(|key| (key[prefix.len()..].to_owned(), key))
        .collect();
    if LocalStorage::raw()
        .get_item(&legacy_key(doc))
        .ok()
        .flatten()
        .is_some()
    {
        entries.push((LEGACY_CHUNK.to_owned(), legacy_key(doc)));
    }

    for (chunk_key, storage_key) in entries {
        let Ok(Some(encoded)) = LocalStorage::raw().get_item(&storage_key) else {
            continue;
        };
        match BASE64.decode(encoded) {
            Ok(bytes) => chunks.push(Chunk {
                key: chunk_key,
                bytes,
            }),
            Err(error) => problems.push(StoreError::Corrupt {
                doc: *doc,
                reason: format!("{storage_key}: {error}"),
            }),
        }
    }
    (chunks, problems)
}

/// Lists the plans that an earlier version stored whole in localStorage.
pub fn legacy_documents() -> Vec<DocumentId> {
    keys_with_prefix(LEGACY_PREFIX)
        .iter()
        .filter_map(|key| key[LEGACY_PREFIX.len()..].parse().ok())
        .collect()
}

/// Reads the localStorage copy of an earlier version of a plan.
pub fn read_legacy(doc: &DocumentId) -> Result<Option<Vec<u8>>, StoreError> {
    let Ok(Some(encoded)) = LocalStorage::raw().get_item(&legacy_key(doc)) else {
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
