//! The server's sync state for one loaded document and its peers.
//!
//! The server runs one task per loaded document, and that task owns one
//! [`ServerDocument`]. For each frame the task does:
//!
//! 1. On `Open`, call [`ServerDocument::add_peer`] and send what it returns.
//!
//! 2. On `Sync`, call [`ServerDocument::receive_sync`]. On an error, send
//!    [`SyncError::to_message`] to the peer and stop there.
//!
//! 3. Send what [`ServerDocument::pending_outbound`] returns, so that a
//!    message that brought no new changes gets its reply at once.
//!
//! 4. If [`Applied::new_changes`] is not empty, commit those changes to the
//!    database, in order after every earlier batch, then call
//!    [`ServerDocument::mark_durable`] with [`Applied::heads_after`] and send
//!    what it returns.
//!
//! 5. On `Close` or a closed connection, call
//!    [`ServerDocument::remove_peer`].
//!
//! The rule behind steps 3 and 4 is "persist before acknowledge and before
//! forward": an `Ack` names only heads whose history is committed, and a
//! change that is not yet committed is never sent to a peer. The server holds
//! back every sync message to a peer while the document contains an
//! uncommitted change that the peer's last reported heads do not include.
//! Those messages go out from [`ServerDocument::mark_durable`].
//!
//! A failed commit therefore stalls the sync of every peer that lacks the
//! uncommitted changes. Retry it with [`ServerDocument::undurable_changes`].
//! A server that gives up and reloads the document from storage loses no
//! change for good, because clients keep unacknowledged changes and send
//! them again when they reconnect.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use automerge::sync::{self, SyncDoc};
use automerge::{Automerge, ChangeHash};

use crate::document_id::DocumentId;
use crate::envelope::Message;
use crate::error::SyncError;
use crate::history;
use crate::sync_message;

/// The server's identifier for one connection, unique among the
/// connections it has open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PeerId(pub u64);

impl fmt::Display for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "peer-{}", self.0)
    }
}

/// A message for the server to send to one peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outbound {
    /// The connection to send on.
    pub peer: PeerId,
    /// The message to send.
    pub message: Message,
}

/// The result of applying one sync message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    /// The raw bytes of each change that is new to this document, in causal
    /// order, for the caller to commit to storage. Empty when the message
    /// brought nothing new.
    pub new_changes: Vec<Vec<u8>>,
    /// The document's heads after applying the message. Once `new_changes`
    /// and every earlier batch are committed, pass these to
    /// [`ServerDocument::mark_durable`].
    pub heads_after: Vec<ChangeHash>,
}

/// The server's state for one loaded document: the document, which part of
/// it is committed to storage, and one automerge sync state per subscribed
/// peer.
#[derive(Debug)]
pub struct ServerDocument {
    id: DocumentId,
    doc: Automerge,
    durable_heads: Vec<ChangeHash>,
    /// Hashes of the changes in `doc` that are not in the history of
    /// `durable_heads`.
    undurable: BTreeSet<ChangeHash>,
    peers: BTreeMap<PeerId, sync::State>,
}

impl ServerDocument {
    /// Creates the state for document `id` as loaded from storage. Every
    /// change in `doc` counts as durable.
    pub fn new(id: DocumentId, doc: Automerge) -> Self {
        let durable_heads = doc.get_heads();
        Self {
            id,
            doc,
            durable_heads,
            undurable: BTreeSet::new(),
            peers: BTreeMap::new(),
        }
    }

    /// Returns the document's id.
    pub fn id(&self) -> &DocumentId {
        &self.id
    }

    /// Returns the document with every change received, committed or not.
    pub fn document(&self) -> &Automerge {
        &self.doc
    }

    /// Returns the heads whose whole history is committed to storage.
    pub fn durable_heads(&self) -> &[ChangeHash] {
        &self.durable_heads
    }

    /// Returns the raw bytes of every change not yet marked durable, in
    /// causal order. A caller whose commit failed can retry with these.
    pub fn undurable_changes(&self) -> Vec<Vec<u8>> {
        if self.undurable.is_empty() {
            return Vec::new();
        }
        self.doc
            .get_changes(&self.durable_heads)
            .iter()
            .map(|change| change.raw_bytes().to_vec())
            .collect()
    }

    /// Returns the number of subscribed peers.
    pub fn peer_count(&self) -> usize {
        self.peers.len()
    }

    /// Returns whether `peer` is subscribed.
    pub fn has_peer(&self, peer: PeerId) -> bool {
        self.peers.contains_key(&peer)
    }

    /// Subscribes `peer` with a fresh sync state, replacing any state it
    /// had, and returns an `Ack` of the durable heads followed by the first
    /// `Sync` message.
    ///
    /// The `Sync` message is held back (and later sent by
    /// [`Self::mark_durable`]) while the document has uncommitted changes,
    /// because a fresh peer has reported no heads yet.
    #[must_use = "send the returned messages to their peers"]
    pub fn add_peer(&mut self, peer: PeerId) -> Vec<Outbound> {
        self.peers.insert(peer, sync::State::new());

        let mut outbound = vec![Outbound {
            peer,
            message: self.ack(),
        }];
        outbound.extend(self.generate_for(peer));
        outbound
    }

    /// Unsubscribes `peer`. Changes it sent stay in the document.
    pub fn remove_peer(&mut self, peer: PeerId) {
        self.peers.remove(&peer);
    }

    /// Decodes and applies one sync message from `peer`.
    ///
    /// Returns the changes that are new to the document, for the caller to
    /// commit. Replies are not generated here: call
    /// [`Self::pending_outbound`] next.
    ///
    /// # Errors
    ///
    /// [`SyncError::UnknownPeer`] if `peer` is not subscribed,
    /// [`SyncError::InvalidSyncMessage`] if `data` is not an automerge sync
    /// message or has a Bloom filter that cannot be probed (see
    /// [`crate::MAX_BLOOM_PROBES`]), and [`SyncError::ChangesRejected`] if automerge rejects the
    /// changes in it. A message that fails to decode leaves the document and
    /// the peer's sync state unchanged.
    ///
    /// NOTE: automerge 0.12 checks a batch of changes (duplicate sequence
    /// numbers, duplicate authors) before applying any of it, so a rejected
    /// message leaves the document unchanged in the cases found by reading
    /// its source. The document is not cloned to guarantee this for errors
    /// raised later, while ops are applied.
    pub fn receive_sync(&mut self, peer: PeerId, data: &[u8]) -> Result<Applied, SyncError> {
        let Some(state) = self.peers.get_mut(&peer) else {
            return Err(SyncError::UnknownPeer { doc: self.id, peer });
        };

        let message = sync_message::decode(self.id, data)?;

        // NOTE: automerge 0.12 applies the change chunks of a sync message
        // with a partial load that logs and drops a chunk it cannot parse,
        // so such a message gets a normal reply. The sender never receives
        // an ack for the dropped changes and keeps showing them as unsaved.
        // Loading each chunk on its own first is no check: a valid chunk
        // whose dependencies are in the document fails that way too.
        let heads_before = self.doc.get_heads();
        self.doc
            .receive_sync_message(state, message)
            .map_err(|source| SyncError::ChangesRejected {
                doc: self.id,
                source: Box::new(source),
            })?;
        let heads_after = self.doc.get_heads();

        let mut new_changes = Vec::new();
        if heads_after != heads_before {
            for change in self.doc.get_changes(&heads_before) {
                self.undurable.insert(change.hash());
                new_changes.push(change.raw_bytes().to_vec());
            }
        }

        Ok(Applied {
            new_changes,
            heads_after,
        })
    }

    /// Records that every change in the history of `heads` is committed to
    /// storage, and returns an `Ack` for every peer (when the durable heads
    /// moved) followed by the sync messages that were held back.
    ///
    /// Call it only after the commit succeeded, with heads whose whole
    /// history is committed: [`Applied::heads_after`] qualifies once its
    /// batch and all earlier batches are committed. Hashes the document does
    /// not contain are ignored.
    #[must_use = "send the returned messages to their peers"]
    pub fn mark_durable(&mut self, heads: &[ChangeHash]) -> Vec<Outbound> {
        let merged = history::merge_heads(&self.doc, &self.durable_heads, heads)
            .into_iter()
            .filter(|hash| history::has_change(&self.doc, hash))
            .collect::<Vec<_>>();

        let mut outbound = Vec::new();
        if merged != self.durable_heads {
            self.durable_heads = merged;
            self.undurable = history::hashes_outside(&self.doc, &self.durable_heads)
                .into_iter()
                .collect();

            let ack = self.ack();
            for &peer in self.peers.keys() {
                outbound.push(Outbound {
                    peer,
                    message: ack.clone(),
                });
            }
        }

        outbound.extend(self.pending_outbound());
        outbound
    }

    /// Applies changes that another server process has already committed
    /// to the shared storage, counts them as durable, and returns what
    /// [`Self::mark_durable`] returns: an `Ack` for every peer and the sync
    /// messages that carry the changes on to them. Changes already in the
    /// document are skipped.
    ///
    /// # Errors
    ///
    /// [`SyncError::ChangesRejected`] if automerge rejects the changes; the
    /// document is then unchanged as far as automerge guarantees (see
    /// [`Self::receive_sync`]).
    pub fn apply_stored(
        &mut self,
        changes: Vec<automerge::Change>,
    ) -> Result<Vec<Outbound>, SyncError> {
        let deps: BTreeSet<ChangeHash> = changes
            .iter()
            .flat_map(|change| change.deps().iter().copied())
            .collect();
        let heads: Vec<ChangeHash> = changes
            .iter()
            .map(automerge::Change::hash)
            .filter(|hash| !deps.contains(hash))
            .collect();

        self.doc
            .apply_changes(changes)
            .map_err(|source| SyncError::ChangesRejected {
                doc: self.id,
                source: Box::new(source),
            })?;

        Ok(self.mark_durable(&heads))
    }

    /// Generates the sync messages that peers are due now: replies to
    /// messages that brought no new changes, and anything held back that
    /// may be sent. Returns nothing for a peer that is up to date, whose
    /// earlier message is still unanswered, or that would be sent an
    /// uncommitted change.
    #[must_use = "send the returned messages to their peers"]
    pub fn pending_outbound(&mut self) -> Vec<Outbound> {
        let peers: Vec<PeerId> = self.peers.keys().copied().collect();
        peers
            .into_iter()
            .flat_map(|peer| self.generate_for(peer))
            .collect()
    }

    /// Returns an `Ephemeral` message for every subscribed peer except
    /// `from`, carrying `sender` as the server identifies the sending user.
    #[must_use = "send the returned messages to their peers"]
    pub fn relay_ephemeral(
        &self,
        from: PeerId,
        sender: Option<String>,
        data: Vec<u8>,
    ) -> Vec<Outbound> {
        self.peers
            .keys()
            .filter(|&&peer| peer != from)
            .map(|&peer| Outbound {
                peer,
                message: Message::Ephemeral {
                    doc: self.id,
                    sender: sender.clone(),
                    data: data.clone(),
                },
            })
            .collect()
    }

    fn ack(&self) -> Message {
        Message::Ack {
            doc: self.id,
            heads: self.durable_heads.iter().map(|hash| hash.0).collect(),
        }
    }

    fn generate_for(&mut self, peer: PeerId) -> Option<Outbound> {
        let state = self.peers.get(&peer)?;
        if !self.may_send_to(state) {
            return None;
        }

        let state = self.peers.get_mut(&peer)?;
        let message = self.doc.generate_sync_message(state)?;
        Some(Outbound {
            peer,
            message: Message::Sync {
                doc: self.id,
                data: message.encode(),
            },
        })
    }

    /// Returns whether a sync message to the peer with `state` can carry no
    /// uncommitted change: either every change is committed, or the peer's
    /// last reported heads include every uncommitted one.
    fn may_send_to(&self, state: &sync::State) -> bool {
        if self.undurable.is_empty() {
            return true;
        }
        let Some(their_heads) = state.their_heads.as_deref() else {
            return false;
        };
        history::hashes_outside(&self.doc, their_heads)
            .iter()
            .all(|hash| !self.undurable.contains(hash))
    }
}
