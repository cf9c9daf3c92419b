//! Changes passed between the tabs of one browser, so two tabs of one plan
//! converge at once, even offline.
//!
//! Each chunk a tab writes to the device also goes to the other tabs of the
//! origin over the `BroadcastChannel` `cairn.changes`, as `{ doc, bytes }`.
//! A tab that has the plan open applies the chunk as Automerge changes, which
//! are idempotent, so a chunk that arrives twice or carries changes the tab
//! already has changes nothing. The chunk is already in the store, so the
//! receiving tab does not write it again, and sends it to the server with
//! its next sync, which the server deduplicates too.

use cairn_sync::DocumentId;
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, MessageEvent};

use super::store::Chunk;
use super::{now_ms, BrowserHandle};

const CHANNEL: &str = "cairn.changes";

/// The tab's end of the channel, with the callback that receives.
pub(super) struct TabChannel {
    channel: BroadcastChannel,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl TabChannel {
    /// Sends a chunk of a plan to the other tabs.
    pub(super) fn send(&self, doc: &DocumentId, chunk: &Chunk) {
        let message = Object::new();
        let written =
            Reflect::set(&message, &"doc".into(), &doc.to_string().into()).and_then(|_| {
                Reflect::set(
                    &message,
                    &"bytes".into(),
                    &Uint8Array::from(chunk.bytes.as_slice()).into(),
                )
            });
        if let Err(error) = written.and_then(|_| self.channel.post_message(&message)) {
            leptos::logging::warn!(
                "sending a change of plan {doc} to other tabs failed: {error:?}"
            );
        }
    }
}

/// Reads a message from another tab; `None` for one this version cannot
/// read.
fn read_message(data: &JsValue) -> Option<(DocumentId, Vec<u8>)> {
    let doc = Reflect::get(data, &"doc".into())
        .ok()?
        .as_string()?
        .parse()
        .ok()?;
    let bytes = Reflect::get(data, &"bytes".into())
        .ok()?
        .dyn_into::<Uint8Array>()
        .ok()?
        .to_vec();
    Some((doc, bytes))
}

impl BrowserHandle {
    /// Opens the channel to the other tabs; `None` where the browser has no
    /// `BroadcastChannel`.
    pub(super) fn open_tab_channel(&self) -> Option<TabChannel> {
        let channel = BroadcastChannel::new(CHANNEL)
            .inspect_err(|error| {
                leptos::logging::warn!("opening the channel to other tabs failed: {error:?}");
            })
            .ok()?;
        let handle = self.clone();
        let on_message =
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| match read_message(
                &event.data(),
            ) {
                Some((doc, bytes)) => handle.apply_from_other_tab(doc, &bytes),
                None => leptos::logging::warn!("a message from another tab was not understood"),
            });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(TabChannel {
            channel,
            _on_message: on_message,
        })
    }

    /// Applies a chunk another tab stored, if this tab has the plan open.
    fn apply_from_other_tab(&self, id: DocumentId, bytes: &[u8]) {
        let outgoing = {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            let Some(plan) = state.plans.get_mut(&id) else {
                return;
            };
            let heads_before = plan.heads();
            if let Err(error) = plan.automerge_mut().load_incremental(bytes) {
                leptos::logging::warn!(
                    "a change of plan {id} from another tab was unreadable: {error}"
                );
                return;
            }
            if plan.heads() == heads_before {
                return;
            }
            if let Some(storage) = state.storage.get_mut(&id) {
                storage.note_stored_elsewhere(&heads_before, plan.heads());
            }
            let plan = &state.plans[&id];
            state.session.local_change(id, plan.automerge(), now_ms())
        };
        self.send(outgoing);
        self.signals.bump();
    }
}
