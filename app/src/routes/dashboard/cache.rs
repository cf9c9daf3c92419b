//! The last successful response of each dashboard view, kept on this device
//! so the dashboard still shows the figures when the server cannot be
//! reached.
//!
//! Each response is stored in localStorage under
//! `cairn.dashboard.<person id>.<API address>` with the time it was fetched.
//! The key carries the person's id, so the app shows the copy only to the
//! person who fetched it, and signing out removes every copy
//! ([`forget_all`]). An index under `cairn.dashboard.index` lists the stored
//! views, newest first. Only the newest views are kept, at most
//! [`MAX_VIEWS`] of them and [`MAX_TOTAL_CHARS`] characters together,
//! because the plans stored on this device share the same few megabytes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The prefix of every key the dashboard stores.
const KEY_PREFIX: &str = "cairn.dashboard.";

/// The key of the index of stored views.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const INDEX_KEY: &str = "cairn.dashboard.index";

/// The maximum number of views kept on the device.
pub const MAX_VIEWS: usize = 12;

/// The maximum number of JSON characters kept for all views together. A single view
/// larger than this is not kept at all.
pub const MAX_TOTAL_CHARS: usize = 500_000;

/// A response as it is stored: the data and when it was fetched.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CachedView<T> {
    pub fetched_at: DateTime<Utc>,
    pub data: T,
}

/// One stored view in the index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub key: String,
    /// The length of the stored JSON, in characters.
    pub chars: usize,
}

/// Returns the key of the view at the API address `url` for the person
/// `person_id`.
pub fn view_key(person_id: &str, url: &str) -> String {
    format!("{KEY_PREFIX}{person_id}.{url}")
}

/// Returns whether a view of `chars` characters may be kept at all.
pub fn fits(chars: usize) -> bool {
    chars <= MAX_TOTAL_CHARS
}

/// Records in `index` that the view under `key`, `chars` long, was just
/// stored. Returns the keys of the older views to remove so the index stays
/// within [`MAX_VIEWS`] and [`MAX_TOTAL_CHARS`].
pub fn record(index: &mut Vec<IndexEntry>, key: &str, chars: usize) -> Vec<String> {
    index.retain(|entry| entry.key != key);
    index.insert(
        0,
        IndexEntry {
            key: key.to_owned(),
            chars,
        },
    );

    let mut removed = Vec::new();
    let mut total: usize = index.iter().map(|entry| entry.chars).sum();
    while index.len() > 1 && (index.len() > MAX_VIEWS || total > MAX_TOTAL_CHARS) {
        if let Some(oldest) = index.pop() {
            total -= oldest.chars;
            removed.push(oldest.key);
        }
    }
    removed
}

#[cfg(feature = "hydrate")]
pub use self::storage::{forget_all, load, save};

/// The views in localStorage.
#[cfg(feature = "hydrate")]
mod storage {
    use gloo_storage::{LocalStorage, Storage};
    use serde::de::DeserializeOwned;
    use serde::Serialize;

    use super::{fits, record, view_key, CachedView, IndexEntry, INDEX_KEY, KEY_PREFIX};

    /// Reads the stored view at `url` for `person_id`. A stored value that
    /// no longer parses, such as one an older version wrote, is removed.
    pub fn load<T: DeserializeOwned>(person_id: &str, url: &str) -> Option<CachedView<T>> {
        let key = view_key(person_id, url);
        match LocalStorage::get::<CachedView<T>>(&key) {
            Ok(view) => Some(view),
            Err(gloo_storage::errors::StorageError::KeyNotFound(_)) => None,
            Err(error) => {
                leptos::logging::warn!(
                    "the saved dashboard view {url} is unreadable and was removed: {error}"
                );
                LocalStorage::delete(&key);
                None
            }
        }
    }

    /// Stores `view` as the last response at `url` for `person_id`, and
    /// removes the oldest views beyond the limits. A failure only costs the
    /// offline copy, so it is logged and otherwise ignored.
    pub fn save<T: Serialize>(person_id: &str, url: &str, view: &CachedView<T>) {
        let key = view_key(person_id, url);
        let json = match serde_json::to_string(view) {
            Ok(json) => json,
            Err(error) => {
                leptos::logging::warn!("the dashboard view {url} could not be saved: {error}");
                return;
            }
        };
        let chars = json.chars().count();
        if !fits(chars) {
            leptos::logging::warn!(
                "the dashboard view {url} is not saved for offline use: {chars} characters is over the limit"
            );
            return;
        }

        let mut index: Vec<IndexEntry> = LocalStorage::get(INDEX_KEY).unwrap_or_default();
        for removed in record(&mut index, &key, chars) {
            LocalStorage::delete(&removed);
        }
        let stored = LocalStorage::raw()
            .set_item(&key, &json)
            .map_err(|error| format!("{error:?}"))
            .and_then(|()| LocalStorage::set(INDEX_KEY, &index).map_err(|error| error.to_string()));
        if let Err(error) = stored {
            leptos::logging::warn!(
                "the dashboard view {url} could not be saved on this device: {error}"
            );
        }
    }

    /// Removes every stored dashboard view of every person, and the index.
    pub fn forget_all() {
        let storage = LocalStorage::raw();
        let count = storage.length().unwrap_or(0);
        let keys: Vec<String> = (0..count)
            .filter_map(|position| storage.key(position).ok().flatten())
            .filter(|key| key.starts_with(KEY_PREFIX))
            .collect();
        for key in keys {
            LocalStorage::delete(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(index: &[IndexEntry]) -> Vec<&str> {
        index.iter().map(|entry| entry.key.as_str()).collect()
    }

    #[test]
    fn key_names_person_and_address() {
        assert_eq!(
            view_key("p1", "/api/dashboard?status=active"),
            "cairn.dashboard.p1./api/dashboard?status=active"
        );
    }

    #[test]
    fn newest_view_comes_first_once() {
        let mut index = Vec::new();
        record(&mut index, "a", 10);
        record(&mut index, "b", 10);

        let removed = record(&mut index, "a", 12);

        assert!(removed.is_empty());
        assert_eq!(keys(&index), ["a", "b"]);
        assert_eq!(index[0].chars, 12);
    }

    #[test]
    fn oldest_views_go_past_the_count() {
        let mut index = Vec::new();
        for number in 0..MAX_VIEWS {
            record(&mut index, &format!("view-{number}"), 10);
        }

        let removed = record(&mut index, "newest", 10);

        assert_eq!(removed, ["view-0"]);
        assert_eq!(index.len(), MAX_VIEWS);
        assert_eq!(index[0].key, "newest");
    }

    #[test]
    fn oldest_views_go_past_the_size() {
        let mut index = Vec::new();
        record(&mut index, "old", MAX_TOTAL_CHARS / 2);
        record(&mut index, "middle", MAX_TOTAL_CHARS / 2);

        let removed = record(&mut index, "new", 10);

        assert_eq!(removed, ["old"]);
        assert_eq!(keys(&index), ["new", "middle"]);
    }

    #[test]
    fn fits_rejects_view_over_limit() {
        assert!(fits(MAX_TOTAL_CHARS));
        assert!(!fits(MAX_TOTAL_CHARS + 1));
    }

    #[test]
    fn cached_view_round_trips() {
        let view = CachedView {
            fetched_at: DateTime::parse_from_rfc3339("2026-12-05T14:14:00Z")
                .unwrap()
                .with_timezone(&Utc),
            data: vec![1, 2, 3],
        };

        let json = serde_json::to_string(&view).unwrap();

        assert_eq!(
            serde_json::from_str::<CachedView<Vec<i32>>>(&json).unwrap(),
            view
        );
    }
}
