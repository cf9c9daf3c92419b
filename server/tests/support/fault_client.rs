//! A sync client that survives faults: a real WebSocket driven by
//! `cairn_sync::ClientSession`, as the browser does, which goes offline
//! when its socket fails instead of failing the test, keeps its replicas
//! and edits while offline, and reconnects when the test calls `connect`.
//!
//! Time is logical: the test advances the client's clock by whole steps,
//! and the reply timeouts of the session run on that clock. The client
//! records every head the server acknowledged, for the test to check that
//! the stored document holds each of them.

// Each test binary uses only some of these helpers.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::time::Duration;

use automerge::{ChangeHash, ReadDoc};
use cairn_plan::PlanDocument;
use cairn_sync::{ClientEvent, ClientSession, DocumentId, ErrorCode, Message, SyncStatus};
use futures::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::client::SyncClient;

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long one send or handshake may take before the client treats the
/// connection as dead.
const SOCKET_TIMEOUT: Duration = Duration::from_secs(10);

/// What happened to a client, for the test's summary.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientCounts {
    pub connects: usize,
    pub failed_connects: usize,
    pub lost_connections: usize,
    pub frames_received: usize,
    /// `Internal` errors for an open document, as when its load failed.
    pub failed_opens: usize,
    pub storage_errors: usize,
}

/// One browser tab under faults.
pub struct FaultClient {
    /// The client's number in the test, for messages.
    pub number: usize,
    cookie: String,
    socket: Option<Socket>,
    session: ClientSession,
    replicas: BTreeMap<DocumentId, PlanDocument>,
    /// Every head the server named in an `Ack`, per document.
    acked: BTreeMap<DocumentId, BTreeSet<ChangeHash>>,
    /// The heads of each replica when last checked.
    last_heads: BTreeMap<DocumentId, Vec<ChangeHash>>,
    /// Documents the server could not open, to open again.
    failed_opens: BTreeSet<DocumentId>,
    /// Documents the server could not open on the current connection.
    refused: BTreeSet<DocumentId>,
    clock_ms: u64,
    counts: ClientCounts,
}

impl FaultClient {
    /// Creates an offline client that signs in with `cookie`.
    pub fn new(number: usize, cookie: &str) -> Self {
        Self {
            number,
            cookie: cookie.to_owned(),
            socket: None,
            session: ClientSession::new(),
            replicas: BTreeMap::new(),
            acked: BTreeMap::new(),
            last_heads: BTreeMap::new(),
            failed_opens: BTreeSet::new(),
            refused: BTreeSet::new(),
            clock_ms: 0,
            counts: ClientCounts::default(),
        }
    }

    /// Returns whether the client has a socket.
    pub fn is_connected(&self) -> bool {
        self.socket.is_some()
    }

    /// The counts so far.
    pub fn counts(&self) -> ClientCounts {
        self.counts
    }

    /// Connects to the server at `addr` and resumes every open document.
    /// Returns whether the client is connected afterwards; a refused
    /// connection leaves it offline.
    pub async fn connect(&mut self, addr: SocketAddr) -> bool {
        if self.socket.is_some() {
            return true;
        }

        let handshake = SyncClient::handshake(addr, Some(&self.cookie));
        match tokio::time::timeout(SOCKET_TIMEOUT, handshake).await {
            Ok(Ok(socket)) => self.socket = Some(socket),
            Ok(Err(_)) | Err(_) => {
                self.counts.failed_connects += 1;
                return false;
            }
        }
        self.counts.connects += 1;

        self.failed_opens.clear();
        self.refused.clear();
        for doc in self.session.connected() {
            let Some(replica) = self.replicas.get(&doc) else {
                continue;
            };
            let outgoing = self.session.resume(doc, replica.automerge(), self.clock_ms);
            self.send_all(outgoing).await;
        }
        self.socket.is_some()
    }

    /// Drops the socket without a close frame, as a lost network does.
    pub fn disconnect(&mut self) {
        if self.socket.take().is_some() {
            self.session.disconnected();
        }
    }

    /// Returns whether `doc` is open on this client.
    pub fn has(&self, doc: DocumentId) -> bool {
        self.replicas.contains_key(&doc)
    }

    /// The replica of `doc`.
    pub fn replica(&self, doc: DocumentId) -> &PlanDocument {
        self.replicas.get(&doc).expect("the document is open")
    }

    /// Opens `doc` with `replica` as the local copy, or opens it again with
    /// the replica it has when `replica` is `None`.
    pub async fn open(&mut self, doc: DocumentId, replica: Option<PlanDocument>) {
        if let Some(replica) = replica {
            self.replicas.insert(doc, replica);
        }
        let replica = self.replicas.get(&doc).expect("the document has a replica");
        let outgoing = self.session.open(doc, replica.automerge(), self.clock_ms);
        self.failed_opens.remove(&doc);
        self.send_all(outgoing).await;
    }

    /// Opens again the documents the server could not open.
    pub async fn retry_failed_opens(&mut self) {
        let failed: Vec<DocumentId> = std::mem::take(&mut self.failed_opens).into_iter().collect();
        for doc in failed {
            self.open(doc, None).await;
        }
    }

    /// Applies a local edit to the replica of `doc` and sends it when
    /// connected.
    pub async fn edit(&mut self, doc: DocumentId, edit: impl FnOnce(&mut PlanDocument)) {
        let replica = self.replicas.get_mut(&doc).expect("the document is open");
        edit(replica);
        let outgoing = self
            .session
            .local_change(doc, replica.automerge(), self.clock_ms);
        self.send_all(outgoing).await;
    }

    /// Advances the logical clock by `ms` and restarts the sync of each
    /// document whose reply is overdue.
    pub async fn tick(&mut self, ms: u64) {
        self.clock_ms += ms;
        let docs: Vec<DocumentId> = self.replicas.keys().copied().collect();
        for doc in docs {
            let replica = &self.replicas[&doc];
            let outgoing = self.session.tick(doc, replica.automerge(), self.clock_ms);
            self.send_all(outgoing).await;
        }
    }

    /// Reads and applies frames until none arrives for `quiet`. Returns the
    /// number of frames read. A failed or closed socket takes the client
    /// offline.
    pub async fn pump(&mut self, quiet: Duration) -> usize {
        let mut frames = 0;
        loop {
            let Some(socket) = self.socket.as_mut() else {
                return frames;
            };
            let frame = match tokio::time::timeout(quiet, socket.next()).await {
                Err(_) => return frames,
                Ok(frame) => frame,
            };
            match frame {
                Some(Ok(WsMessage::Binary(bytes))) => {
                    frames += 1;
                    self.counts.frames_received += 1;
                    let message = cairn_sync::decode(&bytes).unwrap_or_else(|error| {
                        panic!("client {} got an invalid frame: {error}", self.number)
                    });
                    self.apply(message).await;
                }
                Some(Ok(WsMessage::Text(_))) => {
                    panic!("client {} got a text frame", self.number)
                }
                Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_) | WsMessage::Frame(_))) => {}
                Some(Ok(WsMessage::Close(_)) | Err(_)) | None => {
                    self.counts.lost_connections += 1;
                    self.disconnect();
                    return frames;
                }
            }
        }
    }

    async fn apply(&mut self, message: Message) {
        if let Message::Ack { doc, heads } = &message {
            self.acked
                .entry(*doc)
                .or_default()
                .extend(heads.iter().map(|hash| ChangeHash(*hash)));
        }

        let replica = message
            .document_id()
            .and_then(|doc| self.replicas.get_mut(doc))
            .map(PlanDocument::automerge_mut);
        let received = self
            .session
            .receive(message, replica, self.clock_ms)
            .unwrap_or_else(|error| {
                panic!(
                    "client {} could not apply the server's message: {error}",
                    self.number
                )
            });

        for event in received.events {
            if let ClientEvent::ServerError { doc, code, .. } = event {
                match (doc, code) {
                    (Some(doc), ErrorCode::Internal) => {
                        self.counts.failed_opens += 1;
                        self.failed_opens.insert(doc);
                        self.refused.insert(doc);
                    }
                    (_, ErrorCode::StorageFailed) => self.counts.storage_errors += 1,
                    // A sync message that reached the server before it
                    // handled the failed `Open` of its document is refused
                    // as sent to a document that is not open.
                    (Some(doc), ErrorCode::Malformed) if self.refused.contains(&doc) => {}
                    (doc, code) => panic!(
                        "client {} got the unexpected error {code:?} for {doc:?}",
                        self.number
                    ),
                }
            }
        }
        self.send_all(received.outgoing).await;
    }

    async fn send_all(&mut self, messages: Vec<Message>) {
        for message in messages {
            let Some(socket) = self.socket.as_mut() else {
                return;
            };
            let frame = WsMessage::Binary(cairn_sync::encode(&message).into());
            let sent = tokio::time::timeout(SOCKET_TIMEOUT, socket.send(frame)).await;
            if !matches!(sent, Ok(Ok(()))) {
                self.counts.lost_connections += 1;
                self.disconnect();
                return;
            }
        }
    }

    /// Every head the server acknowledged for `doc`.
    pub fn acked(&self, doc: DocumentId) -> Vec<ChangeHash> {
        self.acked
            .get(&doc)
            .map(|heads| heads.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Returns whether the client is connected and the server acknowledged
    /// every change of its replica of `doc`.
    pub fn is_saved(&self, doc: DocumentId) -> bool {
        self.session.status(&doc, self.replica(doc).automerge()) == SyncStatus::Saved
    }

    /// Checks that no replica lost a change since the last check: each
    /// head seen then is still in the replica's history.
    pub fn assert_no_replica_lost_changes(&mut self) {
        for (doc, replica) in &self.replicas {
            let automerge = replica.automerge();
            if let Some(before) = self.last_heads.get(doc) {
                for head in before {
                    assert!(
                        automerge.get_change_by_hash(head).is_some(),
                        "client {} lost change {head} of document {doc}",
                        self.number
                    );
                }
            }
            self.last_heads.insert(*doc, automerge.get_heads());
        }
    }
}
