//! The browser side of the workspace: the replicas, the store and the
//! WebSocket connection of one tab.
//!
//! Every step of an edit happens in this order: the edit is committed to the
//! Automerge replica, the replica is written to the device's store, and the
//! sync message that carries it is sent if the socket is open. The tab keeps
//! one WebSocket for all its plans. When it closes, the tab reconnects with
//! exponential backoff and jitter. It reconnects at once when the browser
//! reports it is online again, and never while the browser reports it is
//! offline.
//!
//! When the server reports `NotFound` for a plan made on this device that
//! it never acknowledged, the tab registers the plan with `POST /api/plans`
//! and opens it again. A plan the server does not accept otherwise is
//! **refused**: the tab sends `Close`, stops syncing it, keeps its copy and
//! makes it read-only, until a later sync is acknowledged in full (see
//! [`crate::workspace::access`]). After every close of the socket, the tab
//! requests `GET /api/session` to learn whether the session ended.
//!
//! Callbacks from the browser share the state through `Rc<RefCell<_>>`.
//! Each callback releases its borrow before it writes a signal, because a
//! signal write can run views that read the state again.

mod access;
pub mod api;
pub mod download;
pub mod events;
pub mod http;
mod persistence;
mod presence;
pub mod store;
mod tabs;
mod timers;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use automerge::ActorId;
use cairn_plan::history::EditHistory;
use cairn_plan::{Plan, PlanDocument, PlanError};
use cairn_sync::{decode, encode, ClientEvent, ClientSession, DocumentId, Message};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

use self::persistence::PlanStorage;
use self::store::indexed_db::IndexedDbStore;
use crate::workspace::access::Refusal;
use crate::workspace::{ConnectionState, LocalPlanEntry, PlanSyncState};

/// The first reconnect delay, in milliseconds; each failed attempt doubles
/// it up to [`MAX_RECONNECT_DELAY_MS`].
const FIRST_RECONNECT_DELAY_MS: f64 = 500.0;

/// The maximum delay between two reconnect attempts, in milliseconds.
const MAX_RECONNECT_DELAY_MS: f64 = 30_000.0;

/// How often open plans are checked for a sync reply that never came, in
/// milliseconds.
const TICK_INTERVAL_MS: u32 = 1_000;

/// The signals the browser state writes to.
#[derive(Clone, Copy)]
pub struct Signals {
    pub revision: RwSignal<u64>,
    pub connection: RwSignal<ConnectionState>,
    pub notice: RwSignal<Option<String>>,
    pub session_ended: RwSignal<bool>,
    /// Bumped when the other tabs on an open plan change.
    pub presence: RwSignal<u64>,
}

impl Signals {
    fn bump(&self) {
        self.revision.update(|revision| *revision += 1);
    }
}

/// A handle on the tab's browser state; clones share it.
#[derive(Clone)]
pub struct BrowserHandle {
    state: SendWrapper<Rc<RefCell<BrowserState>>>,
    signals: Signals,
}

struct Socket {
    socket: WebSocket,
    // The callbacks live as long as the socket that calls them.
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

struct BrowserState {
    store: IndexedDbStore,
    plans: HashMap<DocumentId, PlanDocument>,
    /// The tab's record of each plan's chunks on this device.
    storage: HashMap<DocumentId, PlanStorage>,
    /// Plans whose chunks are being read from the device.
    loading: HashSet<DocumentId>,
    /// Refused plans whose access route allowed a retry while they loaded;
    /// they are synced again once loaded.
    retry_after_load: HashSet<DocumentId>,
    /// This tab's prefix for the keys of the chunks it stores, so two tabs
    /// never write the same key.
    tab_id: String,
    /// The number of chunks this tab has named.
    next_chunk: u64,
    /// The channel to the other tabs of this browser, opened at start.
    tabs: Option<tabs::TabChannel>,
    /// This tab's own edits of each plan, for undo and redo. Changes that
    /// arrive from others are never recorded here.
    histories: HashMap<DocumentId, EditHistory>,
    session: ClientSession,
    socket: Option<Socket>,
    /// Reconnect attempts since the last successful connection.
    attempts: u32,
    started: bool,
    /// This tab's actor id. Two tabs of one browser use different ones, so
    /// their changes never collide.
    actor: ActorId,
    /// Plans the person may only view, from the access route's last response.
    read_only: HashSet<DocumentId>,
    /// Plans the server did not accept, loaded from the store when a plan
    /// is opened. They are not synced and cannot be edited.
    refused: HashMap<DocumentId, Refusal>,
    /// Plans with a `POST /api/plans` under way.
    registering: HashSet<DocumentId>,
    /// Plans made offline with their school left for later, whose person
    /// must choose among several schools before they can be registered.
    needs_school: HashSet<DocumentId>,
    /// This tab's presence and the other tabs on its plans; kept in memory
    /// only.
    presence: presence::TabPresence,
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

fn browser_is_online() -> bool {
    web_sys::window().is_none_or(|window| window.navigator().on_line())
}

fn sync_url() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}/sync", location.host().ok()?))
}

impl BrowserHandle {
    pub fn new(signals: Signals) -> Self {
        let state = BrowserState {
            store: persistence::device_store(),
            plans: HashMap::new(),
            storage: HashMap::new(),
            loading: HashSet::new(),
            retry_after_load: HashSet::new(),
            tab_id: format!(
                "{:08x}",
                (js_sys::Math::random() * f64::from(u32::MAX)) as u32
            ),
            next_chunk: 0,
            tabs: None,
            histories: HashMap::new(),
            session: ClientSession::new(),
            socket: None,
            attempts: 0,
            started: false,
            actor: ActorId::random(),
            read_only: HashSet::new(),
            refused: HashMap::new(),
            registering: HashSet::new(),
            needs_school: HashSet::new(),
            presence: presence::TabPresence::new(),
        };
        Self {
            state: SendWrapper::new(Rc::new(RefCell::new(state))),
            signals,
        }
    }

    pub fn start(&self) {
        {
            let mut state = self.state.borrow_mut();
            if state.started {
                return;
            }
            state.started = true;
        }

        let online = self.clone();
        timers::on_window_event("online", move || online.connect());
        let offline = self.clone();
        timers::on_window_event("offline", move || offline.go_offline());
        let ticking = self.clone();
        timers::every(TICK_INTERVAL_MS, move || ticking.tick());
        let hiding = self.clone();
        timers::on_window_event("pagehide", move || hiding.leave_all_presence());

        let channel = self.open_tab_channel();
        self.state.borrow_mut().tabs = channel;
        self.move_legacy_documents();
        persistence::request_persistence();
        self.signals.bump();
        self.connect();
    }

    /// Opens a plan in this tab: reads it from the device first if the tab
    /// does not hold it yet, then starts syncing it.
    pub fn open_plan(&self, id: DocumentId) {
        if self.state.borrow().plans.contains_key(&id) {
            self.open_loaded_plan(id);
        } else {
            self.load_plan(id);
        }
    }

    /// Starts syncing a plan the tab holds.
    fn open_loaded_plan(&self, id: DocumentId) {
        let outgoing = {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            // A refused plan stays off the connection, so its changes are
            // not sent again on every visit to its page.
            match state.plans.get(&id) {
                Some(plan) if !state.refused.contains_key(&id) => {
                    state.session.open(id, plan.automerge(), now_ms())
                }
                _ => Vec::new(),
            }
        };
        self.send(outgoing);
        self.signals.bump();
    }

    pub fn close_plan(&self, id: DocumentId) {
        self.leave_presence(id);
        let outgoing = self.state.borrow_mut().session.close(id);
        self.send(outgoing);
    }

    pub fn plan(&self, id: DocumentId) -> Option<Plan> {
        let state = self.state.borrow();
        let plan = state.plans.get(&id)?;
        plan.is_initialized().then(|| plan.snapshot())
    }

    pub fn sync_state(&self, id: DocumentId) -> PlanSyncState {
        let state = self.state.borrow();
        match state.plans.get(&id) {
            Some(plan) if state.refused.contains_key(&id) => PlanSyncState::NotSyncing {
                unacked: state.session.unacked_changes(&id, plan.automerge()),
            },
            Some(plan) => PlanSyncState::Known(state.session.status(&id, plan.automerge())),
            None => PlanSyncState::Loading,
        }
    }

    pub fn local_plans(&self) -> Vec<LocalPlanEntry> {
        let state = self.state.borrow();
        // Before `start` the page is still hydrating, and the server rendered
        // it without this device's plans.
        if !state.started {
            return Vec::new();
        }
        drop(state);
        store::list()
    }

    pub fn create_plan(&self, content: &Plan, school_id: Option<String>) -> Option<DocumentId> {
        let id = DocumentId::new_random();
        let listed = {
            let mut state = self.state.borrow_mut();
            let mut plan = match PlanDocument::from_plan(content) {
                Ok(plan) => plan,
                Err(error) => {
                    self.signals.notice.set(Some(error.to_string()));
                    return None;
                }
            };
            plan.set_actor(state.actor.clone());
            state.plans.insert(id, plan);

            // The entry carries the school to register the plan under;
            // `persist` keeps it from here on.
            store::save_entry(LocalPlanEntry {
                id,
                title: content.title.clone(),
                school: content.school.clone(),
                school_year: content.school_year.clone(),
                school_id,
                made_here: true,
            })
        };
        if let Err(error) = listed {
            self.signals.notice.set(Some(error.to_string()));
        }
        self.persist(id);
        self.open_plan(id);
        Some(id)
    }

    pub fn edit(
        &self,
        id: DocumentId,
        edit: impl FnOnce(&mut PlanDocument) -> Result<(), PlanError>,
    ) {
        if self.is_read_only(id) {
            leptos::logging::warn!("an edit of read-only plan {id} was ignored");
            return;
        }
        let result = {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            let Some(plan) = state.plans.get_mut(&id) else {
                return;
            };
            let before = plan.snapshot();
            edit(plan).map(|()| {
                let after = plan.snapshot();
                state
                    .histories
                    .entry(id)
                    .or_default()
                    .record(&before, &after, js_sys::Date::now());
            })
        };
        if let Err(error) = result {
            self.signals.notice.set(Some(error.to_string()));
            return;
        }

        self.commit_local_change(id);
    }

    /// Undoes this tab's latest edit of a plan that is still undone, leaving
    /// other people's edits in place.
    pub fn undo(&self, id: DocumentId) {
        self.step_history(id, |history, plan| history.undo(plan));
    }

    /// Applies again the edit that the latest undo took back.
    pub fn redo(&self, id: DocumentId) {
        self.step_history(id, |history, plan| history.redo(plan));
    }

    /// Returns whether this tab has an edit of the plan to undo and one to
    /// redo.
    pub fn history_state(&self, id: DocumentId) -> (bool, bool) {
        let state = self.state.borrow();
        state
            .histories
            .get(&id)
            .map(|history| (history.can_undo(), history.can_redo()))
            .unwrap_or_default()
    }

    fn step_history(
        &self,
        id: DocumentId,
        step: impl FnOnce(&mut EditHistory, &mut PlanDocument) -> Result<bool, PlanError>,
    ) {
        if self.is_read_only(id) {
            return;
        }
        let result = {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            let (Some(plan), Some(history)) =
                (state.plans.get_mut(&id), state.histories.get_mut(&id))
            else {
                return;
            };
            step(history, plan)
        };
        match result {
            Ok(true) => self.commit_local_change(id),
            Ok(false) => {}
            Err(error) => self.signals.notice.set(Some(error.to_string())),
        }
    }

    /// Stores a plan after a local change, sends the change, and bumps the
    /// revision so views read the plan again.
    fn commit_local_change(&self, id: DocumentId) {
        self.persist(id);

        let outgoing = {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            let plan = &state.plans[&id];
            state.session.local_change(id, plan.automerge(), now_ms())
        };
        self.send(outgoing);
        self.signals.bump();
    }

    fn connect(&self) {
        if !browser_is_online() {
            self.signals.connection.set(ConnectionState::Offline);
            return;
        }
        if self.state.borrow().socket.is_some() {
            return;
        }
        let Some(url) = sync_url() else {
            return;
        };
        let socket = match WebSocket::new(&url) {
            Ok(socket) => socket,
            Err(error) => {
                leptos::logging::warn!("opening the sync connection failed: {error:?}");
                self.schedule_reconnect();
                return;
            }
        };
        socket.set_binary_type(BinaryType::Arraybuffer);

        let opened = self.clone();
        let on_open = Closure::<dyn FnMut()>::new(move || opened.on_open());
        let receiver = self.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            receiver.on_message(event)
        });
        let closed = self.clone();
        let on_close =
            Closure::<dyn FnMut(CloseEvent)>::new(move |_event: CloseEvent| closed.on_close());
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));

        self.state.borrow_mut().socket = Some(Socket {
            socket,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        });
        self.signals.connection.set(ConnectionState::Connecting);
    }

    fn on_open(&self) {
        let outgoing = {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            state.attempts = 0;
            let now = now_ms();
            let mut outgoing = Vec::new();
            for id in state.session.connected() {
                if let Some(plan) = state.plans.get(&id) {
                    outgoing.extend(state.session.resume(id, plan.automerge(), now));
                }
            }
            outgoing
        };
        self.send(outgoing);
        self.signals.connection.set(ConnectionState::Online);
        // The sync route needs a session, so an open socket shows that the
        // session is alive.
        self.signals.session_ended.set(false);
        self.signals.bump();
        self.announce_presence();
    }

    fn on_message(&self, event: MessageEvent) {
        let Ok(buffer) = event.data().dyn_into::<js_sys::ArrayBuffer>() else {
            leptos::logging::warn!(
                "the server sent a text frame; the sync protocol uses binary frames"
            );
            return;
        };
        let frame = js_sys::Uint8Array::new(&buffer).to_vec();
        let message = match decode(&frame) {
            Ok(message) => message,
            Err(error) => {
                leptos::logging::warn!("a frame from the server was rejected: {error}");
                return;
            }
        };

        let acknowledged_doc = match &message {
            Message::Ack { doc, .. } => Some(*doc),
            _ => None,
        };
        let received = {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            let doc = message
                .document_id()
                .copied()
                .and_then(|id| state.plans.get_mut(&id))
                .map(PlanDocument::automerge_mut);
            state.session.receive(message, doc, now_ms())
        };
        let received = match received {
            Ok(received) => received,
            Err(error) => {
                leptos::logging::warn!("a sync message from the server was rejected: {error}");
                self.signals.notice.set(Some(error.to_string()));
                return;
            }
        };

        for event in received.events {
            self.handle_event(event);
        }
        self.send(received.outgoing);
        if let Some(id) = acknowledged_doc {
            self.clear_refusal_if_saved(id);
        }
        self.signals.bump();
    }

    fn handle_event(&self, event: ClientEvent) {
        match event {
            ClientEvent::DocumentChanged { doc, .. } => self.persist(doc),
            ClientEvent::AckedHeadsChanged { doc, heads } => {
                let result = store::save_acked_heads(&doc, &heads);
                if let Err(error) = result {
                    self.signals.notice.set(Some(error.to_string()));
                }
            }
            ClientEvent::ServerError {
                doc: Some(id),
                code,
                message,
            } => self.on_plan_error(id, code, message),
            ClientEvent::ServerError {
                doc: None,
                code,
                message,
            } => {
                leptos::logging::warn!("the server reported {code:?}: {message}");
                self.signals.notice.set(Some(message));
            }
            ClientEvent::Ephemeral { doc, sender, data } => {
                self.receive_presence(doc, sender, &data)
            }
        }
    }

    fn on_close(&self) {
        {
            let mut state = self.state.borrow_mut();
            state.socket = None;
            state.session.disconnected();
        }
        self.signals.connection.set(ConnectionState::Offline);
        self.signals.bump();
        self.clear_presence();
        self.check_session();
        self.schedule_reconnect();
    }

    /// Closes the socket when the browser reports it is offline, so the
    /// status is honest at once instead of after a long TCP timeout.
    fn go_offline(&self) {
        let socket = self.state.borrow_mut().socket.take();
        if let Some(socket) = socket {
            socket.socket.set_onclose(None);
            let _ = socket.socket.close();
        }
        self.state.borrow_mut().session.disconnected();
        self.signals.connection.set(ConnectionState::Offline);
        self.signals.bump();
        self.clear_presence();
    }

    fn schedule_reconnect(&self) {
        if !browser_is_online() {
            return;
        }
        let attempts = {
            let mut state = self.state.borrow_mut();
            state.attempts = state.attempts.saturating_add(1);
            state.attempts
        };
        let ceiling = (FIRST_RECONNECT_DELAY_MS * 2f64.powi(attempts.min(16) as i32 - 1))
            .min(MAX_RECONNECT_DELAY_MS);
        // Full jitter spreads the reconnects of many tabs after a server
        // restart.
        let delay = ceiling / 2.0 + js_sys::Math::random() * ceiling / 2.0;
        let handle = self.clone();
        timers::after(delay as u32, move || handle.connect());
    }

    fn tick(&self) {
        self.retry_failed_writes();
        let outgoing = {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            let now = now_ms();
            let mut outgoing = Vec::new();
            for (id, plan) in &state.plans {
                outgoing.extend(state.session.tick(*id, plan.automerge(), now));
            }
            outgoing
        };
        self.send(outgoing);
        self.presence_tick();
    }

    fn send(&self, messages: Vec<Message>) {
        if messages.is_empty() {
            return;
        }
        let state = self.state.borrow();
        let Some(socket) = state.socket.as_ref() else {
            return;
        };
        if socket.socket.ready_state() != WebSocket::OPEN {
            return;
        }
        for message in messages {
            if let Err(error) = socket.socket.send_with_u8_array(&encode(&message)) {
                leptos::logging::warn!("sending a sync message failed: {error:?}");
            }
        }
    }
}
