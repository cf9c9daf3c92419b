//! The sync endpoint `GET /sync`: one WebSocket per browser tab that
//! multiplexes documents.
//!
//! Each binary frame carries one envelope message (see `cairn_sync`). A
//! connection runs one reader loop (this module's [`Connection`]) and one
//! writer task fed by a bounded queue, which the document tasks also write
//! to. The reader:
//!
//! 1. decodes each frame; for a frame that does not decode, and for any
//!    text frame, it sends an `Error` back and the connection stays open;
//! 2. checks the message against the signed-in person's access to its
//!    document (see [`Connection::authorize`]);
//! 3. on `Open`, joins the document's task in the hub; on `Close`, leaves
//!    it; `Sync` and `Ephemeral` go to the joined task, `Ephemeral` only
//!    within the size and rate limits of [`crate::ephemeral_limit`].
//!
//! The upgrade itself needs a session cookie and this server's `Origin`.
//!
//! When the socket closes, the connection leaves every document it joined.
//! On shutdown, or when its queue overflows, the server closes the socket
//! with a close frame.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use cairn_sync::{DocumentId, ErrorCode, Message, PeerId, MAX_FRAME_BYTES};
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::sync::Notify;
use tracing::{debug, info, instrument, warn};

use crate::accounts::{policy, Access, AccountStore, Person};
use crate::auth::{origin, session, AccessEpoch};
use crate::ephemeral_limit::EphemeralLimiter;
use crate::hub::{DocumentSession, Hub, HubError, Outgoing, PeerLink};
use crate::limits::{self, LimitExceeded, MessageLimiter, MAX_OPEN_DOCUMENTS};
use crate::shutdown::ShutdownSignal;
use crate::AppState;

/// The capacity of a connection's outbound queue, in messages. A client
/// that falls this far behind is disconnected and resyncs when it
/// reconnects.
const OUTBOUND_QUEUE: usize = 256;

/// The largest WebSocket message the server reads.
///
/// It is twice the protocol's [`MAX_FRAME_BYTES`], so that a frame somewhat
/// over the protocol limit is still read and gets a `FrameTooLarge` error
/// on a connection that stays open. A message over
/// this size makes the WebSocket library end the connection.
const WEBSOCKET_MESSAGE_LIMIT: usize = 2 * MAX_FRAME_BYTES;

/// How long closing waits for the writer to send what is queued and the
/// close frame.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// The number of rejected frames per connection logged at `warn`; later
/// ones are logged at `debug` and counted in the close log line.
const LOGGED_REJECTIONS: u64 = 10;

/// WebSocket close code 1000, "normal closure".
const CLOSE_NORMAL: u16 = 1000;

/// WebSocket close code 1001, "going away": the server is shutting down.
const CLOSE_GOING_AWAY: u16 = 1001;

/// WebSocket close code 1013, "try again later": the client did not read
/// fast enough.
const CLOSE_TRY_AGAIN_LATER: u16 = 1013;

/// WebSocket close code 4401 (in the range for applications): the
/// session ended; sign in again.
const CLOSE_SIGNED_OUT: u16 = 4401;

/// How often an idle connection checks that its session has not expired.
///
/// NOTE: with several server processes, the [`AccessEpoch`] only wakes the
/// connections of the process that changed access, so a sign-out or a
/// removed share made through another process takes effect here only at
/// this check. Sending access changes over `NOTIFY` too would close that
/// gap.
const SESSION_CHECK_INTERVAL: Duration = Duration::from_secs(60);

/// Upgrades `GET /sync` to a WebSocket and serves it, for a signed-in
/// person on a page of this server.
pub async fn sync_socket(
    upgrade: WebSocketUpgrade,
    headers: HeaderMap,
    State(state): State<AppState>,
) -> Response {
    if !origin::is_own_origin(&state.sessions, &headers) {
        warn!("rejected a WebSocket upgrade from another origin");
        let body = "the sync connection must come from a page of this server";
        return (StatusCode::FORBIDDEN, body).into_response();
    }
    let signed_in = match session::signed_in(&state, &headers).await {
        Ok(signed_in) => signed_in,
        Err(error) => return error.into_response(),
    };

    upgrade
        .max_message_size(WEBSOCKET_MESSAGE_LIMIT)
        .max_frame_size(WEBSOCKET_MESSAGE_LIMIT)
        .on_failed_upgrade(|error| warn!(%error, "WebSocket upgrade failed"))
        .on_upgrade(move |socket| serve_connection(socket, state, signed_in))
}

/// The reason a message was refused, sent in the `Error` reply.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The document has no plan record, or the person may not read it.
    /// Both get the same text, so a refusal does not tell that a plan
    /// exists.
    #[error("plan {0} was not found: no plan on the server has this id, or you do not have access to it")]
    NotFound(DocumentId),

    /// The person may read the document but not change it.
    #[error(
        "you can view plan {0} but not change it; the changes in this message were not applied"
    )]
    ReadOnly(DocumentId),

    /// A change in the message was made under an actor id that belongs to
    /// someone else.
    #[error("a change in this message was made under actor id {actor}, which belongs to another person; the changes were not applied")]
    ForeignActor {
        /// The actor id, as hex.
        actor: String,
    },

    /// The changes in the message could not be read to check who made
    /// them.
    #[error("the changes in this sync message could not be read: {0}")]
    Unreadable(String),

    /// The session ended while the connection was open.
    #[error("your session ended; sign in again")]
    SignedOut,

    /// The database failed during the check.
    #[error("access to plan {0} could not be checked; try again later")]
    Unavailable(DocumentId),

    /// The message is over one of the connection limits.
    #[error(transparent)]
    Limit(#[from] LimitExceeded),
}

impl Refusal {
    fn code(&self) -> ErrorCode {
        match self {
            Refusal::NotFound(_) => ErrorCode::NotFound,
            Refusal::ReadOnly(_) | Refusal::ForeignActor { .. } | Refusal::SignedOut => {
                ErrorCode::Forbidden
            }
            Refusal::Unreadable(_) => ErrorCode::InvalidSyncMessage,
            Refusal::Unavailable(_) => ErrorCode::Internal,
            Refusal::Limit(limit) => limit.code(),
        }
    }
}

/// Lists the actor ids of the changes a sync message carries, as hex,
/// sorted and without repeats. See [`change_authors`].
///
/// # Errors
///
/// As for [`change_authors`].
pub fn change_actors(data: &[u8]) -> Result<Vec<String>, String> {
    let mut actors: Vec<String> = change_authors(data)?
        .into_iter()
        .map(|author| author.actor)
        .collect();
    actors.sort();
    actors.dedup();
    Ok(actors)
}

/// One change a sync message carries: its hash, the actor id that made
/// it and its size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeAuthor {
    /// The change's hash.
    pub hash: automerge::ChangeHash,
    /// The actor id, as hex.
    pub actor: String,
    /// The length of the change's encoding, in bytes, as it would be
    /// stored.
    pub bytes: u64,
}

/// The changes a sync message carries, with the actor id of each.
///
/// Each entry of the message's change list may hold several storage chunks
/// one after another, and Automerge applies all of them, so every chunk is
/// split off by its header and read on its own: a change chunk names one
/// actor, and a whole-document chunk (sent when the other side has nothing
/// yet) names every actor of its changes and must not depend on anything
/// outside itself. A chunk of any other kind is refused.
///
/// A message that does not decode carries no change that could be applied,
/// so it gives no actors; the document task answers it with
/// `InvalidSyncMessage`.
///
/// # Errors
///
/// A chunk that does not parse, a document chunk with missing
/// dependencies, or a chunk of another kind.
pub fn change_authors(data: &[u8]) -> Result<Vec<ChangeAuthor>, String> {
    use automerge::ReadDoc;

    let Ok(message) = automerge::sync::Message::decode(data) else {
        return Ok(Vec::new());
    };

    let mut authors: Vec<ChangeAuthor> = Vec::new();
    for entry in message.changes.iter() {
        for chunk in split_chunks(entry)? {
            match chunk.kind {
                CHUNK_CHANGE | CHUNK_COMPRESSED_CHANGE => {
                    let change = automerge::Change::from_bytes(chunk.bytes.to_vec())
                        .map_err(|error| format!("a change does not parse: {error}"))?;
                    authors.push(ChangeAuthor {
                        hash: change.hash(),
                        actor: change.actor_id().to_hex_string(),
                        bytes: change.raw_bytes().len() as u64,
                    });
                }
                CHUNK_DOCUMENT => {
                    let document = automerge::Automerge::load(chunk.bytes)
                        .map_err(|error| format!("a document chunk does not load: {error}"))?;
                    if !document.get_missing_deps(&[]).is_empty() {
                        return Err(
                            "a document chunk depends on changes it does not hold".to_owned()
                        );
                    }
                    for change in document.get_changes(&[]) {
                        authors.push(ChangeAuthor {
                            hash: change.hash(),
                            actor: change.actor_id().to_hex_string(),
                            bytes: change.raw_bytes().len() as u64,
                        });
                    }
                }
                other => return Err(format!("chunks of type {other} are not accepted")),
            }
        }
    }
    Ok(authors)
}

/// The first bytes of every Automerge storage chunk.
const CHUNK_MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// Chunk types, from Automerge's binary format.
const CHUNK_DOCUMENT: u8 = 0;
const CHUNK_CHANGE: u8 = 1;
const CHUNK_COMPRESSED_CHANGE: u8 = 2;

/// One storage chunk: its type and its bytes, header included.
struct Chunk<'a> {
    kind: u8,
    bytes: &'a [u8],
}

/// Splits bytes into storage chunks. A chunk is the magic bytes, a 4-byte
/// checksum, a type byte, the data length as unsigned LEB128, and the data.
fn split_chunks(mut bytes: &[u8]) -> Result<Vec<Chunk<'_>>, String> {
    let mut chunks = Vec::new();
    while !bytes.is_empty() {
        if bytes.len() < 9 || bytes[..4] != CHUNK_MAGIC {
            return Err("the changes are not Automerge chunks".to_owned());
        }
        let kind = bytes[8];
        let mut length: u64 = 0;
        let mut header = 9;
        for shift in (0..64).step_by(7) {
            let byte = *bytes
                .get(header)
                .ok_or_else(|| "a chunk header is cut short".to_owned())?;
            header += 1;
            length |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                break;
            }
        }
        let end = usize::try_from(length)
            .ok()
            .and_then(|length| header.checked_add(length))
            .filter(|&end| end <= bytes.len())
            .ok_or_else(|| "a chunk is longer than the message".to_owned())?;
        chunks.push(Chunk {
            kind,
            bytes: &bytes[..end],
        });
        bytes = &bytes[end..];
    }
    Ok(chunks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{sync, AutoCommit};

    fn sync_data(chunks: Vec<Vec<u8>>) -> Vec<u8> {
        sync::Message {
            heads: Vec::new(),
            need: Vec::new(),
            have: Vec::new(),
            changes: chunks.into(),
            flags: None,
            version: sync::MessageVersion::V1,
        }
        .encode()
    }

    fn one_change(actor: &str) -> (automerge::Change, String) {
        let mut document = AutoCommit::new();
        let actor = automerge::ActorId::from(actor.as_bytes());
        document.set_actor(actor.clone());
        document
            .put(automerge::ROOT, "title", "A plan")
            .expect("the title is set");
        let change = document
            .document()
            .get_changes(&[])
            .first()
            .cloned()
            .expect("one change");
        (change, actor.to_hex_string())
    }

    #[test]
    fn a_change_names_its_actor() {
        let (change, actor) = one_change("alice");
        let data = sync_data(vec![change.raw_bytes().to_vec()]);
        assert_eq!(change_actors(&data), Ok(vec![actor]));
    }

    #[test]
    fn a_change_hidden_after_a_document_chunk_is_found() {
        let (change, actor) = one_change("mallory");
        let mut smuggled = automerge::Automerge::new().save();
        smuggled.extend_from_slice(change.raw_bytes());
        let data = sync_data(vec![smuggled]);
        assert_eq!(change_actors(&data), Ok(vec![actor]));
    }

    #[test]
    fn a_document_chunk_names_every_actor() {
        let mut document = AutoCommit::new();
        document.set_actor(automerge::ActorId::from(b"alice".as_slice()));
        document.put(automerge::ROOT, "a", 1).expect("set");
        document.commit();
        document.set_actor(automerge::ActorId::from(b"bruno".as_slice()));
        document.put(automerge::ROOT, "b", 2).expect("set");
        let data = sync_data(vec![document.save()]);
        let actors = change_actors(&data).expect("the chunk reads");
        assert_eq!(actors.len(), 2);
    }

    #[test]
    fn garbage_after_a_change_is_refused() {
        let (change, _) = one_change("alice");
        let mut bytes = change.raw_bytes().to_vec();
        bytes.extend_from_slice(b"trailing");
        assert!(change_actors(&sync_data(vec![bytes])).is_err());
    }

    #[test]
    fn undecodable_messages_name_no_actor() {
        assert_eq!(change_actors(b"not a sync message"), Ok(Vec::new()));
    }
}

/// The reason a connection ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CloseReason {
    /// The client closed the socket or went away.
    ClientClosed,
    /// The socket failed.
    ReadFailed,
    /// The server is shutting down.
    ShuttingDown,
    /// The outbound queue overflowed.
    TooSlow,
    /// The session ended: signed out elsewhere, password changed, person
    /// removed.
    SignedOut,
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            CloseReason::ClientClosed => "closed by the client",
            CloseReason::ReadFailed => "read failed",
            CloseReason::ShuttingDown => "server shutting down",
            CloseReason::TooSlow => "client too slow",
            CloseReason::SignedOut => "session ended",
        };
        f.write_str(text)
    }
}

impl CloseReason {
    /// The close frame the server sends, or `None` when the socket failed.
    /// Replying to a client's close frame completes the closing handshake.
    fn close_frame(self) -> Option<Outgoing> {
        match self {
            CloseReason::ReadFailed => None,
            CloseReason::ClientClosed => Some(Outgoing::Close {
                code: CLOSE_NORMAL,
                reason: "closed",
            }),
            CloseReason::ShuttingDown => Some(Outgoing::Close {
                code: CLOSE_GOING_AWAY,
                reason: "server shutting down; reconnect in a moment",
            }),
            CloseReason::TooSlow => Some(Outgoing::Close {
                code: CLOSE_TRY_AGAIN_LATER,
                reason: "too many messages queued; reconnect to resync",
            }),
            CloseReason::SignedOut => Some(Outgoing::Close {
                code: CLOSE_SIGNED_OUT,
                reason: "your session ended; sign in again",
            }),
        }
    }
}

/// Serves one WebSocket until it closes, then leaves every joined document.
#[instrument(name = "connection", skip_all, fields(peer, person))]
async fn serve_connection(socket: WebSocket, state: AppState, signed_in: session::CurrentPerson) {
    let (sink, mut stream) = socket.split();
    let (outbound, queue) = mpsc::channel(OUTBOUND_QUEUE);
    let peer = state.hub.next_peer_id();
    tracing::Span::current().record("peer", tracing::field::display(peer));
    tracing::Span::current().record("person", tracing::field::display(signed_in.person.id));

    let Some(_guard) = state.connections.track() else {
        info!("refused a WebSocket connection during shutdown");
        let mut writer = tokio::spawn(write_frames(sink, queue));
        let _ = outbound.try_send(Outgoing::Close {
            code: CLOSE_GOING_AWAY,
            reason: "server shutting down; reconnect in a moment",
        });
        finish_writer(&mut writer).await;
        return;
    };
    info!("WebSocket connection opened");

    let mut writer = tokio::spawn(write_frames(sink, queue));
    let mut connection = Connection {
        peer,
        hub: state.hub.clone(),
        link: PeerLink {
            outbound,
            overflowed: Arc::new(Notify::new()),
            person: Some(signed_in.person.id),
            name: Some(signed_in.person.name.clone()),
        },
        accounts: state.accounts.clone(),
        epoch_changes: state.access_epoch.subscribe(),
        epoch: state.access_epoch.clone(),
        checked_epoch: state.access_epoch.current(),
        person: signed_in.person,
        session_hash: signed_in.session_hash,
        access: HashMap::new(),
        signed_out: false,
        sessions: HashMap::new(),
        too_slow: false,
        rejected_frames: 0,
        ephemeral_limit: EphemeralLimiter::new(Instant::now()),
        message_limit: MessageLimiter::new(Instant::now()),
        rate_limited: false,
    };

    let reason = connection.read_frames(&mut stream, &state.shutdown).await;
    connection.leave_all().await;

    if let Some(close) = reason.close_frame() {
        let queued =
            tokio::time::timeout(CLOSE_TIMEOUT, connection.link.outbound.send(close)).await;
        if !matches!(queued, Ok(Ok(()))) {
            debug!("could not queue the close frame");
        }
    } else {
        // The socket failed, so nothing more can be sent.
        writer.abort();
    }
    let rejected_frames = connection.rejected_frames;
    drop(connection);
    finish_writer(&mut writer).await;

    info!(%reason, rejected_frames, "WebSocket connection closed");
}

/// Waits for the writer task to finish, aborting it after [`CLOSE_TIMEOUT`].
async fn finish_writer(writer: &mut tokio::task::JoinHandle<()>) {
    if tokio::time::timeout(CLOSE_TIMEOUT, &mut *writer)
        .await
        .is_err()
    {
        debug!("the writer did not finish in time; aborting it");
        writer.abort();
    }
}

/// Writes queued messages to the socket until a close is queued or the
/// socket fails.
async fn write_frames(
    mut sink: SplitSink<WebSocket, WsMessage>,
    mut queue: mpsc::Receiver<Outgoing>,
) {
    while let Some(item) = queue.recv().await {
        match item {
            Outgoing::Message(message) => {
                let frame = cairn_sync::encode(&message);
                if let Err(error) = sink.send(WsMessage::Binary(frame.into())).await {
                    debug!(%error, "writing a frame failed; the connection is closing");
                    return;
                }
            }
            Outgoing::Close { code, reason } => {
                let frame = CloseFrame {
                    code,
                    reason: reason.into(),
                };
                if let Err(error) = sink.send(WsMessage::Close(Some(frame))).await {
                    debug!(%error, "sending the close frame failed");
                }
                return;
            }
        }
    }
}

/// The changes of a sync message that a document does not contain yet.
#[derive(Debug, Default)]
struct NewChanges {
    /// Their actor ids, as hex, sorted and without repeats.
    actors: Vec<String>,
    /// Their total size in bytes.
    bytes: u64,
    /// The document's stored size before them.
    stored_bytes: u64,
}

/// The reader side of one connection.
struct Connection {
    peer: PeerId,
    hub: Hub,
    accounts: AccountStore,
    epoch: AccessEpoch,
    /// Wakes the reader when access changes anywhere.
    epoch_changes: tokio::sync::watch::Receiver<u64>,
    /// The access epoch when `person` and `access` were last read.
    checked_epoch: u64,
    person: Person,
    session_hash: String,
    /// The person's access to each document asked about so far.
    access: HashMap<DocumentId, Option<Access>>,
    /// Set when the session ended; the connection then closes.
    signed_out: bool,
    link: PeerLink,
    sessions: HashMap<DocumentId, DocumentSession>,
    /// Set when a reply did not fit in the outbound queue.
    too_slow: bool,
    rejected_frames: u64,
    /// The size and rate limits on this connection's `Ephemeral` messages.
    ephemeral_limit: EphemeralLimiter,
    /// The rate limit on all of this connection's messages.
    message_limit: MessageLimiter,
    /// Whether messages are being dropped for the rate and the client has
    /// received the error for it.
    rate_limited: bool,
}

impl Connection {
    async fn read_frames(
        &mut self,
        stream: &mut SplitStream<WebSocket>,
        shutdown: &ShutdownSignal,
    ) -> CloseReason {
        let mut session_check = tokio::time::interval(SESSION_CHECK_INTERVAL);
        session_check.tick().await;
        loop {
            if self.too_slow {
                warn!("the outbound queue is full; closing the connection");
                return CloseReason::TooSlow;
            }
            if self.signed_out {
                info!("the session ended; closing the connection");
                return CloseReason::SignedOut;
            }

            let frame = tokio::select! {
                biased;
                () = shutdown.wait() => return CloseReason::ShuttingDown,
                () = self.link.overflowed.notified() => {
                    warn!("a document dropped this connection because its queue was full; closing it");
                    return CloseReason::TooSlow;
                }
                changed = self.epoch_changes.changed() => {
                    if changed.is_ok() {
                        self.recheck_open_documents().await;
                    }
                    continue;
                }
                _ = session_check.tick() => {
                    self.recheck_open_documents().await;
                    continue;
                }
                frame = stream.next() => frame,
            };

            match frame {
                None | Some(Ok(WsMessage::Close(_))) => return CloseReason::ClientClosed,
                Some(Err(error)) => {
                    debug!(%error, "reading from the WebSocket failed");
                    return CloseReason::ReadFailed;
                }
                Some(Ok(WsMessage::Binary(frame))) => self.handle_frame(&frame).await,
                Some(Ok(WsMessage::Text(_))) => {
                    self.note_rejected_frame(ErrorCode::Malformed, "text frame");
                    self.reply(Message::Error {
                        doc: None,
                        code: ErrorCode::Malformed,
                        message: "text frames are not part of the sync protocol; send each \
                                  message as one binary frame"
                            .to_owned(),
                    });
                }
                Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_))) => {}
            }
        }
    }

    async fn handle_frame(&mut self, frame: &[u8]) {
        // Only the first dropped message of a run gets an error, so that a
        // flood of messages does not become a flood of replies.
        if let Err(limit) = self.message_limit.check(Instant::now()) {
            self.note_rejected_frame(limit.code(), "message over the connection's rate");
            if !self.rate_limited {
                self.rate_limited = true;
                self.reply(Message::Error {
                    doc: None,
                    code: limit.code(),
                    message: limit.to_string(),
                });
            }
            return;
        }
        self.rate_limited = false;

        let message = match cairn_sync::decode(frame) {
            Ok(message) => message,
            Err(error) => {
                self.note_rejected_frame(error.code(), &error.to_string());
                self.reply(Message::Error {
                    doc: None,
                    code: error.code(),
                    message: error.to_string(),
                });
                return;
            }
        };

        if let Some(&document) = message.document_id() {
            if let Err(refusal) = self.authorize(document, &message).await {
                warn!(document_id = %document, code = ?refusal.code(), "refused a sync message");
                if refusal == Refusal::SignedOut {
                    self.signed_out = true;
                }
                if refusal == Refusal::NotFound(document) {
                    if let Some(session) = self.sessions.remove(&document) {
                        session.leave().await;
                    }
                }
                self.reply(Message::Error {
                    doc: Some(document),
                    code: refusal.code(),
                    message: refusal.to_string(),
                });
                return;
            }
        }

        match message {
            Message::Open { doc } => self.open(doc).await,
            Message::Close { doc } => {
                if let Some(session) = self.sessions.remove(&doc) {
                    session.leave().await;
                }
            }
            Message::Sync { doc, data } => {
                let Some(session) = self.sessions.get(&doc) else {
                    self.reply_not_open(doc, "sync");
                    return;
                };
                if session.sync(data).await.is_err() {
                    self.reply_task_stopped(doc);
                }
            }
            Message::Ephemeral { doc, data, .. } => {
                if let Err(rejection) = self.ephemeral_limit.check(data.len(), Instant::now()) {
                    self.note_rejected_frame(rejection.code(), "ephemeral message over a limit");
                    self.reply(Message::Error {
                        doc: Some(doc),
                        code: rejection.code(),
                        message: rejection.to_string(),
                    });
                    return;
                }
                let Some(session) = self.sessions.get(&doc) else {
                    self.reply_not_open(doc, "ephemeral");
                    return;
                };
                if session.ephemeral(data).await.is_err() {
                    self.reply_task_stopped(doc);
                }
            }
            Message::Ack { doc, .. } => {
                self.note_rejected_frame(ErrorCode::Malformed, "ack from a client");
                self.reply(Message::Error {
                    doc: Some(doc),
                    code: ErrorCode::Malformed,
                    message: "ack messages are sent only by the server".to_owned(),
                });
            }
            Message::Error { doc, code, .. } => {
                // Replying to an error with an error could loop, so it is only
                // logged. Its text is not logged: it comes from the client.
                debug!(document_id = ?doc.map(|doc| doc.to_string()), ?code, "the client reported an error");
            }
        }
    }

    async fn open(&mut self, document: DocumentId) {
        let open = self.sessions.len();
        if open >= MAX_OPEN_DOCUMENTS && !self.sessions.contains_key(&document) {
            let limit = LimitExceeded::TooManyDocuments { open };
            self.note_rejected_frame(limit.code(), "open over the connection's document limit");
            self.reply(Message::Error {
                doc: Some(document),
                code: limit.code(),
                message: limit.to_string(),
            });
            return;
        }

        let joined = self.hub.join(document, self.peer, self.link.clone()).await;
        match joined {
            Ok(session) => {
                debug!(document_id = %document, "opened a document");
                self.sessions.insert(document, session);
            }
            Err(error) => {
                warn!(document_id = %document, %error, "opening a document failed");
                let message = match error {
                    HubError::ShuttingDown => error.to_string(),
                    HubError::Load { .. } | HubError::Unavailable { .. } => format!(
                        "document {document} could not be opened on the server; try again later"
                    ),
                };
                self.reply(Message::Error {
                    doc: Some(document),
                    code: ErrorCode::Internal,
                    message,
                });
            }
        }
    }

    /// Checks `message` against the person's access to `document`:
    ///
    /// - `Close` is always allowed;
    /// - `Open`, `Sync` and `Ephemeral` need read access;
    /// - a `Sync` that carries changes the document does not contain yet
    ///   needs edit access, and every such change must be made under an
    ///   actor id of this person (the first person to send a change under
    ///   an actor id owns it). Changes the document already contains are
    ///   not checked again. Automerge 0.12 sends the whole document, other
    ///   people's changes included, when a replica has more than a third
    ///   of the document's changes to send.
    ///
    /// Access is read once per document and read again after any change to
    /// access anywhere (the [`AccessEpoch`]), which also checks that the
    /// session is still valid.
    async fn authorize(&mut self, document: DocumentId, message: &Message) -> Result<(), Refusal> {
        if matches!(message, Message::Close { .. }) {
            return Ok(());
        }

        let epoch = self.epoch.current();
        if epoch != self.checked_epoch {
            self.checked_epoch = epoch;
            self.access.clear();
            match self.accounts.session_person(&self.session_hash).await {
                Ok(Some(person)) => self.person = person,
                Ok(None) => return Err(Refusal::SignedOut),
                Err(error) => {
                    warn!(%error, "checking the session failed");
                    return Err(Refusal::Unavailable(document));
                }
            }
        }

        let access = match self.access.get(&document) {
            Some(access) => *access,
            None => {
                let access = self.read_access(document).await?;
                self.access.insert(document, access);
                access
            }
        };
        let Some(access) = access else {
            return Err(Refusal::NotFound(document));
        };

        if let Message::Sync { data, .. } = message {
            let NewChanges {
                actors,
                bytes,
                stored_bytes,
            } = self.new_changes(document, data).await?;
            if actors.is_empty() {
                return Ok(());
            }
            if access != Access::Edit {
                return Err(Refusal::ReadOnly(document));
            }
            for actor in actors {
                let owner = self
                    .accounts
                    .claim_actor(&actor, self.person.id)
                    .await
                    .map_err(|error| {
                        warn!(%error, "checking an actor id failed");
                        Refusal::Unavailable(document)
                    })?;
                if owner != self.person.id {
                    return Err(Refusal::ForeignActor { actor });
                }
            }
            limits::check_plan_size(stored_bytes, bytes)?;
        }
        Ok(())
    }

    /// Reads the changes in `data` that the document does not contain yet:
    /// their actor ids and their size. When the document is not open on
    /// this connection, every change counts as new.
    async fn new_changes(&self, document: DocumentId, data: &[u8]) -> Result<NewChanges, Refusal> {
        let mut authors = change_authors(data).map_err(Refusal::Unreadable)?;
        if authors.is_empty() {
            return Ok(NewChanges::default());
        }

        let mut stored_bytes = 0;
        if let Some(session) = self.sessions.get(&document) {
            let hashes = authors.iter().map(|author| author.hash).collect();
            let contained = session.contained_changes(hashes).await.map_err(|error| {
                warn!(document_id = %document, %error, "checking which changes are new failed");
                Refusal::Unavailable(document)
            })?;
            stored_bytes = contained.stored_bytes;
            if !contained.hashes.is_empty() {
                let contained: std::collections::HashSet<automerge::ChangeHash> =
                    contained.hashes.into_iter().collect();
                authors.retain(|author| !contained.contains(&author.hash));
            }
        }

        let bytes = authors.iter().map(|author| author.bytes).sum();
        let mut actors: Vec<String> = authors.into_iter().map(|author| author.actor).collect();
        actors.sort();
        actors.dedup();
        Ok(NewChanges {
            actors,
            bytes,
            stored_bytes,
        })
    }

    /// Checks the session and the access to every open document again,
    /// after access changed somewhere or on the periodic check. A document
    /// the person may no longer read is left, so it sends nothing more, and
    /// the client gets `NotFound` for it; an ended session closes the
    /// connection.
    async fn recheck_open_documents(&mut self) {
        self.checked_epoch = self.epoch.current();
        self.access.clear();
        match self.accounts.session_person(&self.session_hash).await {
            Ok(Some(person)) => self.person = person,
            Ok(None) => {
                info!("the session ended while the connection was open");
                self.signed_out = true;
                return;
            }
            Err(error) => {
                warn!(%error, "checking the session failed; checking again later");
                return;
            }
        }

        let open: Vec<DocumentId> = self.sessions.keys().copied().collect();
        for document in open {
            let access = match self.read_access(document).await {
                Ok(access) => access,
                Err(_) => continue,
            };
            self.access.insert(document, access);
            if access.is_none() {
                if let Some(session) = self.sessions.remove(&document) {
                    session.leave().await;
                }
                info!(document_id = %document, "access ended; left the document");
                let refusal = Refusal::NotFound(document);
                self.reply(Message::Error {
                    doc: Some(document),
                    code: refusal.code(),
                    message: refusal.to_string(),
                });
            }
        }
    }

    async fn read_access(&self, document: DocumentId) -> Result<Option<Access>, Refusal> {
        let unavailable = |error: crate::storage::StorageError| {
            warn!(%error, "reading access failed");
            Refusal::Unavailable(document)
        };
        let Some(plan) = self.accounts.plan(document).await.map_err(unavailable)? else {
            return Ok(None);
        };
        let share = self
            .accounts
            .share(document, self.person.id)
            .await
            .map_err(unavailable)?;
        Ok(policy::plan_access(&self.person, &plan, share))
    }

    /// Leaves every joined document.
    async fn leave_all(&mut self) {
        for (_, session) in self.sessions.drain() {
            session.leave().await;
        }
    }

    fn reply_not_open(&mut self, document: DocumentId, kind: &str) {
        self.note_rejected_frame(
            ErrorCode::Malformed,
            "message for a document that is not open",
        );
        self.reply(Message::Error {
            doc: Some(document),
            code: ErrorCode::Malformed,
            message: format!(
                "document {document} is not open on this connection; send open before {kind}"
            ),
        });
    }

    fn reply_task_stopped(&mut self, document: DocumentId) {
        warn!(document_id = %document, "the document's task stopped while the document was open");
        self.sessions.remove(&document);
        self.reply(Message::Error {
            doc: Some(document),
            code: ErrorCode::Internal,
            message: format!(
                "document {document} is no longer open on the server; send open again"
            ),
        });
    }

    /// Queues a message from the connection itself. A full queue means the
    /// client is not reading, so the connection closes.
    fn reply(&mut self, message: Message) {
        match self.link.outbound.try_send(Outgoing::Message(message)) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => self.too_slow = true,
            Err(TrySendError::Closed(_)) => {}
        }
    }

    fn note_rejected_frame(&mut self, code: ErrorCode, reason: &str) {
        self.rejected_frames += 1;
        if self.rejected_frames <= LOGGED_REJECTIONS {
            warn!(?code, reason, "rejected a frame");
        } else {
            debug!(?code, reason, "rejected a frame");
        }
    }
}
