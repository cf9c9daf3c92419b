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
//! 2. checks the message with [`authorize`];
//! 3. on `Open`, joins the document's task in the hub; on `Close`, leaves
//!    it; `Sync` and `Ephemeral` go to the joined task.
//!
//! When the socket closes, the connection leaves every document it joined.
//! On shutdown, or when its queue overflows, the server closes the socket
//! with a close frame.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use cairn_sync::{DocumentId, ErrorCode, Message, PeerId, MAX_FRAME_BYTES};
use futures::stream::{SplitSink, SplitStream};
use futures::{SinkExt, StreamExt};
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::sync::Notify;
use tracing::{debug, info, instrument, warn};

use crate::hub::{DocumentSession, Hub, HubError, Outgoing, PeerLink};
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

/// Upgrades `GET /sync` to a WebSocket and serves it.
pub async fn sync_socket(upgrade: WebSocketUpgrade, State(state): State<AppState>) -> Response {
    upgrade
        .max_message_size(WEBSOCKET_MESSAGE_LIMIT)
        .max_frame_size(WEBSOCKET_MESSAGE_LIMIT)
        .on_failed_upgrade(|error| warn!(%error, "WebSocket upgrade failed"))
        .on_upgrade(move |socket| serve_connection(socket, state))
}

/// The operation a message requests on a document, for [`authorize`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Start syncing the document (`Open`).
    Open,
    /// Stop syncing the document (`Close`).
    Close,
    /// Exchange changes (`Sync`).
    Sync,
    /// Send presence data (`Ephemeral`).
    Presence,
    /// A message type that clients do not send (`Ack`, `Error`).
    Other,
}

impl Action {
    fn of(message: &Message) -> Self {
        match message {
            Message::Open { .. } => Action::Open,
            Message::Close { .. } => Action::Close,
            Message::Sync { .. } => Action::Sync,
            Message::Ephemeral { .. } => Action::Presence,
            Message::Ack { .. } | Message::Error { .. } => Action::Other,
        }
    }
}

/// The reason [`authorize`] rejected a message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not allowed to {action:?} document {document}")]
pub struct Denied {
    /// The document.
    pub document: DocumentId,
    /// The requested operation.
    pub action: Action,
}

/// The server's record of the other end of a connection.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionInfo {
    /// The connection's peer id in the hub.
    pub peer: PeerId,
}

/// Checks whether `connection` may do `action` on `document`. Called for
/// every message that names a document, before the message is handled.
///
/// NOTE: accounts do not exist yet, so this allows everything. Once they do,
/// it will check that the signed-in user may read the document for `Open`
/// and `Presence`, may write it for a `Sync` that carries changes (and that
/// each change's actor id belongs to that user), and will return `Denied`,
/// for which the reader sends a `Forbidden` error.
pub fn authorize(
    connection: &ConnectionInfo,
    document: DocumentId,
    action: Action,
) -> Result<(), Denied> {
    let _ = (connection, document, action);
    Ok(())
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
}

impl fmt::Display for CloseReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            CloseReason::ClientClosed => "closed by the client",
            CloseReason::ReadFailed => "read failed",
            CloseReason::ShuttingDown => "server shutting down",
            CloseReason::TooSlow => "client too slow",
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
        }
    }
}

/// Serves one WebSocket until it closes, then leaves every joined document.
#[instrument(name = "connection", skip_all, fields(peer))]
async fn serve_connection(socket: WebSocket, state: AppState) {
    let (sink, mut stream) = socket.split();
    let (outbound, queue) = mpsc::channel(OUTBOUND_QUEUE);
    let peer = state.hub.next_peer_id();
    tracing::Span::current().record("peer", tracing::field::display(peer));

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
        info: ConnectionInfo { peer },
        hub: state.hub.clone(),
        link: PeerLink {
            outbound,
            overflowed: Arc::new(Notify::new()),
        },
        sessions: HashMap::new(),
        too_slow: false,
        rejected_frames: 0,
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

/// The reader side of one connection.
struct Connection {
    info: ConnectionInfo,
    hub: Hub,
    link: PeerLink,
    sessions: HashMap<DocumentId, DocumentSession>,
    /// Set when a reply did not fit in the outbound queue.
    too_slow: bool,
    rejected_frames: u64,
}

impl Connection {
    async fn read_frames(
        &mut self,
        stream: &mut SplitStream<WebSocket>,
        shutdown: &ShutdownSignal,
    ) -> CloseReason {
        loop {
            if self.too_slow {
                warn!("the outbound queue is full; closing the connection");
                return CloseReason::TooSlow;
            }

            let frame = tokio::select! {
                biased;
                () = shutdown.wait() => return CloseReason::ShuttingDown,
                () = self.link.overflowed.notified() => {
                    warn!("a document dropped this connection because its queue was full; closing it");
                    return CloseReason::TooSlow;
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
            let action = Action::of(&message);
            if let Err(denied) = authorize(&self.info, document, action) {
                warn!(document_id = %document, ?action, "rejected an unauthorized message");
                self.reply(Message::Error {
                    doc: Some(document),
                    code: ErrorCode::Forbidden,
                    message: denied.to_string(),
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
        let joined = self
            .hub
            .join(document, self.info.peer, self.link.clone())
            .await;
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
