//! The browser's sync state for one connection, which carries many
//! documents.
//!
//! [`ClientSession`] decides what to send and never touches the socket or
//! the clock: the caller passes messages in, sends what comes back, and
//! passes the current time as `now_ms` (milliseconds from any fixed
//! origin). The caller owns the replicas and lends each call the one it
//! concerns. A connection goes through these steps:
//!
//! 1. Register documents with [`ClientSession::open`] at any time. While
//!    offline it returns nothing.
//!
//! 2. When the socket opens, call [`ClientSession::connected`] and then
//!    [`ClientSession::resume`] for every document it lists. Each document
//!    starts from a fresh automerge sync state, sends `Open`, then its first
//!    `Sync`.
//!
//! 3. Pass every incoming frame to [`ClientSession::receive`], and call
//!    [`ClientSession::local_change`] after each local commit.
//!
//! 4. Call [`ClientSession::tick`] for each open document every second or
//!    so. It restarts a document's sync when a reply has been due for the
//!    document's reply timeout (see [`REPLY_TIMEOUT_MS`]).
//!
//! 5. When the socket closes, call [`ClientSession::disconnected`].
//!
//! The session also tracks which heads the server acknowledged as durable,
//! which [`ClientSession::status`] turns into "offline", "syncing" or
//! "saved".

use std::collections::BTreeMap;

use automerge::sync::{self, SyncDoc};
use automerge::{Automerge, ChangeHash};

use crate::document_id::DocumentId;
use crate::envelope::{ErrorCode, Message};
use crate::error::SyncError;
use crate::history;
use crate::sync_message;

/// How long a document waits for the server's reply to a sync message
/// before [`ClientSession::tick`] restarts its sync, in milliseconds, on a
/// new connection.
///
/// The server delays a reply while it commits other peers' changes, so the
/// timeout leaves room for a slow commit. Each restart doubles the
/// document's timeout for the rest of the connection, up to
/// [`MAX_REPLY_TIMEOUT_MS`], because a reply that is only slow (a slow
/// link, a large message) would otherwise be overtaken by a restart on
/// every edit.
pub const REPLY_TIMEOUT_MS: u64 = 10_000;

/// The largest reply timeout the doubling in [`ClientSession::tick`]
/// reaches, in milliseconds.
pub const MAX_REPLY_TIMEOUT_MS: u64 = 160_000;

/// The save state of a replica's local changes, as shown to the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncStatus {
    /// Not connected, or the server refused the document. `unacked` changes
    /// are not known to be stored on the server.
    Offline {
        /// The number of changes not acknowledged as durable.
        unacked: usize,
    },
    /// Connected, with `unacked` changes not yet acknowledged as durable.
    Syncing {
        /// The number of changes not acknowledged as durable.
        unacked: usize,
    },
    /// Connected, and the server acknowledged every change of the replica.
    Saved,
}

/// Something the application should react to, reported by
/// [`ClientSession::receive`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientEvent {
    /// The replica changed: re-render it.
    DocumentChanged {
        /// The document that changed.
        doc: DocumentId,
        /// Its heads after the change.
        heads: Vec<ChangeHash>,
    },
    /// The server acknowledged more of the document as durable. Persist
    /// `heads` and pass them to [`ClientSession::restore_acked_heads`] after
    /// a reload.
    AckedHeadsChanged {
        /// The document.
        doc: DocumentId,
        /// All heads acknowledged so far, merged.
        heads: Vec<ChangeHash>,
    },
    /// The server reported an error.
    ServerError {
        /// The document concerned, if the server named one.
        doc: Option<DocumentId>,
        /// What failed.
        code: ErrorCode,
        /// The server's description.
        message: String,
    },
    /// Another user's presence data.
    Ephemeral {
        /// The document it belongs to.
        doc: DocumentId,
        /// The sending user, as the server identifies them.
        sender: Option<String>,
        /// Application-defined bytes.
        data: Vec<u8>,
    },
}

/// The outcome of [`ClientSession::receive`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Received {
    /// Events for the application to react to.
    pub events: Vec<ClientEvent>,
    /// Messages to send to the server.
    pub outgoing: Vec<Message>,
}

/// The state of a registered document on the current connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Not opened on the current connection (or there is none).
    Waiting,
    /// `Open` sent, syncing.
    Open,
    /// The server replied `NotFound` or `Forbidden`. Nothing is sent until
    /// the application opens the document again or the connection restarts.
    Rejected,
}

#[derive(Debug)]
struct DocumentSync {
    phase: Phase,
    state: sync::State,
    /// When the oldest sync message still waiting for a server reply was
    /// sent, or `None` when no reply is due.
    reply_due_since: Option<u64>,
    /// How long a reply may take before `tick` restarts the sync, in
    /// milliseconds. It starts at [`REPLY_TIMEOUT_MS`] on each connection.
    reply_timeout_ms: u64,
}

impl DocumentSync {
    fn new() -> Self {
        Self {
            phase: Phase::Waiting,
            state: sync::State::new(),
            reply_due_since: None,
            reply_timeout_ms: REPLY_TIMEOUT_MS,
        }
    }
}

/// The client side of one connection, multiplexing many documents.
#[derive(Debug, Default)]
pub struct ClientSession {
    connected: bool,
    documents: BTreeMap<DocumentId, DocumentSync>,
    /// Acknowledged heads per document. Kept after `close` so that a later
    /// `open` still has the server's acknowledgements.
    acked: BTreeMap<DocumentId, Vec<ChangeHash>>,
}

impl ClientSession {
    /// Creates a session that is offline and has no documents.
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns whether the session is between [`Self::connected`] and
    /// [`Self::disconnected`].
    pub fn is_connected(&self) -> bool {
        self.connected
    }

    /// Returns whether `doc_id` is registered.
    pub fn is_open(&self, doc_id: &DocumentId) -> bool {
        self.documents.contains_key(doc_id)
    }

    /// Registers a document and, when connected, returns `Open` and the
    /// first `Sync` for it. Opening a registered document again restarts its
    /// sync.
    #[must_use = "send the returned messages to the server"]
    pub fn open(&mut self, doc_id: DocumentId, doc: &Automerge, now_ms: u64) -> Vec<Message> {
        self.documents
            .entry(doc_id)
            .or_insert_with(DocumentSync::new);
        if !self.connected {
            return Vec::new();
        }
        self.resume(doc_id, doc, now_ms)
    }

    /// Unregisters a document and, when connected, returns `Close` for it.
    /// Its acknowledged heads are kept.
    #[must_use = "send the returned messages to the server"]
    pub fn close(&mut self, doc_id: DocumentId) -> Vec<Message> {
        let removed = self.documents.remove(&doc_id);
        match removed {
            Some(sync) if self.connected && sync.phase != Phase::Waiting => {
                vec![Message::Close { doc: doc_id }]
            }
            _ => Vec::new(),
        }
    }

    /// Records that a new connection is up and returns the documents to
    /// pass to [`Self::resume`].
    ///
    /// Every document restarts from a fresh sync state, because messages
    /// lost with the old connection would leave the old state waiting for
    /// replies that never come.
    #[must_use = "pass each returned document to resume"]
    pub fn connected(&mut self) -> Vec<DocumentId> {
        self.connected = true;
        for sync in self.documents.values_mut() {
            *sync = DocumentSync::new();
        }
        self.documents.keys().copied().collect()
    }

    /// Starts (or restarts) syncing one registered document on the current
    /// connection: returns `Open` followed by the first `Sync`. Returns
    /// nothing when offline or when `doc_id` is not registered.
    #[must_use = "send the returned messages to the server"]
    pub fn resume(&mut self, doc_id: DocumentId, doc: &Automerge, now_ms: u64) -> Vec<Message> {
        if !self.connected {
            return Vec::new();
        }
        let Some(sync) = self.documents.get_mut(&doc_id) else {
            return Vec::new();
        };

        *sync = DocumentSync {
            phase: Phase::Open,
            reply_timeout_ms: sync.reply_timeout_ms,
            ..DocumentSync::new()
        };

        let mut outgoing = vec![Message::Open { doc: doc_id }];
        outgoing.extend(generate(doc_id, sync, doc, now_ms));
        outgoing
    }

    /// Records that the connection closed. Documents stay registered and
    /// resume on the next [`Self::connected`].
    pub fn disconnected(&mut self) {
        self.connected = false;
        for sync in self.documents.values_mut() {
            *sync = DocumentSync::new();
        }
    }

    /// Returns the sync message that carries a local edit, after the
    /// application committed it to `doc`. Returns nothing while the document
    /// is not open on a connection, or when `doc` has nothing new to send.
    #[must_use = "send the returned messages to the server"]
    pub fn local_change(
        &mut self,
        doc_id: DocumentId,
        doc: &Automerge,
        now_ms: u64,
    ) -> Vec<Message> {
        match self.open_document(&doc_id) {
            Some(sync) => generate(doc_id, sync, doc, now_ms).into_iter().collect(),
            None => Vec::new(),
        }
    }

    /// Returns an `Ephemeral` message carrying presence data for an open
    /// document, or nothing while it is not open on a connection.
    #[must_use = "send the returned messages to the server"]
    pub fn ephemeral(&mut self, doc_id: DocumentId, data: Vec<u8>) -> Vec<Message> {
        match self.open_document(&doc_id) {
            Some(_) => vec![Message::Ephemeral {
                doc: doc_id,
                sender: None,
                data,
            }],
            None => Vec::new(),
        }
    }

    /// Applies one message from the server.
    ///
    /// `doc` is the replica of the document that [`Message::document_id`]
    /// names, or `None` if the application has none. `Sync` and `Ephemeral`
    /// messages for a document that is not open on this connection are
    /// ignored, because they can arrive just after `close`.
    ///
    /// # Errors
    ///
    /// [`SyncError::InvalidSyncMessage`] or [`SyncError::ChangesRejected`]
    /// for a `Sync` message automerge cannot apply,
    /// [`SyncError::DocumentNotProvided`] for a `Sync` message without its
    /// replica, and [`SyncError::UnexpectedMessage`] for `Open` or `Close`,
    /// which only clients send.
    pub fn receive(
        &mut self,
        msg: Message,
        doc: Option<&mut Automerge>,
        now_ms: u64,
    ) -> Result<Received, SyncError> {
        let mut received = Received::default();

        match msg {
            Message::Sync { doc: doc_id, data } => {
                let Some(sync) = self.open_document(&doc_id) else {
                    return Ok(received);
                };
                let Some(doc) = doc else {
                    return Err(SyncError::DocumentNotProvided { doc: doc_id });
                };

                let message = sync_message::decode(doc_id, &data)?;

                let heads_before = doc.get_heads();
                doc.receive_sync_message(&mut sync.state, message)
                    .map_err(|source| SyncError::ChangesRejected {
                        doc: doc_id,
                        source: Box::new(source),
                    })?;

                // Any sync message from the server is a reply to what was
                // due. The reply generated below sets a new deadline if it
                // needs one.
                sync.reply_due_since = None;

                let heads_after = doc.get_heads();
                if heads_after != heads_before {
                    received.events.push(ClientEvent::DocumentChanged {
                        doc: doc_id,
                        heads: heads_after,
                    });
                }
                received
                    .outgoing
                    .extend(generate(doc_id, sync, doc, now_ms));
            }

            Message::Ack { doc: doc_id, heads } => {
                let heads: Vec<ChangeHash> = heads.into_iter().map(ChangeHash).collect();
                let current = self.acked.get(&doc_id).cloned().unwrap_or_default();
                let merged = match doc {
                    Some(doc) => history::merge_heads(doc, &current, &heads),
                    None => merge_unordered(&current, &heads),
                };
                if merged != current {
                    self.acked.insert(doc_id, merged.clone());
                    received.events.push(ClientEvent::AckedHeadsChanged {
                        doc: doc_id,
                        heads: merged,
                    });
                }
            }

            Message::Error {
                doc: doc_id,
                code,
                message,
            } => {
                if let Some(doc_id) = doc_id {
                    if let Some(sync) = self.documents.get_mut(&doc_id) {
                        if matches!(code, ErrorCode::NotFound | ErrorCode::Forbidden) {
                            sync.phase = Phase::Rejected;
                            sync.reply_due_since = None;
                        }
                    }
                }
                received.events.push(ClientEvent::ServerError {
                    doc: doc_id,
                    code,
                    message,
                });
            }

            Message::Ephemeral {
                doc: doc_id,
                sender,
                data,
            } => {
                if self.open_document(&doc_id).is_some() {
                    received.events.push(ClientEvent::Ephemeral {
                        doc: doc_id,
                        sender,
                        data,
                    });
                }
            }

            Message::Open { .. } | Message::Close { .. } => {
                return Err(SyncError::UnexpectedMessage {
                    kind: msg.kind(),
                    sender: "client",
                });
            }
        }

        Ok(received)
    }

    /// Restarts a document's sync when a reply has been due for the
    /// document's reply timeout or longer: returns `Open` and a fresh first
    /// `Sync`, as [`Self::resume`] does, and doubles the timeout (see
    /// [`REPLY_TIMEOUT_MS`]). Returns nothing otherwise.
    ///
    /// Only a `Sync` message from the server counts as a reply. A message
    /// that announces heads equal to the server's last reported heads and
    /// carries no changes and no requests expects no reply, so a settled
    /// document never times out.
    #[must_use = "send the returned messages to the server"]
    pub fn tick(&mut self, doc_id: DocumentId, doc: &Automerge, now_ms: u64) -> Vec<Message> {
        let Some(sync) = self.open_document(&doc_id) else {
            return Vec::new();
        };
        let timed_out = sync
            .reply_due_since
            .is_some_and(|since| now_ms.saturating_sub(since) >= sync.reply_timeout_ms);
        if !timed_out {
            return Vec::new();
        }
        sync.reply_timeout_ms = sync
            .reply_timeout_ms
            .saturating_mul(2)
            .min(MAX_REPLY_TIMEOUT_MS);
        self.resume(doc_id, doc, now_ms)
    }

    /// Returns the document's current reply timeout in milliseconds, or
    /// `None` when the document is not open on a connection.
    pub fn reply_timeout_ms(&self, doc_id: &DocumentId) -> Option<u64> {
        if !self.connected {
            return None;
        }
        self.documents
            .get(doc_id)
            .filter(|sync| sync.phase == Phase::Open)
            .map(|sync| sync.reply_timeout_ms)
    }

    /// Returns the heads the server acknowledged as durable, merged over
    /// all acknowledgements and any restored ones.
    pub fn acked_heads(&self, doc_id: &DocumentId) -> Vec<ChangeHash> {
        self.acked.get(doc_id).cloned().unwrap_or_default()
    }

    /// Adds heads that the server acknowledged in an earlier session, such
    /// as ones the application persisted before a reload.
    pub fn restore_acked_heads(&mut self, doc_id: DocumentId, heads: Vec<ChangeHash>) {
        let current = self.acked.get(&doc_id).cloned().unwrap_or_default();
        self.acked.insert(doc_id, merge_unordered(&current, &heads));
    }

    /// Counts the changes in `doc` outside the history of the acknowledged
    /// heads. Acknowledged hashes that `doc` does not contain
    /// yet are ignored, which can only raise the count. Zero means every
    /// change is stored on the server.
    pub fn unacked_changes(&self, doc_id: &DocumentId, doc: &Automerge) -> usize {
        let acked = self
            .acked
            .get(doc_id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        history::hashes_outside(doc, acked).len()
    }

    /// Returns the document's status for display.
    pub fn status(&self, doc_id: &DocumentId, doc: &Automerge) -> SyncStatus {
        let unacked = self.unacked_changes(doc_id, doc);
        let rejected = self
            .documents
            .get(doc_id)
            .is_some_and(|sync| sync.phase == Phase::Rejected);

        if !self.connected || rejected {
            SyncStatus::Offline { unacked }
        } else if unacked == 0 {
            SyncStatus::Saved
        } else {
            SyncStatus::Syncing { unacked }
        }
    }

    fn open_document(&mut self, doc_id: &DocumentId) -> Option<&mut DocumentSync> {
        if !self.connected {
            return None;
        }
        self.documents
            .get_mut(doc_id)
            .filter(|sync| sync.phase == Phase::Open)
    }
}

/// Generates the next sync message for an open document and starts the
/// reply deadline when the message expects a reply.
fn generate(
    doc_id: DocumentId,
    sync: &mut DocumentSync,
    doc: &Automerge,
    now_ms: u64,
) -> Option<Message> {
    let message = doc.generate_sync_message(&mut sync.state)?;

    // The server stays silent when the message shows both sides at the same
    // heads with nothing to send or request. Any other message gets a reply,
    // possibly after the server commits changes from other peers.
    let settles = message.changes.is_empty()
        && message.need.is_empty()
        && sync.state.their_heads.as_ref() == Some(&message.heads);
    if !settles && sync.reply_due_since.is_none() {
        sync.reply_due_since = Some(now_ms);
    }

    Some(Message::Sync {
        doc: doc_id,
        data: message.encode(),
    })
}

/// Merges heads without a replica to check history against: the union,
/// sorted.
fn merge_unordered(current: &[ChangeHash], added: &[ChangeHash]) -> Vec<ChangeHash> {
    let mut merged: Vec<ChangeHash> = current.iter().chain(added).copied().collect();
    merged.sort_unstable();
    merged.dedup();
    merged
}
