//! The document hub: the registry of loaded documents and the way
//! connections reach them.
//!
//! Each loaded document has one task (see [`crate::document_task`]) that owns
//! its `ServerDocument` and is the only code that applies, stores and
//! forwards its changes. Connections talk to a task through a bounded
//! channel of [`Command`]s:
//!
//! 1. [`Hub::join`] finds the document's task, starting it when the document
//!    is not loaded, and subscribes the connection with its outbound sender.
//! 2. The connection sends sync data, presence data and `Leave` through the
//!    returned [`DocumentSession`].
//! 3. A task whose document has had no peers for a while removes itself from
//!    the registry and stops. A request that raced with that is retried on a
//!    fresh task.
//! 4. [`Hub::shutdown`] stops every task after it finishes storing.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use automerge::{Automerge, ChangeHash};
use cairn_sync::{DocumentId, Message, PeerId};
use tokio::sync::{mpsc, oneshot, Notify};
use tracing::{debug, error, info, warn};

use crate::document_task;
use crate::events::IndexEvents;
use crate::storage::{Storage, StorageError};

/// The capacity of each document task's command channel. A connection that
/// sends faster than the task stores waits for room.
const COMMAND_QUEUE: usize = 64;

/// How many times a request is sent again when the document's task stopped
/// (after being idle) between the lookup and the request.
const ATTEMPTS: usize = 3;

/// How long [`Hub::shutdown`] waits for the document tasks to finish.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// The error type of hub requests.
#[derive(Debug, Clone, thiserror::Error)]
pub enum HubError {
    /// The server is shutting down and accepts no new subscriptions.
    #[error("the server is shutting down; reconnect in a moment")]
    ShuttingDown,

    /// The stored document could not be read.
    #[error("document {id} could not be loaded: {source}")]
    Load {
        /// The document.
        id: DocumentId,
        /// The storage error, shared by every request that waited for the
        /// load.
        source: Arc<StorageError>,
    },

    /// The document's task stopped while the request waited, several times
    /// in a row.
    #[error("document {id} is unavailable because its task stopped; try again")]
    Unavailable {
        /// The document.
        id: DocumentId,
    },
}

/// An item in a connection's outbound queue, for its socket writer.
#[derive(Debug)]
pub enum Outgoing {
    /// A protocol message, encoded as one binary frame.
    Message(Message),
    /// Close the WebSocket with this code and reason, then stop writing.
    Close {
        /// The WebSocket close code.
        code: u16,
        /// The close reason, for people.
        reason: &'static str,
    },
}

/// A document task's handle to one subscribed connection.
#[derive(Clone, Debug)]
pub struct PeerLink {
    /// The connection's bounded outbound queue.
    pub outbound: mpsc::Sender<Outgoing>,
    /// Notified when the outbound queue was full: the task dropped the
    /// peer, and the connection should close so that the client reconnects
    /// and resyncs.
    pub overflowed: Arc<Notify>,
    /// The signed-in person on the connection, recorded as the author of
    /// the changes it sends.
    pub person: Option<uuid::Uuid>,
    /// Their name, sent with their presence data.
    pub name: Option<String>,
}

/// A request to a document task.
#[derive(Debug)]
pub(crate) enum Command {
    /// Subscribe `peer`, replacing its sync state if it was subscribed.
    Join {
        peer: PeerId,
        link: PeerLink,
        reply: oneshot::Sender<Result<(), HubError>>,
    },
    /// Unsubscribe `peer`.
    Leave { peer: PeerId },
    /// An automerge sync message from `peer`.
    Sync { peer: PeerId, data: Vec<u8> },
    /// Presence data from `peer`, relayed to the other peers.
    Ephemeral { peer: PeerId, data: Vec<u8> },
    /// A copy of the document with every change received.
    Read {
        reply: oneshot::Sender<Result<Automerge, HubError>>,
    },
    /// The hashes among `hashes` of changes the document contains,
    /// committed or not, and the document's stored size.
    ContainedChanges {
        hashes: Vec<ChangeHash>,
        reply: oneshot::Sender<Contained>,
    },
    /// Read and apply the changes that another server process stored;
    /// `last_seq` is the `seq` its notice named, or `None` after notices
    /// may have been lost.
    CatchUp { last_seq: Option<i64> },
    /// Store what is pending and stop.
    Shutdown,
}

/// The result of [`DocumentSession::contained_changes`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contained {
    /// The hashes asked about that the document contains, committed or not.
    pub hashes: Vec<ChangeHash>,
    /// The document's stored size in bytes: its snapshot and its change
    /// rows, as last written.
    pub stored_bytes: u64,
}

/// A connection's subscription to one document, used to send it sync data.
#[derive(Clone, Debug)]
pub struct DocumentSession {
    document: DocumentId,
    peer: PeerId,
    commands: mpsc::Sender<Command>,
}

impl DocumentSession {
    /// The document.
    pub fn document(&self) -> DocumentId {
        self.document
    }

    /// Sends one automerge sync message to the document's task.
    ///
    /// # Errors
    ///
    /// [`HubError::Unavailable`] when the task has stopped, which happens only
    /// during shutdown.
    pub async fn sync(&self, data: Vec<u8>) -> Result<(), HubError> {
        self.send(Command::Sync {
            peer: self.peer,
            data,
        })
        .await
    }

    /// Returns the hashes among `hashes` of changes the document already
    /// contains, committed or not, and the document's stored size. A
    /// change never leaves a loaded document, so the hashes stay true for
    /// the sync messages queued after it.
    ///
    /// # Errors
    ///
    /// [`HubError::Unavailable`] when the task has stopped.
    pub async fn contained_changes(&self, hashes: Vec<ChangeHash>) -> Result<Contained, HubError> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::ContainedChanges { hashes, reply })
            .await?;
        answer
            .await
            .map_err(|_| HubError::Unavailable { id: self.document })
    }

    /// Sends presence data to relay to the document's other peers.
    ///
    /// # Errors
    ///
    /// [`HubError::Unavailable`] when the task has stopped.
    pub async fn ephemeral(&self, data: Vec<u8>) -> Result<(), HubError> {
        self.send(Command::Ephemeral {
            peer: self.peer,
            data,
        })
        .await
    }

    /// Unsubscribes the connection. A task that already stopped has no
    /// subscription left to remove, so that case is not an error.
    pub async fn leave(self) {
        let sent = self.commands.send(Command::Leave { peer: self.peer }).await;
        if sent.is_err() {
            debug!(document_id = %self.document, peer = %self.peer, "document task already stopped at leave");
        }
    }

    async fn send(&self, command: Command) -> Result<(), HubError> {
        self.commands
            .send(command)
            .await
            .map_err(|_| HubError::Unavailable { id: self.document })
    }
}

/// One registered document task.
#[derive(Debug)]
struct TaskEntry {
    /// Distinguishes this task from an earlier or later task of the same
    /// document.
    generation: u64,
    commands: mpsc::Sender<Command>,
}

/// The map of loaded documents to their tasks, shared by the hub and the
/// tasks.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    entries: Mutex<RegistryState>,
    /// Where the tasks announce that a plan's index row changed.
    pub(crate) index_events: IndexEvents,
}

#[derive(Debug, Default)]
struct RegistryState {
    tasks: HashMap<DocumentId, TaskEntry>,
    shutting_down: bool,
}

impl Registry {
    fn lock(&self) -> MutexGuard<'_, RegistryState> {
        // A panic while the lock is held leaves the map itself intact, so a
        // poisoned lock is still usable.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Removes the task of `id` if it is the given generation and `is_idle`
    /// still holds under the lock. Returns whether it was removed.
    ///
    /// Holding the lock keeps [`Hub`] from handing out the task's sender
    /// while the task decides to stop.
    pub(crate) fn remove_if(
        &self,
        id: DocumentId,
        generation: u64,
        is_idle: impl FnOnce() -> bool,
    ) -> bool {
        let mut state = self.lock();
        let matches = state
            .tasks
            .get(&id)
            .is_some_and(|entry| entry.generation == generation);
        if !matches || !is_idle() {
            return false;
        }
        state.tasks.remove(&id);
        true
    }

    /// The number of loaded documents.
    fn len(&self) -> usize {
        self.lock().tasks.len()
    }
}

struct Inner {
    storage: Arc<dyn Storage>,
    idle_unload: Duration,
    registry: Arc<Registry>,
    next_peer: AtomicU64,
    next_generation: AtomicU64,
    stopped: AtomicBool,
    /// Each task keeps a clone of this sender, so `tasks_done` yields `None`
    /// once every task has ended and this one is dropped.
    task_alive: Mutex<Option<mpsc::Sender<()>>>,
    tasks_done: tokio::sync::Mutex<mpsc::Receiver<()>>,
}

/// The document hub. Cloning it is cheap and every clone is the same hub.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("loaded_documents", &self.inner.registry.len())
            .finish_non_exhaustive()
    }
}

impl Hub {
    /// Creates a hub with no loaded documents over `storage`, which unloads
    /// documents after [`document_task::IDLE_UNLOAD_AFTER`] without peers.
    pub fn new(storage: Arc<dyn Storage>) -> Self {
        Self::with_idle_unload(storage, document_task::IDLE_UNLOAD_AFTER)
    }

    /// Creates a hub that unloads documents after `idle_unload` without
    /// peers.
    pub fn with_idle_unload(storage: Arc<dyn Storage>, idle_unload: Duration) -> Self {
        let (task_alive, tasks_done) = mpsc::channel(1);
        Self {
            inner: Arc::new(Inner {
                storage,
                idle_unload,
                registry: Arc::new(Registry::default()),
                next_peer: AtomicU64::new(1),
                next_generation: AtomicU64::new(1),
                stopped: AtomicBool::new(false),
                task_alive: Mutex::new(Some(task_alive)),
                tasks_done: tokio::sync::Mutex::new(tasks_done),
            }),
        }
    }

    /// The notices that a plan's index row changed.
    pub fn index_events(&self) -> &IndexEvents {
        &self.inner.registry.index_events
    }

    /// The storage the hub writes to.
    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.inner.storage
    }

    /// The number of documents loaded now.
    pub fn loaded_documents(&self) -> usize {
        self.inner.registry.len()
    }

    /// Returns a peer id no other connection of this hub has.
    pub fn next_peer_id(&self) -> PeerId {
        PeerId(self.inner.next_peer.fetch_add(1, Ordering::Relaxed))
    }

    /// Subscribes `peer` to document `id`, loading the document if needed.
    /// A document that is not stored starts empty and is stored on its first
    /// change. The task sends the `Ack` and first `Sync` to `link`.
    ///
    /// # Errors
    ///
    /// [`HubError::ShuttingDown`], [`HubError::Load`] when the stored
    /// document does not load, and [`HubError::Unavailable`].
    pub async fn join(
        &self,
        id: DocumentId,
        peer: PeerId,
        link: PeerLink,
    ) -> Result<DocumentSession, HubError> {
        for attempt in 1..=ATTEMPTS {
            let commands = self.task_for(id)?;
            let (reply, answer) = oneshot::channel();
            let command = Command::Join {
                peer,
                link: link.clone(),
                reply,
            };

            if commands.send(command).await.is_ok() {
                if let Ok(result) = answer.await {
                    result?;
                    return Ok(DocumentSession {
                        document: id,
                        peer,
                        commands,
                    });
                }
            }
            debug!(document_id = %id, %peer, attempt, "document task stopped before the join; retrying");
        }
        Err(HubError::Unavailable { id })
    }

    /// Returns the document with every change the server has received, or
    /// `None` when no document `id` exists (stored or with changes in
    /// memory).
    ///
    /// A loaded document is read from its task; otherwise it is read from
    /// storage without loading it into the hub.
    ///
    /// # Errors
    ///
    /// [`HubError::Load`] when the stored document does not load.
    pub async fn read(&self, id: DocumentId) -> Result<Option<Automerge>, HubError> {
        for attempt in 1..=ATTEMPTS {
            let Some(commands) = self.loaded_task(id) else {
                return self.read_stored(id).await;
            };

            let (reply, answer) = oneshot::channel();
            if commands.send(Command::Read { reply }).await.is_ok() {
                if let Ok(result) = answer.await {
                    let document = result?;
                    let exists = !document.get_heads().is_empty();
                    return Ok(exists.then_some(document));
                }
            }
            debug!(document_id = %id, attempt, "document task stopped before the read; retrying");
        }
        Err(HubError::Unavailable { id })
    }

    /// Tells the task of document `id`, if the document is loaded, that
    /// another server process stored changes to it, up to `last_seq` when
    /// known. It does not wait for room in the task's queue.
    pub fn catch_up(&self, id: DocumentId, last_seq: Option<i64>) {
        let Some(commands) = self.loaded_task(id) else {
            return;
        };
        tokio::spawn(async move {
            if commands.send(Command::CatchUp { last_seq }).await.is_err() {
                debug!(document_id = %id, "document task stopped before it could catch up");
            }
        });
    }

    /// Has every loaded document read the changes that other server
    /// processes stored and it lacks, as after notices were lost.
    pub async fn catch_up_all(&self) {
        let tasks: Vec<mpsc::Sender<Command>> = {
            let state = self.inner.registry.lock();
            state
                .tasks
                .values()
                .map(|entry| entry.commands.clone())
                .collect()
        };
        debug!(documents = tasks.len(), "loaded documents catch up");
        for commands in tasks {
            // A task that stopped meanwhile reads everything when it loads
            // again.
            let _ = commands.send(Command::CatchUp { last_seq: None }).await;
        }
    }

    /// Stops accepting subscriptions, sends every document task a request
    /// to store what is pending and stop, and waits for them.
    pub async fn shutdown(&self) {
        if self.inner.stopped.swap(true, Ordering::SeqCst) {
            return;
        }

        let tasks: Vec<(DocumentId, mpsc::Sender<Command>)> = {
            let mut state = self.inner.registry.lock();
            state.shutting_down = true;
            state
                .tasks
                .drain()
                .map(|(id, entry)| (id, entry.commands))
                .collect()
        };
        info!(documents = tasks.len(), "stopping the document tasks");

        for (id, commands) in tasks {
            if commands.send(Command::Shutdown).await.is_err() {
                debug!(document_id = %id, "document task had already stopped");
            }
        }

        let alive = self
            .inner
            .task_alive
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        drop(alive);

        let mut tasks_done = self.inner.tasks_done.lock().await;
        let all_done = tokio::time::timeout(SHUTDOWN_TIMEOUT, tasks_done.recv()).await;
        match all_done {
            Ok(_) => info!("every document task stopped"),
            Err(_) => warn!(
                timeout_secs = SHUTDOWN_TIMEOUT.as_secs(),
                "document tasks still running after the shutdown timeout; changes they had not stored are not acknowledged and clients resend them"
            ),
        }
    }

    async fn read_stored(&self, id: DocumentId) -> Result<Option<Automerge>, HubError> {
        let load_error = |error: StorageError| HubError::Load {
            id,
            source: Arc::new(error),
        };

        let stored = self
            .inner
            .storage
            .load_document(id)
            .await
            .map_err(load_error)?;
        let Some(stored) = stored else {
            return Ok(None);
        };
        let document = stored.into_automerge().map_err(load_error)?;
        Ok(Some(document))
    }

    /// The command sender of the running task of `id`, if there is one.
    fn loaded_task(&self, id: DocumentId) -> Option<mpsc::Sender<Command>> {
        let state = self.inner.registry.lock();
        state
            .tasks
            .get(&id)
            .filter(|entry| !entry.commands.is_closed())
            .map(|entry| entry.commands.clone())
    }

    /// The command sender of the task of `id`, starting the task if the
    /// document is not loaded.
    fn task_for(&self, id: DocumentId) -> Result<mpsc::Sender<Command>, HubError> {
        let mut state = self.inner.registry.lock();
        if state.shutting_down {
            return Err(HubError::ShuttingDown);
        }

        if let Some(entry) = state.tasks.get(&id) {
            if !entry.commands.is_closed() {
                return Ok(entry.commands.clone());
            }
        }

        let alive = self
            .inner
            .task_alive
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        let Some(alive) = alive else {
            return Err(HubError::ShuttingDown);
        };

        let generation = self.inner.next_generation.fetch_add(1, Ordering::Relaxed);
        let (commands, receiver) = mpsc::channel(COMMAND_QUEUE);
        state.tasks.insert(
            id,
            TaskEntry {
                generation,
                commands: commands.clone(),
            },
        );

        let task = document_task::DocumentTask::new(
            id,
            generation,
            self.inner.idle_unload,
            Arc::clone(&self.inner.storage),
            Arc::clone(&self.inner.registry),
            receiver,
        );
        let running = tokio::spawn(task.run());
        tokio::spawn(async move {
            if let Err(error) = running.await {
                error!(document_id = %id, %error, "document task ended abnormally; changes it had not stored were never acknowledged");
            }
            drop(alive);
        });

        Ok(commands)
    }
}
