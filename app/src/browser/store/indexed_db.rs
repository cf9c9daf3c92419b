//! The [`DocStore`] over IndexedDB.
//!
//! One database, `cairn`, contains one object store, `chunks`. A chunk's key is
//! `<plan id>:<chunk key>`, so a key range from `<plan id>:` to `<plan id>;`
//! (`;` follows `:` in code order) selects one plan's chunks. Values are the
//! chunk bytes as `Uint8Array`s.
//!
//! Every request of a transaction is issued before the first `await`, so the
//! transaction never goes inactive between requests.

use std::cell::RefCell;
use std::rc::Rc;

use cairn_sync::DocumentId;
use js_sys::{Array, Function, Promise, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DomException, IdbDatabase, IdbKeyRange, IdbOpenDbRequest, IdbRequest, IdbTransaction,
    IdbTransactionMode,
};

use super::{Chunk, ChunkKey, DocStore, StoreError};

const DATABASE: &str = "cairn";
const DATABASE_VERSION: u32 = 1;
const CHUNKS: &str = "chunks";

/// The name of the `DOMException` a write over the browser's quota fails
/// with.
const QUOTA_EXCEEDED: &str = "QuotaExceededError";

/// The [`DocStore`] over IndexedDB; clones share one open database.
#[derive(Clone, Default)]
pub struct IndexedDbStore {
    database: Rc<RefCell<Option<IdbDatabase>>>,
}

fn storage_key(doc: &DocumentId, key: &str) -> JsValue {
    JsValue::from_str(&format!("{doc}:{key}"))
}

/// Describes a value the browser rejected with, for error messages.
fn describe(error: &JsValue) -> String {
    if let Some(exception) = error.dyn_ref::<DomException>() {
        return format!("{}: {}", exception.name(), exception.message());
    }
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}

/// Maps a failed request or transaction of plan `doc` to a [`StoreError`].
fn failure(doc: &DocumentId, exception: Option<DomException>, fallback: &JsValue) -> StoreError {
    match exception {
        Some(exception) if exception.name() == QUOTA_EXCEEDED => StoreError::Full {
            doc: *doc,
            reason: exception.message(),
        },
        Some(exception) => StoreError::Failed {
            doc: *doc,
            reason: format!("{}: {}", exception.name(), exception.message()),
        },
        None => StoreError::Failed {
            doc: *doc,
            reason: describe(fallback),
        },
    }
}

/// Waits for a request to succeed and returns its result.
async fn finished(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    JsFuture::from(promise).await?;
    request.result()
}

/// Waits for a transaction to commit. An aborted transaction fails with its
/// error, such as a `QuotaExceededError`.
async fn committed(doc: &DocumentId, transaction: &IdbTransaction) -> Result<(), StoreError> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        transaction.set_oncomplete(Some(&resolve));
        transaction.set_onabort(Some(&reject));
    });
    match JsFuture::from(promise).await {
        Ok(_) => Ok(()),
        Err(event) => Err(failure(doc, transaction.error(), &event)),
    }
}

impl IndexedDbStore {
    /// Returns the open database, opening it and creating its object store
    /// on first use.
    async fn database(&self) -> Result<IdbDatabase, StoreError> {
        if let Some(database) = self.database.borrow().as_ref() {
            return Ok(database.clone());
        }

        let unavailable = |reason: String| StoreError::Unavailable { reason };
        let factory = web_sys::window()
            .ok_or_else(|| unavailable("no window".to_owned()))?
            .indexed_db()
            .map_err(|error| unavailable(describe(&error)))?
            .ok_or_else(|| unavailable("IndexedDB is not available".to_owned()))?;
        let request: IdbOpenDbRequest = factory
            .open_with_u32(DATABASE, DATABASE_VERSION)
            .map_err(|error| unavailable(describe(&error)))?;

        // Runs when the database is new or older than DATABASE_VERSION.
        let upgrade = Closure::<dyn FnMut(web_sys::Event)>::new({
            let request = request.clone();
            move |_event: web_sys::Event| {
                let Ok(result) = request.result() else {
                    return;
                };
                let database: IdbDatabase = result.unchecked_into();
                if !database.object_store_names().contains(CHUNKS) {
                    if let Err(error) = database.create_object_store(CHUNKS) {
                        leptos::logging::warn!(
                            "creating the plan store on this device failed: {}",
                            describe(&error)
                        );
                    }
                }
            }
        });
        request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));

        let opened = finished(&request).await;
        request.set_onupgradeneeded(None);
        drop(upgrade);
        let database: IdbDatabase = opened
            .map_err(|error| {
                let reason = request
                    .error()
                    .ok()
                    .flatten()
                    .map_or_else(|| describe(&error), |exception| describe(&exception));
                unavailable(reason)
            })?
            .unchecked_into();

        // A newer version of Cairn in another tab may need to upgrade the
        // database; this tab closes its connection rather than block it.
        let close = Closure::<dyn FnMut()>::new({
            let database = database.clone();
            let shared = Rc::clone(&self.database);
            move || {
                database.close();
                shared.borrow_mut().take();
            }
        });
        database.set_onversionchange(Some(close.as_ref().unchecked_ref()));
        close.forget();

        *self.database.borrow_mut() = Some(database.clone());
        Ok(database)
    }

    /// Starts a transaction on the chunk store.
    async fn transaction(
        &self,
        doc: &DocumentId,
        mode: IdbTransactionMode,
    ) -> Result<IdbTransaction, StoreError> {
        let database = self.database().await?;
        database
            .transaction_with_str_and_mode(CHUNKS, mode)
            .map_err(|error| failure(doc, error.dyn_ref::<DomException>().cloned(), &error))
    }
}

impl DocStore for IndexedDbStore {
    async fn load(&self, doc: &DocumentId) -> Result<Vec<Chunk>, StoreError> {
        let transaction = self.transaction(doc, IdbTransactionMode::Readonly).await?;
        let fail = |error: JsValue| failure(doc, error.dyn_ref::<DomException>().cloned(), &error);

        let range = IdbKeyRange::bound(
            &JsValue::from_str(&format!("{doc}:")),
            &JsValue::from_str(&format!("{doc};")),
        )
        .map_err(fail)?;
        let chunks = transaction.object_store(CHUNKS).map_err(fail)?;
        let values = chunks.get_all_with_key(&range).map_err(fail)?;
        let keys = chunks.get_all_keys_with_key(&range).map_err(fail)?;

        let values: Array = finished(&values).await.map_err(fail)?.unchecked_into();
        let keys: Array = finished(&keys).await.map_err(fail)?.unchecked_into();

        let prefix_length = doc.to_string().len() + 1;
        let loaded = keys
            .iter()
            .zip(values.iter())
            .filter_map(|(key, value)| {
                let key = key.as_string()?;
                let bytes = value.dyn_into::<Uint8Array>().ok()?.to_vec();
                Some(Chunk {
                    key: key.get(prefix_length..)?.to_owned(),
                    bytes,
                })
            })
            .collect();
        Ok(loaded)
    }

    async fn append(&self, doc: &DocumentId, chunk: &Chunk) -> Result<(), StoreError> {
        let transaction = self.transaction(doc, IdbTransactionMode::Readwrite).await?;
        let fail = |error: JsValue| failure(doc, error.dyn_ref::<DomException>().cloned(), &error);

        let chunks = transaction.object_store(CHUNKS).map_err(fail)?;
        chunks
            .put_with_key(
                &Uint8Array::from(chunk.bytes.as_slice()),
                &storage_key(doc, &chunk.key),
            )
            .map_err(fail)?;
        committed(doc, &transaction).await
    }

    async fn compact(
        &self,
        doc: &DocumentId,
        snapshot: &Chunk,
        replaced: &[ChunkKey],
    ) -> Result<(), StoreError> {
        let transaction = self.transaction(doc, IdbTransactionMode::Readwrite).await?;
        let fail = |error: JsValue| failure(doc, error.dyn_ref::<DomException>().cloned(), &error);

        let chunks = transaction.object_store(CHUNKS).map_err(fail)?;
        chunks
            .put_with_key(
                &Uint8Array::from(snapshot.bytes.as_slice()),
                &storage_key(doc, &snapshot.key),
            )
            .map_err(fail)?;
        for key in replaced.iter().filter(|key| **key != snapshot.key) {
            chunks.delete(&storage_key(doc, key)).map_err(fail)?;
        }
        committed(doc, &transaction).await
    }
}

/// Asks the browser to keep this site's storage under storage pressure, and
/// returns whether it agreed. Chromium grants it to sites a person uses
/// often or installed; other browsers may ask the person.
pub async fn request_persistence() -> Result<bool, String> {
    let window = web_sys::window().ok_or("no window")?;
    let promise = window
        .navigator()
        .storage()
        .persist()
        .map_err(|error| describe(&error))?;
    let granted = JsFuture::from(promise)
        .await
        .map_err(|error| describe(&error))?;
    Ok(granted.as_bool().unwrap_or(false))
}
