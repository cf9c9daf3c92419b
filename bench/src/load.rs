//! The load generator shared by both sync servers: many clients, each with
//! its own Automerge replica of one plan and its own actor id, editing on a
//! fixed schedule while every client times the arrival of the others' edits.
//!
//! A run has these steps:
//!
//! 1. Every client connects, opens its plan and syncs until the server has
//!    stored its replica's heads.
//! 2. When all are synced, editing starts. Client `i` makes its first edit
//!    at `i / clients` of one edit interval, so the edits spread evenly, and
//!    then one edit per interval.
//! 3. Edits of the warm-up are delivered and counted but not timed. Edits of
//!    the measured window are timed: for each (edit, peer) pair, the time
//!    from the local commit to the moment the peer's replica applied the
//!    change.
//! 4. After the window, clients stop editing and keep syncing until every
//!    timed edit reached every peer or the drain time ends.
//!
//! All clients run in one process, so one monotonic clock serves every
//! timestamp. A peer finds the edits a frame brought by asking its replica
//! for the changes since its heads before the frame, and looks each change
//! hash up in the shared [`Tracker`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use automerge::{transaction::Transactable, ActorId, Automerge, ChangeHash, ROOT};
use futures::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Request;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::process::{process_usage, ProcessUsage};
use crate::report::Latencies;

/// The WebSocket stream of one client.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long all clients may take to connect and sync before the run fails.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(120);

/// How long a client waits before it reopens a lost connection.
const RECONNECT_DELAY: Duration = Duration::from_secs(1);

/// How often each client runs its protocol's timers.
const TICK: Duration = Duration::from_millis(500);

/// The shape and pace of a run.
#[derive(Clone, Debug)]
pub struct Workload {
    /// The number of clients, each with one WebSocket.
    pub clients: usize,
    /// The number of plans; client `i` edits plan `i % plans`.
    pub plans: usize,
    /// The time between two edits of one client.
    pub edit_interval: Duration,
    /// The editing time before the measured window; its edits are not timed.
    pub warmup: Duration,
    /// The measured window.
    pub duration: Duration,
    /// The maximum time to wait for deliveries after the window.
    pub drain: Duration,
}

impl Workload {
    /// Returns the plan that client `index` edits.
    pub fn plan_of(&self, index: usize) -> usize {
        index % self.plans
    }

    /// Returns the number of clients on plan `plan`.
    pub fn clients_on(&self, plan: usize) -> usize {
        (0..self.clients)
            .filter(|&index| self.plan_of(index) == plan)
            .count()
    }
}

/// A failure a client's protocol reports.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    /// The server sent a frame this client cannot read.
    #[error("invalid frame from the server: {0}")]
    InvalidFrame(String),
    /// Applying a sync message failed.
    #[error("applying a sync message failed: {0}")]
    Sync(String),
}

/// A WebSocket connection failed or the server closed it, with the reason.
#[derive(Debug, thiserror::Error)]
#[error("the connection was lost: {0}")]
pub struct ConnectionLost(pub String);

/// One client's side of a sync protocol for the one plan it edits.
///
/// Each method returns the binary frames to send, in order.
pub trait Protocol: Send + 'static {
    /// Returns the frames to send once the WebSocket is open.
    fn start(&mut self, doc: &Automerge, now_ms: u64) -> Vec<Vec<u8>>;

    /// Returns the frames that carry a local change just committed to `doc`.
    fn local_change(&mut self, doc: &Automerge, now_ms: u64) -> Vec<Vec<u8>>;

    /// Applies a frame from the server to `doc` and returns the replies.
    fn receive(
        &mut self,
        frame: &[u8],
        doc: &mut Automerge,
        now_ms: u64,
    ) -> Result<Vec<Vec<u8>>, ProtocolError>;

    /// Records that the connection was lost.
    fn disconnected(&mut self);

    /// Returns the frames to send on a new connection after a lost one.
    fn reconnected(&mut self, doc: &Automerge, now_ms: u64) -> Vec<Vec<u8>>;

    /// Runs the protocol's timers, such as reply timeouts.
    fn tick(&mut self, doc: &Automerge, now_ms: u64) -> Vec<Vec<u8>>;

    /// Returns whether the server has every change of `doc`.
    fn is_synced(&self, doc: &Automerge) -> bool;

    /// Removes and returns the errors the server reported since the last
    /// call, as text for the report.
    fn take_errors(&mut self) -> Vec<String>;
}

/// A sync server under test, as seen by its clients.
pub trait Target: Send + Sync + 'static {
    /// The protocol of one client.
    type Client: Protocol;

    /// Returns the WebSocket request a client connects with.
    fn request(&self) -> anyhow::Result<Request>;

    /// Creates the protocol state of client `index`, which edits plan `plan`.
    fn client(&self, index: usize, plan: usize) -> Self::Client;
}

/// The result of one run against one server.
#[derive(Debug)]
pub struct LoadResult {
    /// One entry per (timed edit, peer) pair that arrived.
    pub latencies: Latencies,
    /// The edits made in the measured window.
    pub edits_sent: u64,
    /// The edits of the window that reached every peer of their plan.
    pub edits_delivered: u64,
    /// The measured window.
    pub window: Duration,
    /// How long connecting and the first sync of all clients took.
    pub connect_time: Duration,
    /// The mean size of the clients' replicas saved with Automerge at the
    /// end of the run.
    pub mean_saved_bytes: usize,
    /// The server's CPU time during the window and the drain, and its peak
    /// memory over its whole life.
    pub usage: ProcessUsage,
    /// Errors reported by the server, by text, with counts.
    pub errors: Vec<(String, u64)>,
    /// Connections lost and reopened during the run, by reason, with counts.
    pub connections_lost: Vec<(String, u64)>,
}

/// One edit in flight: its send time and the peers still to apply it.
struct EditRecord {
    /// When the sender committed the edit.
    sent: Instant,
    /// Whether the edit falls in the measured window.
    timed: bool,
    /// Peers that have not applied the edit yet.
    waiting: usize,
}

/// The shared record of edits in flight and of their arrival times.
#[derive(Default)]
struct Tracker {
    edits: HashMap<ChangeHash, EditRecord>,
    latencies: Vec<Duration>,
    edits_sent: u64,
    edits_delivered: u64,
    errors: HashMap<String, u64>,
    /// Lost connections by reason.
    connections_lost: HashMap<String, u64>,
}

impl Tracker {
    fn sent(&mut self, hash: ChangeHash, sent: Instant, timed: bool, peers: usize) {
        if timed {
            self.edits_sent += 1;
            if peers == 0 {
                self.edits_delivered += 1;
                return;
            }
        }
        self.edits.insert(
            hash,
            EditRecord {
                sent,
                timed,
                waiting: peers,
            },
        );
    }

    fn arrived(&mut self, hash: &ChangeHash, now: Instant) {
        let Some(record) = self.edits.get_mut(hash) else {
            return;
        };
        if record.timed {
            self.latencies.push(now.duration_since(record.sent));
        }
        record.waiting -= 1;
        if record.waiting == 0 {
            if record.timed {
                self.edits_delivered += 1;
            }
            self.edits.remove(hash);
        }
    }

    fn timed_in_flight(&self) -> usize {
        self.edits.values().filter(|record| record.timed).count()
    }
}

/// The times every client follows, sent to the clients once all are synced.
#[derive(Clone, Copy, Debug)]
struct Schedule {
    /// The start of editing.
    start: Instant,
    /// The start of the measured window.
    window_start: Instant,
    /// The end of editing.
    end: Instant,
}

/// A message from a client task to the coordinator.
enum ClientReport {
    /// The client's replica is synced with the server.
    Synced,
    /// The client failed and stopped.
    Failed(anyhow::Error),
}

/// Everything a client task needs besides its protocol.
struct ClientSetup {
    index: usize,
    offset: Duration,
    edit_interval: Duration,
    peers: usize,
    doc: Automerge,
    tracker: Arc<Mutex<Tracker>>,
    reports: mpsc::UnboundedSender<ClientReport>,
    schedule: watch::Receiver<Option<Schedule>>,
    stop: watch::Receiver<bool>,
    clock_origin: Instant,
}

/// Runs `workload` against `target`, served by process `server_pid`, with
/// `initial_docs` (the saved bytes of each plan) as every client's starting
/// replica.
pub async fn run<T: Target>(
    target: Arc<T>,
    server_pid: u32,
    workload: &Workload,
    initial_docs: &[Vec<u8>],
) -> anyhow::Result<LoadResult> {
    let tracker = Arc::new(Mutex::new(Tracker::default()));
    let (reports_tx, mut reports) = mpsc::unbounded_channel();
    let (schedule_tx, schedule_rx) = watch::channel(None);
    let (stop_tx, stop_rx) = watch::channel(false);
    let clock_origin = Instant::now();

    // Connect every client. Connections open in batches so that the
    // server's accept queue does not overflow.
    let connect_started = Instant::now();
    let mut tasks = Vec::with_capacity(workload.clients);
    for index in 0..workload.clients {
        let plan = workload.plan_of(index);
        let mut doc = Automerge::load(&initial_docs[plan])
            .with_context(|| format!("loading the initial document of plan {plan}"))?;
        doc.set_actor(ActorId::random());

        let request = target.request()?;
        let socket = tokio_tungstenite::connect_async(request)
            .await
            .with_context(|| format!("client {index} connecting"))?
            .0;

        let setup = ClientSetup {
            index,
            offset: workload
                .edit_interval
                .mul_f64(index as f64 / workload.clients as f64),
            edit_interval: workload.edit_interval,
            peers: workload.clients_on(plan) - 1,
            doc,
            tracker: tracker.clone(),
            reports: reports_tx.clone(),
            schedule: schedule_rx.clone(),
            stop: stop_rx.clone(),
            clock_origin,
        };
        let protocol = target.client(index, plan);
        tasks.push(tokio::spawn(run_client(
            target.clone(),
            socket,
            protocol,
            setup,
        )));
    }
    drop(reports_tx);

    let mut synced = 0;
    let deadline = tokio::time::Instant::now() + CONNECT_TIMEOUT;
    while synced < workload.clients {
        let report = tokio::time::timeout_at(deadline, reports.recv())
            .await
            .with_context(|| {
                format!(
                    "only {synced} of {} clients synced within {CONNECT_TIMEOUT:?}",
                    workload.clients
                )
            })?;
        match report {
            Some(ClientReport::Synced) => synced += 1,
            Some(ClientReport::Failed(error)) => return Err(error),
            None => bail!("every client stopped before all synced"),
        }
    }
    let connect_time = connect_started.elapsed();

    // Edit for the warm-up and the window, then drain.
    let start = Instant::now() + Duration::from_millis(200);
    let schedule = Schedule {
        start,
        window_start: start + workload.warmup,
        end: start + workload.warmup + workload.duration,
    };
    schedule_tx.send_replace(Some(schedule));

    tokio::time::sleep_until(schedule.window_start.into()).await;
    let usage_before = process_usage(server_pid)?;

    tokio::time::sleep_until(schedule.end.into()).await;
    let drain_deadline = Instant::now() + workload.drain;
    while Instant::now() < drain_deadline {
        let in_flight = tracker
            .lock()
            .expect("no client panicked")
            .timed_in_flight();
        if in_flight == 0 {
            break;
        }
        if let Ok(ClientReport::Failed(error)) = reports.try_recv() {
            return Err(error);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let usage_after = process_usage(server_pid)?;

    stop_tx.send_replace(true);
    let mut saved_bytes = Vec::with_capacity(tasks.len());
    for task in tasks {
        saved_bytes.extend(task.await.context("a client task panicked")?);
    }
    while let Ok(report) = reports.try_recv() {
        if let ClientReport::Failed(error) = report {
            return Err(error);
        }
    }

    let mut tracker = tracker.lock().expect("no client panicked");
    let mut errors: Vec<(String, u64)> = tracker.errors.drain().collect();
    errors.sort();
    let mut connections_lost: Vec<(String, u64)> = tracker.connections_lost.drain().collect();
    connections_lost.sort();
    Ok(LoadResult {
        latencies: Latencies::new(std::mem::take(&mut tracker.latencies)),
        edits_sent: tracker.edits_sent,
        edits_delivered: tracker.edits_delivered,
        window: workload.duration,
        connect_time,
        mean_saved_bytes: saved_bytes.iter().sum::<usize>() / saved_bytes.len().max(1),
        usage: ProcessUsage {
            cpu_seconds: usage_after.cpu_seconds - usage_before.cpu_seconds,
            peak_rss_bytes: usage_after.peak_rss_bytes,
        },
        errors,
        connections_lost,
    })
}

/// Runs one client until the coordinator stops it, reporting failures
/// through the report channel instead of returning them.
///
/// Returns the size of the client's replica saved with Automerge at the end,
/// or `None` after a failure.
async fn run_client<T: Target>(
    target: Arc<T>,
    socket: Socket,
    protocol: T::Client,
    setup: ClientSetup,
) -> Option<usize> {
    let reports = setup.reports.clone();
    let index = setup.index;
    match drive_client(target, socket, protocol, setup).await {
        Ok(saved_bytes) => Some(saved_bytes),
        Err(error) => {
            let _ = reports.send(ClientReport::Failed(
                error.context(format!("client {index}")),
            ));
            None
        }
    }
}

async fn drive_client<T: Target>(
    target: Arc<T>,
    socket: Socket,
    mut protocol: T::Client,
    setup: ClientSetup,
) -> anyhow::Result<usize> {
    let now_ms = |origin: Instant| u64::try_from(origin.elapsed().as_millis()).unwrap_or(u64::MAX);
    let ClientSetup {
        index,
        offset,
        edit_interval,
        peers,
        mut doc,
        tracker,
        reports,
        schedule: mut schedule_rx,
        mut stop,
        clock_origin,
    } = setup;
    let mut socket = Some(socket);
    let mut reconnect_at: Option<Instant> = None;
    let mut reported_synced = false;
    let mut next_edit: Option<Instant> = None;
    let mut schedule: Option<Schedule> = None;
    let mut edit_number = 0_u64;
    let mut tick = tokio::time::interval(TICK);

    let frames = protocol.start(&doc, now_ms(clock_origin));
    let mut sent = send_on(&mut socket, frames).await;

    loop {
        // A lost connection is reopened after a delay, as a browser does.
        // Edits go on meanwhile, and sync resumes on the new connection.
        if let Err(lost) = sent {
            socket = None;
            protocol.disconnected();
            reconnect_at = Some(Instant::now() + RECONNECT_DELAY);
            *tracker
                .lock()
                .expect("no client panicked")
                .connections_lost
                .entry(lost.0)
                .or_default() += 1;
        }
        sent = Ok(());

        let edit_at = next_edit.unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
        let reconnect = reconnect_at.unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));

        tokio::select! {
            frame = next_frame(&mut socket) => {
                let bytes = match frame {
                    Ok(WsMessage::Binary(bytes)) => bytes,
                    Ok(_) => continue,
                    Err(lost) => {
                        sent = Err(lost);
                        continue;
                    }
                };

                let heads_before = doc.get_heads();
                let replies = protocol.receive(&bytes, &mut doc, now_ms(clock_origin))?;
                let arrived_at = Instant::now();
                if doc.get_heads() != heads_before {
                    let new_changes = doc.get_changes(&heads_before);
                    let mut tracker = tracker.lock().expect("no client panicked");
                    for change in new_changes {
                        tracker.arrived(&change.hash(), arrived_at);
                    }
                }
                record_errors(&mut protocol, &tracker);
                sent = send_on(&mut socket, replies).await;

                if !reported_synced && protocol.is_synced(&doc) {
                    reported_synced = true;
                    let _ = reports.send(ClientReport::Synced);
                }
            }

            _ = tokio::time::sleep_until(reconnect.into()), if reconnect_at.is_some() => {
                match tokio_tungstenite::connect_async(target.request()?).await {
                    Ok((new_socket, _)) => {
                        socket = Some(new_socket);
                        reconnect_at = None;
                        let frames = protocol.reconnected(&doc, now_ms(clock_origin));
                        sent = send_on(&mut socket, frames).await;
                    }
                    Err(_) => reconnect_at = Some(Instant::now() + RECONNECT_DELAY),
                }
            }

            _ = tokio::time::sleep_until(edit_at.into()), if next_edit.is_some() => {
                let Some(current) = schedule else { continue };

                let committed_at = Instant::now();
                let timed = edit_at >= current.window_start;
                let marker = format!("bench/{index}/{edit_number}");
                let hash = commit_edit(&mut doc, &marker, edit_number)?;
                tracker
                    .lock()
                    .expect("no client panicked")
                    .sent(hash, committed_at, timed, peers);
                let frames = protocol.local_change(&doc, now_ms(clock_origin));
                sent = send_on(&mut socket, frames).await;

                edit_number += 1;
                let following = edit_at + edit_interval;
                next_edit = (following < current.end).then_some(following);
            }

            _ = tick.tick() => {
                let frames = protocol.tick(&doc, now_ms(clock_origin));
                sent = send_on(&mut socket, frames).await;
            }

            changed = schedule_rx.changed(), if schedule.is_none() => {
                if changed.is_err() {
                    continue;
                }
                schedule = *schedule_rx.borrow_and_update();
                next_edit = schedule
                    .map(|current| (current.start + offset, current.end))
                    .filter(|(first, end)| first < end)
                    .map(|(first, _)| first);
            }

            _ = stop.changed() => {
                if let Some(mut socket) = socket {
                    let _ = socket.close(None).await;
                }
                return Ok(doc.save().len());
            }
        }
    }
}

/// Reads the next frame, or waits forever while there is no connection.
async fn next_frame(socket: &mut Option<Socket>) -> Result<WsMessage, ConnectionLost> {
    let Some(socket) = socket else {
        return std::future::pending().await;
    };
    match socket.next().await {
        Some(Ok(WsMessage::Close(close))) => Err(ConnectionLost(format!(
            "the server closed the connection ({})",
            close.map_or_else(
                || "no close frame".to_owned(),
                |frame| format!("code {}", frame.code)
            )
        ))),
        Some(Ok(frame)) => Ok(frame),
        Some(Err(error)) => Err(ConnectionLost(format!("reading failed: {error}"))),
        None => Err(ConnectionLost("the connection ended".to_owned())),
    }
}

/// Sends `frames` when there is a connection. Without one they are dropped,
/// because the protocol sends what is missing when it reconnects.
async fn send_on(socket: &mut Option<Socket>, frames: Vec<Vec<u8>>) -> Result<(), ConnectionLost> {
    match socket {
        Some(socket) => send_frames(socket, frames).await,
        None => Ok(()),
    }
}

/// Commits one edit: the key `marker` in the plan's root map, set to the
/// edit's number. Returns the hash of the new change.
fn commit_edit(doc: &mut Automerge, marker: &str, number: u64) -> anyhow::Result<ChangeHash> {
    let mut transaction = doc.transaction();
    transaction
        .put(ROOT, marker, number)
        .with_context(|| format!("writing the edit marker {marker}"))?;
    let (hash, _) = transaction.commit();
    hash.with_context(|| format!("the edit {marker} made no change"))
}

fn record_errors<P: Protocol>(protocol: &mut P, tracker: &Mutex<Tracker>) {
    let errors = protocol.take_errors();
    if errors.is_empty() {
        return;
    }
    let mut tracker = tracker.lock().expect("no client panicked");
    for error in errors {
        *tracker.errors.entry(error).or_default() += 1;
    }
}

/// Sends `frames` in order and flushes the socket.
pub async fn send_frames(socket: &mut Socket, frames: Vec<Vec<u8>>) -> Result<(), ConnectionLost> {
    if frames.is_empty() {
        return Ok(());
    }
    let lost = |error: tokio_tungstenite::tungstenite::Error| {
        ConnectionLost(format!("sending failed: {error}"))
    };
    for frame in frames {
        socket
            .feed(WsMessage::Binary(frame.into()))
            .await
            .map_err(lost)?;
    }
    socket.flush().await.map_err(lost)?;
    Ok(())
}

/// Builds a WebSocket request for `url` with extra headers.
pub fn websocket_request(url: &str, headers: &[(&str, &str)]) -> anyhow::Result<Request> {
    let mut request = url
        .into_client_request()
        .with_context(|| format!("building a WebSocket request for {url}"))?;
    for (name, value) in headers {
        let name: tokio_tungstenite::tungstenite::http::HeaderName = name.parse()?;
        request.headers_mut().insert(name, value.parse()?);
    }
    Ok(request)
}
