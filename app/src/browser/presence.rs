//! The tab's side of presence: what it sends about itself and what it
//! keeps about the other tabs of its open plans (see
//! [`crate::workspace::presence`]).
//!
//! This tab sends its presence on a plan when its section changes, every
//! [`HEARTBEAT_MS`], at once when its socket opens, and in reply to a tab
//! it had not seen, so that a newcomer lists everyone without waiting for a
//! heartbeat. It sends a `leaving` presence when it closes a plan and on
//! `pagehide`. When its socket closes it forgets every other tab, because
//! it can no longer tell who is still there.
//!
//! The hooks in [`super`] call the `pub(super)` functions here; the state
//! sits in the tab's `BrowserState` as [`TabPresence`].

use std::collections::{HashMap, HashSet};

use cairn_sync::{DocumentId, Message};
use leptos::prelude::Update;

use super::{now_ms, BrowserHandle};
use crate::workspace::presence::payload::{Presence, Section, TabId};
use crate::workspace::presence::{PeerPresence, Roster, RosterChange, HEARTBEAT_MS};

/// The minimum time between two section changes sent on one plan, in
/// milliseconds. A change that comes sooner waits for the next tick, so
/// scrolling through the page stays under the server's rate limit of 5
/// ephemeral messages per second (`server/src/ephemeral_limit.rs`).
const MIN_CHANGE_INTERVAL_MS: u64 = 300;

/// This tab's presence and the roster of the other tabs.
pub(super) struct TabPresence {
    /// This tab's random id, new for every page load.
    tab: TabId,
    /// The section of each plan whose page this tab shows; a plan is in
    /// this map from its page's first report until the page closes.
    shown: HashMap<DocumentId, Option<Section>>,
    /// When this tab last sent its presence on each plan.
    sent_ms: HashMap<DocumentId, u64>,
    /// Plans whose section changed too soon after the last message; the
    /// next tick sends them.
    unsent_changes: HashSet<DocumentId>,
    roster: Roster,
}

impl TabPresence {
    pub(super) fn new() -> Self {
        Self {
            tab: TabId::new_random(),
            shown: HashMap::new(),
            sent_ms: HashMap::new(),
            unsent_changes: HashSet::new(),
            roster: Roster::new(),
        }
    }

    fn payload(&self, section: Option<Section>, leaving: bool) -> Vec<u8> {
        Presence {
            tab: self.tab.clone(),
            section,
            leaving,
        }
        .encode()
    }
}

impl BrowserHandle {
    /// Returns the other people on the plan (see
    /// [`crate::workspace::Workspace::peers`]).
    pub fn peers(&self, id: DocumentId) -> Vec<PeerPresence> {
        self.state.borrow().presence.roster.peers(id)
    }

    /// Sets this tab's section on the plan and sends it when it changed
    /// or when the tab was not present on the plan yet. A change within
    /// [`MIN_CHANGE_INTERVAL_MS`] of the last message waits for the next
    /// tick.
    pub fn set_presence_section(&self, id: DocumentId, section: Option<Section>) {
        let outgoing = {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            let previous = state.presence.shown.insert(id, section);
            if previous == Some(section) {
                return;
            }

            let now = now_ms();
            let sent = state.presence.sent_ms.get(&id).copied().unwrap_or(0);
            if now.saturating_sub(sent) < MIN_CHANGE_INTERVAL_MS {
                state.presence.unsent_changes.insert(id);
                return;
            }

            let data = state.presence.payload(section, false);
            let outgoing = state.session.ephemeral(id, data);
            // Before the plan is open on a connection nothing goes out, and
            // the next tick tries again.
            let sent = if outgoing.is_empty() { 0 } else { now };
            state.presence.sent_ms.insert(id, sent);
            outgoing
        };
        self.send(outgoing);
    }

    /// Applies a presence message that the server relayed from another
    /// tab. A payload that does not decode is logged and dropped.
    pub(super) fn receive_presence(&self, id: DocumentId, sender: Option<String>, data: &[u8]) {
        let Some(sender) = sender else {
            leptos::logging::warn!("presence on plan {id} arrived without a sender; ignored");
            return;
        };
        let presence = match Presence::decode(data) {
            Ok(presence) => presence,
            Err(error) => {
                leptos::logging::warn!("presence on plan {id} was rejected: {error}");
                return;
            }
        };

        let (change, reply) = {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            let change = state.presence.roster.apply(id, &sender, presence, now_ms());
            let reply = match (change, state.presence.shown.get(&id)) {
                (RosterChange::Appeared, Some(&section)) => {
                    state.presence.sent_ms.insert(id, now_ms());
                    let data = state.presence.payload(section, false);
                    state.session.ephemeral(id, data)
                }
                _ => Vec::new(),
            };
            (change, reply)
        };
        self.send(reply);
        if change != RosterChange::Refreshed {
            self.bump_presence();
        }
    }

    /// Sends this tab's presence on every plan it shows, when its socket
    /// has just opened.
    pub(super) fn announce_presence(&self) {
        let outgoing = {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            let now = now_ms();
            let mut outgoing = Vec::new();
            for (&id, &section) in &state.presence.shown {
                state.presence.sent_ms.insert(id, now);
                let data = state.presence.payload(section, false);
                outgoing.extend(state.session.ephemeral(id, data));
            }
            outgoing
        };
        self.send(outgoing);
    }

    /// Sends a `leaving` presence on the plan and clears its other tabs
    /// from the roster, when this tab closes the plan. Call it before the sync session
    /// closes the plan, which stops its ephemeral messages.
    pub(super) fn leave_presence(&self, id: DocumentId) {
        let outgoing = {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            state.presence.sent_ms.remove(&id);
            state.presence.unsent_changes.remove(&id);
            state.presence.roster.forget(id);
            if state.presence.shown.remove(&id).is_none() {
                return;
            }
            let data = state.presence.payload(None, true);
            state.session.ephemeral(id, data)
        };
        self.send(outgoing);
        self.bump_presence();
    }

    /// Sends a `leaving` presence on every plan this tab shows, on
    /// `pagehide`. The plans stay shown: a page restored from the
    /// back-forward cache sends its presence again on the next heartbeat.
    pub(super) fn leave_all_presence(&self) {
        let outgoing: Vec<Message> = {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            let mut outgoing = Vec::new();
            let shown: Vec<DocumentId> = state.presence.shown.keys().copied().collect();
            for id in shown {
                // Zero makes the next heartbeat due at once.
                state.presence.sent_ms.insert(id, 0);
                let data = state.presence.payload(None, true);
                outgoing.extend(state.session.ephemeral(id, data));
            }
            outgoing
        };
        self.send(outgoing);
    }

    /// Forgets every other tab, when this tab's socket closes.
    pub(super) fn clear_presence(&self) {
        let cleared = self.state.borrow_mut().presence.roster.clear();
        if cleared {
            self.bump_presence();
        }
    }

    /// Sends this tab's presence where a heartbeat or a held-back section
    /// change is due, and drops the other tabs that went quiet. Runs on the tab's one-second tick.
    pub(super) fn presence_tick(&self) {
        let (outgoing, expired) = {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            let now = now_ms();
            let mut outgoing = Vec::new();
            for (&id, &section) in &state.presence.shown {
                let sent = state.presence.sent_ms.get(&id).copied().unwrap_or(0);
                let elapsed = now.saturating_sub(sent);
                let changed = state.presence.unsent_changes.contains(&id);
                if elapsed >= HEARTBEAT_MS || (changed && elapsed >= MIN_CHANGE_INTERVAL_MS) {
                    state.presence.unsent_changes.remove(&id);
                    state.presence.sent_ms.insert(id, now);
                    let data = state.presence.payload(section, false);
                    outgoing.extend(state.session.ephemeral(id, data));
                }
            }
            (outgoing, state.presence.roster.expire(now))
        };
        self.send(outgoing);
        if expired {
            self.bump_presence();
        }
    }

    fn bump_presence(&self) {
        self.signals.presence.update(|revision| *revision += 1);
    }
}
