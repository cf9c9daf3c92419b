//! A sync client for tests: a real WebSocket to the server, driven by
//! `cairn_sync::ClientSession` over `PlanDocument` replicas, as the browser
//! does.

// Each test binary uses only some of these helpers.
#![allow(dead_code)]

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use automerge::ChangeHash;
use cairn_plan::PlanDocument;
use cairn_sync::{ClientEvent, ClientSession, DocumentId, ErrorCode, Message, SyncStatus};
use futures::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

/// How long a test waits for any one condition before it fails.
pub const WAIT: Duration = Duration::from_secs(30);

/// Awaits `future`, failing the test with `what` if it takes over [`WAIT`].
pub async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    match tokio::time::timeout(WAIT, future).await {
        Ok(value) => value,
        Err(_) => panic!("timed out after {WAIT:?} waiting for {what}"),
    }
}

/// What the client read from one frame.
#[derive(Debug)]
pub enum Received {
    /// A protocol message, already applied to the session.
    Message(Message),
    /// The server closed the socket, with this close frame if it sent one.
    Closed(Option<CloseFrame>),
    /// Reading failed, such as a connection reset.
    Failed(String),
}

/// One browser tab: a WebSocket, a sync session and its replicas.
pub struct SyncClient {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    session: ClientSession,
    replicas: HashMap<DocumentId, PlanDocument>,
    errors: Vec<(Option<DocumentId>, ErrorCode)>,
    presence: Vec<(DocumentId, Vec<u8>)>,
    /// The `sender` of each entry of `presence`, in the same order.
    presence_senders: Vec<Option<String>>,
    closed: bool,
    started: Instant,
    traffic: Traffic,
}

/// Counts of the binary frames a client sent and received.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Traffic {
    pub sent_frames: usize,
    pub sent_bytes: usize,
    pub received_frames: usize,
    pub received_bytes: usize,
    /// The size of the largest frame in either direction.
    pub max_frame_bytes: usize,
}

impl SyncClient {
    /// Connects to `ws://{addr}/sync` with the session cookie `cookie`
    /// (`cairn_session=…`) and this server's `Origin`, as a browser does.
    pub async fn connect(addr: SocketAddr, cookie: &str) -> Self {
        let socket = within(
            "the WebSocket handshake",
            Self::handshake(addr, Some(cookie)),
        )
        .await
        .expect("the server accepts the WebSocket");
        Self::over(socket)
    }

    /// Attempts the WebSocket handshake, with a cookie or without.
    pub async fn handshake(
        addr: SocketAddr,
        cookie: Option<&str>,
    ) -> Result<WebSocketStream<MaybeTlsStream<TcpStream>>, tokio_tungstenite::tungstenite::Error>
    {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;

        let mut request = format!("ws://{addr}/sync")
            .into_client_request()
            .expect("a valid WebSocket URL");
        let headers = request.headers_mut();
        headers.insert(
            "origin",
            format!("http://{addr}").parse().expect("a valid Origin"),
        );
        if let Some(cookie) = cookie {
            headers.insert("cookie", cookie.parse().expect("a valid Cookie"));
        }
        connect_async(request).await.map(|(socket, _)| socket)
    }

    fn over(socket: WebSocketStream<MaybeTlsStream<TcpStream>>) -> Self {
        let mut session = ClientSession::new();
        let _no_documents_yet = session.connected();

        Self {
            socket,
            session,
            replicas: HashMap::new(),
            errors: Vec::new(),
            presence: Vec::new(),
            presence_senders: Vec::new(),
            closed: false,
            started: Instant::now(),
            traffic: Traffic::default(),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Opens `doc` with `replica` as the local copy.
    pub async fn open(&mut self, doc: DocumentId, replica: PlanDocument) {
        let outgoing = self.session.open(doc, replica.automerge(), self.now_ms());
        self.replicas.insert(doc, replica);
        self.send_all(outgoing).await;
    }

    /// Applies a local edit to the replica of `doc` and sends it.
    pub async fn edit(&mut self, doc: DocumentId, edit: impl FnOnce(&mut PlanDocument)) {
        let now = self.now_ms();
        let replica = self.replicas.get_mut(&doc).expect("the document is open");
        edit(replica);
        let outgoing = self.session.local_change(doc, replica.automerge(), now);
        self.send_all(outgoing).await;
    }

    /// The replica of `doc`.
    pub fn replica(&self, doc: DocumentId) -> &PlanDocument {
        self.replicas.get(&doc).expect("the document is open")
    }

    /// Removes `doc` from this client without sending `Close`, and returns
    /// its replica, as a tab keeps it when the connection drops.
    pub fn take_replica(&mut self, doc: DocumentId) -> PlanDocument {
        self.replicas.remove(&doc).expect("the document is open")
    }

    /// Adds heads that the server acknowledged on an earlier connection.
    pub fn restore_acked_heads(&mut self, doc: DocumentId, heads: Vec<ChangeHash>) {
        self.session.restore_acked_heads(doc, heads);
    }

    /// Returns the counts of frames sent and received so far.
    pub fn traffic(&self) -> Traffic {
        self.traffic
    }

    /// The heads the server acknowledged as stored.
    pub fn acked_heads(&self, doc: DocumentId) -> Vec<ChangeHash> {
        self.session.acked_heads(&doc)
    }

    /// Returns whether the server acknowledged every change of the replica.
    pub fn is_saved(&self, doc: DocumentId) -> bool {
        let replica = self.replica(doc);
        self.session.status(&doc, replica.automerge()) == SyncStatus::Saved
    }

    /// The errors the server sent so far.
    pub fn errors(&self) -> &[(Option<DocumentId>, ErrorCode)] {
        &self.errors
    }

    /// The presence data relayed to this client so far.
    pub fn presence(&self) -> &[(DocumentId, Vec<u8>)] {
        &self.presence
    }

    /// Returns the sender the server named for each entry of
    /// [`Self::presence`].
    pub fn presence_senders(&self) -> &[Option<String>] {
        &self.presence_senders
    }

    /// Sends presence data for an open document.
    pub async fn send_presence(&mut self, doc: DocumentId, data: Vec<u8>) {
        let outgoing = self.session.ephemeral(doc, data);
        self.send_all(outgoing).await;
    }

    /// Closes the document on this connection.
    pub async fn close_document(&mut self, doc: DocumentId) {
        let outgoing = self.session.close(doc);
        self.replicas.remove(&doc);
        self.send_all(outgoing).await;
    }

    /// Sends an envelope message as it is.
    pub async fn send_message(&mut self, message: &Message) {
        self.send_frame(WsMessage::Binary(cairn_sync::encode(message).into()))
            .await;
    }

    /// Sends one WebSocket frame as it is.
    pub async fn send_frame(&mut self, frame: WsMessage) {
        if let WsMessage::Binary(bytes) = &frame {
            self.traffic.sent_frames += 1;
            self.traffic.sent_bytes += bytes.len();
            self.traffic.max_frame_bytes = self.traffic.max_frame_bytes.max(bytes.len());
        }
        within("sending a frame", self.socket.send(frame))
            .await
            .expect("the socket accepts the frame");
    }

    async fn send_all(&mut self, messages: Vec<Message>) {
        for message in messages {
            self.send_message(&message).await;
        }
    }

    /// Reads one frame (waiting up to [`WAIT`]), applies it to the session
    /// and sends the replies.
    pub async fn receive(&mut self) -> Received {
        loop {
            let frame = within("a frame from the server", self.socket.next()).await;
            let frame = match frame {
                None => {
                    self.closed = true;
                    return Received::Closed(None);
                }
                Some(Err(error)) => {
                    self.closed = true;
                    return Received::Failed(error.to_string());
                }
                Some(Ok(frame)) => frame,
            };

            match frame {
                WsMessage::Binary(bytes) => {
                    self.traffic.received_frames += 1;
                    self.traffic.received_bytes += bytes.len();
                    self.traffic.max_frame_bytes = self.traffic.max_frame_bytes.max(bytes.len());
                    let message =
                        cairn_sync::decode(&bytes).expect("the server sends valid frames");
                    self.apply(message.clone()).await;
                    return Received::Message(message);
                }
                WsMessage::Close(close) => {
                    self.closed = true;
                    return Received::Closed(close);
                }
                WsMessage::Text(_) => panic!("the server sent a text frame"),
                WsMessage::Ping(_) | WsMessage::Pong(_) | WsMessage::Frame(_) => {}
            }
        }
    }

    async fn apply(&mut self, message: Message) {
        let now = self.now_ms();
        let replica = message
            .document_id()
            .and_then(|doc| self.replicas.get_mut(doc))
            .map(PlanDocument::automerge_mut);
        let received = self
            .session
            .receive(message, replica, now)
            .expect("the client session accepts the server's messages");

        for event in received.events {
            match event {
                ClientEvent::ServerError { doc, code, .. } => self.errors.push((doc, code)),
                ClientEvent::Ephemeral { doc, sender, data } => {
                    self.presence.push((doc, data));
                    self.presence_senders.push(sender);
                }
                ClientEvent::DocumentChanged { .. } | ClientEvent::AckedHeadsChanged { .. } => {}
            }
        }
        self.send_all(received.outgoing).await;
    }

    /// Reads frames until `condition` holds, failing the test after [`WAIT`].
    pub async fn run_until(&mut self, what: &str, condition: impl FnMut(&Self) -> bool) {
        self.run_until_within(what, WAIT, condition).await;
    }

    /// Reads frames until `condition` holds, failing the test after `limit`.
    /// Each single frame must still arrive within [`WAIT`].
    pub async fn run_until_within(
        &mut self,
        what: &str,
        limit: Duration,
        mut condition: impl FnMut(&Self) -> bool,
    ) {
        let deadline = Instant::now() + limit;
        while !condition(self) {
            assert!(!self.closed, "the socket closed while waiting for {what}");
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            if let Received::Failed(error) = self.receive().await {
                panic!("reading from the socket failed while waiting for {what}: {error}");
            }
        }
    }

    /// Reads frames until the server acknowledged every change of `doc`.
    pub async fn wait_saved(&mut self, doc: DocumentId) {
        self.run_until("every change to be acknowledged", |client| {
            client.is_saved(doc)
        })
        .await;
    }

    /// Reads frames until an `Error` arrives, and returns its code.
    pub async fn next_error(&mut self) -> (Option<DocumentId>, ErrorCode) {
        let seen = self.errors.len();
        self.run_until("an error message", |client| client.errors.len() > seen)
            .await;
        self.errors[seen]
    }

    /// Reads frames until the server closes the socket, and returns the
    /// close frame, or `None` when the socket ended without one.
    pub async fn wait_closed(&mut self) -> Option<CloseFrame> {
        loop {
            match self.receive().await {
                Received::Closed(close) => return close,
                Received::Failed(_) => return None,
                Received::Message(_) => {}
            }
        }
    }
}
