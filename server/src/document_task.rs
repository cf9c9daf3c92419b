//! The task that owns one loaded document.
//!
//! [`crate::hub::Hub`] starts one task per document that a connection opens.
//! The task loads the document, then handles [`Command`]s one at a time, so
//! the document, its sync states and its storage writes need no locks:
//!
//! 1. `Join` subscribes a connection; `Leave` unsubscribes it.
//! 2. `Sync` applies the message, together with the sync messages already
//!    queued behind it. Replies that carry no uncommitted change go out at
//!    once. When the batch brought new changes, the task appends every
//!    change not yet stored to the database, and only after the commit does
//!    it mark them durable, which sends the `Ack`s and forwards the changes
//!    to the other peers.
//! 3. After a failed write, the peers whose changes it carried get a
//!    `StorageFailed` error, and the write is retried with backoff. The document
//!    tracks its durable heads, so a retry (or the next write) stores every
//!    change still missing, and nothing acknowledged is ever missing from
//!    storage.
//! 4. After a write that leaves more than
//!    [`crate::storage::COMPACTION_THRESHOLD`] change rows, the task compacts
//!    them into a snapshot.
//! 5. A document with no peers and nothing left to store unloads after an
//!    idle time ([`IDLE_UNLOAD_AFTER`] by default). `Shutdown` stores what
//!    is pending and stops.
//! 6. `CatchUp`, sent when another server process stored changes to the
//!    document (see [`crate::storage::listener`]), reads the change rows
//!    after the last `seq` the task has seen, applies them as durable and
//!    forwards them to the peers. When a compaction by the other process
//!    deleted some of those rows, it reads the whole stored document and
//!    merges it instead. Before compacting, the task catches up the same
//!    way, so its snapshot covers every row it deletes.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use automerge::{Automerge, ChangeHash};
use cairn_plan::{PlanDocument, PlanSummary};
use cairn_sync::{DocumentId, ErrorCode, Message, Outbound, PeerId, ServerDocument};
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::time::Instant;
use tracing::{debug, error, info, instrument, warn};

use crate::hub::{Command, Contained, HubError, Outgoing, PeerLink, Registry};
use crate::storage::{NewChange, Storage, StorageError};

/// How long a document with no peers stays loaded before its task stops.
pub const IDLE_UNLOAD_AFTER: Duration = Duration::from_secs(60);

/// The maximum number of queued sync messages applied before one storage
/// write.
const MAX_SYNC_BATCH: usize = 64;

/// The wait before the first retry of a failed write. Each further failure
/// doubles it, up to [`MAX_RETRY_DELAY`].
const FIRST_RETRY_DELAY: Duration = Duration::from_millis(500);

/// The maximum wait between two retries of a failed write.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(30);

/// A document task before its document is loaded.
pub(crate) struct DocumentTask {
    id: DocumentId,
    generation: u64,
    idle_unload: Duration,
    storage: Arc<dyn Storage>,
    registry: Arc<Registry>,
    commands: mpsc::Receiver<Command>,
}

impl DocumentTask {
    pub(crate) fn new(
        id: DocumentId,
        generation: u64,
        idle_unload: Duration,
        storage: Arc<dyn Storage>,
        registry: Arc<Registry>,
        commands: mpsc::Receiver<Command>,
    ) -> Self {
        Self {
            id,
            generation,
            idle_unload,
            storage,
            registry,
            commands,
        }
    }

    /// Loads the document and handles commands until the document unloads
    /// or the hub shuts down.
    #[instrument(name = "document_task", skip_all, fields(document_id = %self.id))]
    pub(crate) async fn run(mut self) {
        let (document, seen_seq, stored_bytes) = match self.load().await {
            Ok(loaded) => loaded,
            Err(error) => {
                error!(%error, "loading the document failed");
                self.fail_queued(HubError::Load {
                    id: self.id,
                    source: Arc::new(error),
                });
                return;
            }
        };

        let mut loaded = LoadedDocument {
            id: self.id,
            generation: self.generation,
            idle_unload: self.idle_unload,
            server: ServerDocument::new(self.id, document),
            peers: HashMap::new(),
            storage: self.storage,
            registry: self.registry,
            commands: self.commands,
            deferred: None,
            retry: None,
            last_activity: Instant::now(),
            authors: HashMap::new(),
            seen_seq,
            stored_bytes,
        };
        loaded.run().await;
    }

    /// Reads the stored document, or starts an empty one when none is
    /// stored. A stored document that fails to load is an error: the task
    /// must not go on with an empty document, whose first compaction would
    /// replace the stored one. Returns the document, the last `seq` it
    /// contains and its stored size in bytes.
    async fn load(&self) -> Result<(Automerge, i64, u64), StorageError> {
        let stored = self.storage.load_document(self.id).await?;
        match stored {
            Some(stored) => {
                let rows = stored.changes.len();
                let last_seq = stored.last_seq;
                let stored_bytes = stored.stored_bytes();
                let document = stored.into_automerge()?;
                info!(change_rows = rows, stored_bytes, "loaded the document");
                Ok((document, last_seq, stored_bytes))
            }
            None => {
                info!("started a new, empty document; it is stored on its first change");
                Ok((Automerge::new(), 0, 0))
            }
        }
    }

    /// Unregisters the task and replies to every queued request with `error`.
    fn fail_queued(&mut self, error: HubError) {
        self.registry.remove_if(self.id, self.generation, || true);
        self.commands.close();

        while let Ok(command) = self.commands.try_recv() {
            match command {
                Command::Join { reply, .. } => {
                    let _ = reply.send(Err(error.clone()));
                }
                Command::Read { reply } => {
                    let _ = reply.send(Err(error.clone()));
                }
                Command::Leave { .. }
                | Command::CatchUp { .. }
                | Command::ContainedChanges { .. }
                | Command::Sync { .. }
                | Command::Ephemeral { .. }
                | Command::Shutdown => {}
            }
        }
    }
}

/// A pending retry of a failed write.
#[derive(Clone, Copy, Debug)]
struct Retry {
    /// The wait that led to `at`, doubled for the next failure.
    delay: Duration,
    at: Instant,
}

/// The reason the task woke up.
enum Event {
    Command(Command),
    RetryDue,
    IdleTimeout,
    Closed,
}

/// A document task with its document loaded.
struct LoadedDocument {
    id: DocumentId,
    generation: u64,
    idle_unload: Duration,
    server: ServerDocument,
    peers: HashMap<PeerId, PeerLink>,
    storage: Arc<dyn Storage>,
    registry: Arc<Registry>,
    commands: mpsc::Receiver<Command>,
    /// A command taken from the queue while batching sync messages, handled
    /// next.
    deferred: Option<Command>,
    retry: Option<Retry>,
    last_activity: Instant,
    /// Who sent each change that is not stored yet.
    authors: HashMap<ChangeHash, uuid::Uuid>,
    /// The document contains every stored change row up to this `seq`.
    seen_seq: i64,
    /// The stored size of the document in bytes: the snapshot and the
    /// change rows, as last read or written. The plan size limit is
    /// checked against it.
    ///
    /// NOTE: rows that other server processes append are not added, so
    /// with several processes it undercounts until the next compaction
    /// here or the next load.
    stored_bytes: u64,
}

impl LoadedDocument {
    async fn run(&mut self) {
        loop {
            let command = match self.deferred.take() {
                Some(command) => command,
                None => match self.next_event().await {
                    Event::Command(command) => command,
                    Event::RetryDue => {
                        info!("retrying the failed write");
                        self.store_pending(&[]).await;
                        continue;
                    }
                    Event::IdleTimeout => {
                        if self.try_unload() {
                            return;
                        }
                        continue;
                    }
                    Event::Closed => {
                        self.finish().await;
                        return;
                    }
                },
            };
            self.last_activity = Instant::now();

            match command {
                Command::Join { peer, link, reply } => self.join(peer, link, reply),
                Command::Leave { peer } => self.leave(peer),
                Command::Sync { peer, data } => self.sync(peer, data).await,
                Command::Ephemeral { peer, data } => self.relay_ephemeral(peer, data),
                Command::Read { reply } => {
                    let _ = reply.send(Ok(self.server.document().clone()));
                }
                Command::ContainedChanges { hashes, reply } => {
                    let document = self.server.document();
                    let hashes = hashes
                        .into_iter()
                        .filter(|hash| document.get_change_meta_by_hash(hash).is_some())
                        .collect();
                    let _ = reply.send(Contained {
                        hashes,
                        stored_bytes: self.stored_bytes,
                    });
                }
                Command::CatchUp { last_seq } => {
                    if last_seq.is_none_or(|last_seq| last_seq > self.seen_seq) {
                        self.catch_up().await;
                    }
                }
                Command::Shutdown => {
                    self.finish().await;
                    return;
                }
            }
        }
    }

    async fn next_event(&mut self) -> Event {
        let idle = self.peers.is_empty() && !self.has_pending_changes();
        let idle_deadline = self.last_activity + self.idle_unload;
        let retry_at = self.retry.map(|retry| retry.at);

        tokio::select! {
            biased;
            command = self.commands.recv() => match command {
                Some(command) => Event::Command(command),
                None => Event::Closed,
            },
            () = sleep_until_optional(retry_at), if retry_at.is_some() => Event::RetryDue,
            () = tokio::time::sleep_until(idle_deadline), if idle => Event::IdleTimeout,
        }
    }

    fn join(
        &mut self,
        peer: PeerId,
        link: PeerLink,
        reply: tokio::sync::oneshot::Sender<Result<(), HubError>>,
    ) {
        if reply.send(Ok(())).is_err() {
            debug!(%peer, "connection closed before its join was handled");
            return;
        }

        self.peers.insert(peer, link);
        let outbound = self.server.add_peer(peer);
        debug!(%peer, peers = self.peers.len(), "peer joined");
        self.dispatch(outbound);
    }

    fn leave(&mut self, peer: PeerId) {
        self.server.remove_peer(peer);
        if self.peers.remove(&peer).is_some() {
            debug!(%peer, peers = self.peers.len(), "peer left");
        }
    }

    /// Applies a sync message and the sync messages queued behind it, sends
    /// the replies that may go out now, and stores the new changes.
    async fn sync(&mut self, peer: PeerId, data: Vec<u8>) {
        let mut batch = vec![(peer, data)];
        while batch.len() < MAX_SYNC_BATCH {
            match self.commands.try_recv() {
                Ok(Command::Sync { peer, data }) => batch.push((peer, data)),
                Ok(other) => {
                    self.deferred = Some(other);
                    break;
                }
                Err(_) => break,
            }
        }

        let mut senders_with_changes = Vec::new();
        for (peer, data) in batch {
            let author = self.peers.get(&peer).and_then(|link| link.person);
            // Applying a large change takes CPU time. Meanwhile the runtime
            // moves this worker's other tasks (other documents, connections,
            // the shutdown signal) to another worker.
            let received = crate::blocking::run_cpu_bound(|| self.server.receive_sync(peer, &data));
            match received {
                Ok(applied) => {
                    if let Some(author) = author {
                        for bytes in &applied.new_changes {
                            if let Ok(change) = automerge::Change::from_bytes(bytes.clone()) {
                                self.authors.insert(change.hash(), author);
                            }
                        }
                    }
                    if !applied.new_changes.is_empty() && !senders_with_changes.contains(&peer) {
                        senders_with_changes.push(peer);
                    }
                }
                Err(error) => {
                    warn!(%peer, code = ?error.code(), %error, "rejected a sync message");
                    self.send(peer, error.to_message());
                }
            }
        }

        let replies = self.server.pending_outbound();
        self.dispatch(replies);

        if self.has_pending_changes() {
            self.store_pending(&senders_with_changes).await;
        }
    }

    /// Relays presence data to the document's other peers.
    fn relay_ephemeral(&mut self, peer: PeerId, data: Vec<u8>) {
        if !self.server.has_peer(peer) {
            return;
        }

        let sender = self.peers.get(&peer).and_then(|link| link.name.clone());
        let outbound = self.server.relay_ephemeral(peer, sender, data);
        self.dispatch(outbound);
    }

    /// Appends every change not yet stored, then marks the document durable
    /// up to its current heads, which sends the acks and the held-back
    /// forwards. On failure, sends `senders` a `StorageFailed` error and
    /// schedules a retry.
    async fn store_pending(&mut self, senders: &[PeerId]) {
        let document = self.server.document();
        let changes: Vec<NewChange> = document
            .get_changes(self.server.durable_heads())
            .iter()
            .map(|change| NewChange {
                author: self.authors.get(&change.hash()).copied(),
                ..NewChange::from(change)
            })
            .collect();
        if changes.is_empty() {
            self.retry = None;
            return;
        }
        let heads = document.get_heads();
        let summary = plan_summary(document);

        match self
            .storage
            .append_changes(self.id, &changes, &summary)
            .await
        {
            Ok(outcome) => {
                for change in &changes {
                    self.authors.remove(&change.hash);
                    self.stored_bytes = self.stored_bytes.saturating_add(change.bytes.len() as u64);
                }
                if self.retry.take().is_some() {
                    info!(changes = changes.len(), "the retried write succeeded");
                }
                debug!(
                    changes = changes.len(),
                    last_seq = outcome.last_seq,
                    "stored changes"
                );

                let outbound = self.server.mark_durable(&heads);
                self.dispatch(outbound);
                self.registry.index_events.publish(self.id);

                if outcome.needs_compaction() {
                    self.catch_up().await;
                    self.compact(outcome.change_rows).await;
                }
            }
            Err(error) => {
                let delay = match self.retry {
                    Some(retry) => (retry.delay * 2).min(MAX_RETRY_DELAY),
                    None => FIRST_RETRY_DELAY,
                };
                self.retry = Some(Retry {
                    delay,
                    at: Instant::now() + delay,
                });
                error!(
                    changes = changes.len(),
                    retry_in_ms = delay.as_millis(),
                    %error,
                    "storing changes failed; they stay unacknowledged"
                );

                let message = Message::Error {
                    doc: Some(self.id),
                    code: ErrorCode::StorageFailed,
                    message: format!(
                        "the server could not store the changes to document {}; it keeps them, \
                         retries, and acknowledges them once they are stored",
                        self.id
                    ),
                };
                for &peer in senders {
                    self.send(peer, message.clone());
                }
            }
        }
    }

    /// Reads the change rows that other server processes stored after
    /// [`Self::seen_seq`], applies them and forwards them to the peers. When
    /// a compaction deleted some of those rows, it merges the whole stored
    /// document instead. A failed read is logged; the next notice or the
    /// next compaction reads again.
    async fn catch_up(&mut self) {
        let after = self.seen_seq;
        let tail = match self.storage.changes_after(self.id, after).await {
            Ok(Some(tail)) => tail,
            Ok(None) => return,
            Err(error) => {
                warn!(%error, after_seq = after, "reading the changes stored by another server process failed");
                return;
            }
        };

        let read = if tail.is_complete(after) {
            let last_seq = tail.last_seq;
            tail.changes
                .into_iter()
                .map(|row| row.into_change(self.id))
                .collect::<Result<Vec<_>, _>>()
                .map(|changes| (changes, last_seq))
        } else {
            info!(
                after_seq = after,
                "another server process compacted rows this document lacks; merging the whole stored document"
            );
            self.read_whole().await
        };
        let (changes, last_seq) = match read {
            Ok(read) => read,
            Err(error) => {
                error!(%error, "the changes stored by another server process do not load");
                return;
            }
        };

        let heads_before = self.server.document().get_heads();
        let applied = crate::blocking::run_cpu_bound(|| self.server.apply_stored(changes));
        match applied {
            Ok(outbound) => {
                self.seen_seq = self.seen_seq.max(last_seq);
                self.dispatch(outbound);
                if self.server.document().get_heads() != heads_before {
                    self.registry.index_events.publish(self.id);
                    debug!(last_seq, "applied changes stored by another server process");
                }
            }
            Err(error) => {
                error!(%error, "the changes stored by another server process were rejected");
            }
        }
    }

    /// Reads every change of the stored document, with its last `seq`.
    async fn read_whole(&self) -> Result<(Vec<automerge::Change>, i64), StorageError> {
        let Some(stored) = self.storage.load_document(self.id).await? else {
            return Ok((Vec::new(), self.seen_seq));
        };
        let last_seq = stored.last_seq;
        let document = stored.into_automerge()?;
        let changes = document.get_changes(&[]);
        Ok((changes, last_seq))
    }

    /// Writes the whole document as the snapshot and deletes the change rows
    /// up to [`Self::seen_seq`]. Called right after a successful write and a
    /// catch-up, when the document contains every one of those rows.
    async fn compact(&mut self, change_rows: i64) {
        let through_seq = self.seen_seq;
        let snapshot = crate::blocking::run_cpu_bound(|| self.server.document().save());
        match self.storage.compact(self.id, &snapshot, through_seq).await {
            Ok(()) => {
                self.stored_bytes = snapshot.len() as u64;
                info!(
                    change_rows,
                    through_seq,
                    snapshot_bytes = snapshot.len(),
                    "compacted the change rows into the snapshot"
                );
            }
            Err(error) => warn!(
                change_rows,
                %error,
                "compacting failed; the change rows stay and compaction runs again after the next write"
            ),
        }
    }

    /// Stops the task if the document is still idle and no request is
    /// queued. Returns whether it stopped.
    fn try_unload(&mut self) -> bool {
        let commands = &self.commands;
        let removed = self
            .registry
            .remove_if(self.id, self.generation, || commands.is_empty());
        if !removed {
            self.last_activity = Instant::now();
            return false;
        }

        // A request sent between the check above and this close is dropped
        // without a reply. The hub gets a closed reply channel and retries
        // on a new task.
        self.commands.close();
        while self.commands.try_recv().is_ok() {}

        info!(
            idle_ms = self.idle_unload.as_millis(),
            "unloaded the idle document"
        );
        true
    }

    /// Stores what is pending, once, and stops.
    async fn finish(&mut self) {
        if self.has_pending_changes() {
            self.store_pending(&[]).await;
        }
        if self.has_pending_changes() {
            error!(
                "stopping with changes that could not be stored; they were never acknowledged, so clients still hold them and resend them"
            );
        }
        info!(peers = self.peers.len(), "document task stopped");
    }

    /// Returns whether the document has changes that are not stored.
    fn has_pending_changes(&self) -> bool {
        let mut heads = self.server.document().get_heads();
        let mut durable: Vec<ChangeHash> = self.server.durable_heads().to_vec();
        heads.sort();
        durable.sort();
        heads != durable
    }

    fn send(&mut self, peer: PeerId, message: Message) {
        self.dispatch(vec![Outbound { peer, message }]);
    }

    /// Queues each message on its peer's connection. A peer whose queue is
    /// full is unsubscribed and its connection notified to close, so one
    /// slow connection never delays the document.
    fn dispatch(&mut self, outbound: Vec<Outbound>) {
        let mut dropped: Vec<PeerId> = Vec::new();

        for Outbound { peer, message } in outbound {
            if dropped.contains(&peer) {
                continue;
            }
            let Some(link) = self.peers.get(&peer) else {
                continue;
            };
            match link.outbound.try_send(Outgoing::Message(message)) {
                Ok(()) => {}
                Err(TrySendError::Full(_)) => {
                    warn!(%peer, "the peer's outbound queue is full; dropping the peer so that it reconnects");
                    link.overflowed.notify_one();
                    dropped.push(peer);
                }
                Err(TrySendError::Closed(_)) => {
                    debug!(%peer, "the peer's connection is closed");
                    dropped.push(peer);
                }
            }
        }

        for peer in dropped {
            self.server.remove_peer(peer);
            self.peers.remove(&peer);
        }
    }
}

/// Reads the plan index fields of a document.
///
/// NOTE: `PlanDocument` reads only from a document it owns, so this clones
/// the document on every write. A reader over `&Automerge` in `cairn_plan`
/// would remove the copy.
fn plan_summary(document: &Automerge) -> PlanSummary {
    PlanDocument::from_automerge(document.clone())
        .snapshot()
        .summary()
}

async fn sleep_until_optional(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
