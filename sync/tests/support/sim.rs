//! A deterministic simulated network: clients with their own replicas, one
//! server document with in-memory storage, and a virtual clock.
//!
//! Every frame goes through `encode` and `decode`. The network can drop,
//! duplicate, delay and reorder frames. The server plays the role the real
//! server's per-document task plays: it commits each batch of new changes to
//! `storage` (in order, after an optional delay) and only then calls
//! `mark_durable`.
//!
//! The simulation panics as soon as the server sends an `Ack` naming a change
//! that storage lacks, or a client receives another client's change that
//! storage lacks.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashSet, VecDeque};

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, AutoSerde, Automerge, Change, ChangeHash, ObjType, ReadDoc, Value, ROOT};
use cairn_sync::{
    decode, encode, ClientSession, DocumentId, Message, PeerId, ServerDocument, REPLY_TIMEOUT_MS,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// The document every simulation syncs.
pub const DOC: DocumentId = DocumentId::from_bytes([7; 16]);

/// One-way network latency without faults, in milliseconds.
pub const LATENCY_MS: u64 = 5;

/// Upper bound on the events one `run_until_quiet` may process before the
/// simulation counts as live-locked.
const MAX_EVENTS: usize = 20_000;

/// What goes wrong, with probabilities per frame sent.
#[derive(Clone, Copy, Debug, Default)]
pub struct Faults {
    pub drop: f64,
    pub duplicate: f64,
    /// Extra random delay per frame, up to this many milliseconds. Frames
    /// with different delays overtake each other.
    pub max_extra_delay_ms: u64,
    /// Random delay before a commit completes, up to this many milliseconds.
    pub max_commit_delay_ms: u64,
}

impl Faults {
    pub const NONE: Faults = Faults {
        drop: 0.0,
        duplicate: 0.0,
        max_extra_delay_ms: 0,
        max_commit_delay_ms: 0,
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Endpoint {
    Server,
    Client(usize),
}

#[derive(Debug)]
struct Packet {
    deliver_at: u64,
    order: u64,
    to: Endpoint,
    /// The connection the frame travels on. Frames of a closed connection
    /// are lost with it.
    connection: PeerId,
    frame: Vec<u8>,
}

#[derive(Debug)]
struct PendingCommit {
    ready_at: u64,
    changes: Vec<Vec<u8>>,
    heads: Vec<ChangeHash>,
}

pub struct SimServer {
    pub document: ServerDocument,
    /// The committed document: the initial save followed by each committed
    /// change.
    pub storage: Vec<Vec<u8>>,
    commits: VecDeque<PendingCommit>,
    /// Hashes of every change in `storage`.
    committed: HashSet<ChangeHash>,
    /// How many times the server replied with an `Error`.
    pub errors_sent: usize,
}

impl SimServer {
    /// Loads the committed document, as a restarted server would.
    pub fn load_storage(&self) -> Automerge {
        Automerge::load(&self.storage.concat()).expect("committed storage loads")
    }
}

pub struct SimClient {
    pub doc: Automerge,
    pub session: ClientSession,
    pub connection: Option<PeerId>,
    /// How many frames this client failed to decode or apply.
    pub receive_errors: usize,
    /// How many edits this client made.
    pub edits: u64,
    /// How many `Open` messages this client sent.
    pub opens_sent: usize,
}

pub struct Sim {
    pub now: u64,
    pub rng: StdRng,
    pub faults: Faults,
    pub server: SimServer,
    pub clients: Vec<SimClient>,
    in_flight: Vec<Packet>,
    connections: BTreeMap<PeerId, usize>,
    next_peer: u64,
    next_order: u64,
    /// Frames handed to the network (before drops and duplicates).
    pub frames_sent: usize,
    /// Frames delivered to a peer.
    pub frames_delivered: usize,
    /// Drop every frame the server sends to this client while it is set.
    pub drop_frames_to: Option<usize>,
    /// One-way latency of every frame, in milliseconds, before any extra
    /// delay from `faults`.
    pub latency_ms: u64,
    /// Send every frame from the server to this client twice while it is set.
    pub duplicate_frames_to: Option<usize>,
    /// Hold back every frame from the server to this client while it is
    /// set, until `release_held_reversed`.
    pub hold_frames_to: Option<usize>,
    held: Vec<(PeerId, usize, Vec<u8>)>,
}

/// Builds a document with a map `fields` and a text `notes`, made by a
/// fixed actor.
pub fn initial_document() -> Automerge {
    let mut doc = Automerge::new().with_actor(ActorId::from(&[0xAA; 16][..]));
    let mut tx = doc.transaction();
    let fields = tx
        .put_object(ROOT, "fields", ObjType::Map)
        .expect("put fields");
    tx.put(&fields, "title", "Reading intervention")
        .expect("put title");
    let notes = tx
        .put_object(ROOT, "notes", ObjType::Text)
        .expect("put notes");
    tx.splice_text(&notes, 0, 0, "Start here.")
        .expect("splice notes");
    tx.commit_with(CommitOptions::default().with_time(0));
    doc
}

impl Sim {
    /// Creates a simulation with `client_count` offline clients. The server
    /// starts from `initial_document`. Client 0 and 1 start from a copy of
    /// it and every later client from an empty document.
    pub fn new(seed: u64, client_count: usize) -> Self {
        let initial = initial_document();
        let storage = vec![initial.save()];
        let committed = initial.get_changes(&[]).iter().map(Change::hash).collect();

        let clients = (0..client_count)
            .map(|index| {
                let actor = ActorId::from(&[index as u8 + 1; 16][..]);
                let doc = if index < 2 {
                    Automerge::load(&storage[0])
                        .expect("initial document loads")
                        .with_actor(actor)
                } else {
                    Automerge::new().with_actor(actor)
                };
                SimClient {
                    doc,
                    session: ClientSession::new(),
                    connection: None,
                    receive_errors: 0,
                    edits: 0,
                    opens_sent: 0,
                }
            })
            .collect();

        let mut sim = Self {
            now: 0,
            rng: StdRng::seed_from_u64(seed),
            faults: Faults::NONE,
            server: SimServer {
                document: ServerDocument::new(DOC, initial),
                committed,
                storage,
                commits: VecDeque::new(),
                errors_sent: 0,
            },
            clients,
            in_flight: Vec::new(),
            connections: BTreeMap::new(),
            next_peer: 1,
            next_order: 0,
            frames_sent: 0,
            frames_delivered: 0,
            drop_frames_to: None,
            latency_ms: LATENCY_MS,
            duplicate_frames_to: None,
            hold_frames_to: None,
            held: Vec::new(),
        };
        for index in 0..client_count {
            let client = &mut sim.clients[index];
            let messages = client.session.open(DOC, &client.doc, 0);
            assert!(messages.is_empty(), "an offline open sends nothing");
        }
        sim
    }

    /// Opens a connection for client `index` and sends what resuming its
    /// documents returns.
    pub fn connect(&mut self, index: usize) {
        if self.clients[index].connection.is_some() {
            return;
        }
        let peer = PeerId(self.next_peer);
        self.next_peer += 1;
        self.connections.insert(peer, index);
        self.clients[index].connection = Some(peer);

        let client = &mut self.clients[index];
        let mut outgoing = Vec::new();
        for doc_id in client.session.connected() {
            outgoing.extend(client.session.resume(doc_id, &client.doc, self.now));
        }
        self.send_from_client(index, outgoing);
    }

    /// Closes client `index`'s connection. Frames in flight on it are lost.
    pub fn disconnect(&mut self, index: usize) {
        let Some(peer) = self.clients[index].connection.take() else {
            return;
        };
        self.connections.remove(&peer);
        self.in_flight.retain(|packet| packet.connection != peer);
        self.clients[index].session.disconnected();
        self.server.document.remove_peer(peer);
    }

    pub fn reconnect(&mut self, index: usize) {
        self.disconnect(index);
        self.connect(index);
    }

    /// Restarts the server: uncommitted changes and every connection are
    /// lost, and the document is loaded from storage.
    pub fn restart_server(&mut self) {
        for index in 0..self.clients.len() {
            self.disconnect(index);
        }
        self.server.commits.clear();
        let loaded = self.server.load_storage();
        self.server.document = ServerDocument::new(DOC, loaded);
    }

    /// Makes one random edit on client `index` and sends what the session
    /// returns for it.
    pub fn random_edit(&mut self, index: usize) {
        let now = self.now;
        let choice = self.rng.random_range(0..10);
        let key = format!("k{}", self.rng.random_range(0..6));
        let number: i64 = self.rng.random_range(0..1000);
        let letters: String = (0..self.rng.random_range(1..4))
            .map(|_| char::from(b'a' + self.rng.random_range(0..26u8)))
            .collect();
        let position_seed: usize = self.rng.random_range(0..10_000);

        let client = &mut self.clients[index];
        let fields = object_at(&client.doc, "fields");
        let notes = object_at(&client.doc, "notes");

        let mut tx = client.doc.transaction();
        match (choice, fields, notes) {
            (0..=3, Some(fields), _) => {
                tx.put(&fields, key, number).expect("put a number");
            }
            (4..=7, _, Some(notes)) => {
                let length = tx.length(&notes);
                let position = position_seed % (length + 1);
                tx.splice_text(&notes, position, 0, &letters)
                    .expect("insert text");
            }
            (8..=9, _, Some(notes)) if tx.length(&notes) > 0 => {
                let length = tx.length(&notes);
                let position = position_seed % length;
                let deleted = (length - position).min(3);
                tx.splice_text(&notes, position, deleted as isize, "")
                    .expect("delete text");
            }
            _ => {
                tx.put(ROOT, key, letters).expect("put a root key");
            }
        }
        tx.commit_with(CommitOptions::default().with_time(now as i64));
        client.edits += 1;

        let outgoing = client.session.local_change(DOC, &client.doc, now);
        self.send_from_client(index, outgoing);
    }

    /// Sends a presence message from client `index`.
    pub fn send_presence(&mut self, index: usize) {
        let client = &mut self.clients[index];
        let outgoing = client.session.ephemeral(DOC, vec![index as u8]);
        self.send_from_client(index, outgoing);
    }

    /// Calls `tick` on every client and sends what it returns.
    pub fn tick_all(&mut self) {
        for index in 0..self.clients.len() {
            let client = &mut self.clients[index];
            let outgoing = client.session.tick(DOC, &client.doc, self.now);
            self.send_from_client(index, outgoing);
        }
    }

    /// Processes every event due up to `until` and calls `tick` on every
    /// client once per simulated second, as the browser does.
    pub fn run_ticking(&mut self, until: u64) {
        while self.now < until {
            let next_second = (self.now / 1_000 + 1) * 1_000;
            self.run_until(next_second.min(until));
            self.tick_all();
        }
    }

    /// Sends the frames held back by `hold_frames_to`, the last one first,
    /// and stops holding frames back.
    pub fn release_held_reversed(&mut self) {
        self.hold_frames_to = None;
        let held = std::mem::take(&mut self.held);
        for (peer, index, frame) in held.into_iter().rev() {
            if self.connections.contains_key(&peer) {
                self.frames_sent -= 1;
                self.transmit(Endpoint::Client(index), peer, frame);
            }
        }
    }

    /// Returns the number of frames held back by `hold_frames_to`.
    pub fn held_frames(&self) -> usize {
        self.held.len()
    }

    /// Returns whether no frame is in flight and no commit is pending.
    pub fn is_idle(&self) -> bool {
        self.in_flight.is_empty() && self.server.commits.is_empty()
    }

    /// Processes every event due up to and including `until`, then moves
    /// the clock there.
    pub fn run_until(&mut self, until: u64) {
        while let Some(time) = self.next_event_time().filter(|&time| time <= until) {
            self.now = self.now.max(time);
            self.process_next_event();
        }
        self.now = self.now.max(until);
    }

    /// Processes events until nothing is in flight, then lets the clock run
    /// past the reply timeout and ticks every client, until that too sends
    /// nothing. Panics if the network does not go quiet.
    pub fn run_until_quiet(&mut self) {
        let mut events = 0;
        loop {
            while let Some(time) = self.next_event_time() {
                self.now = self.now.max(time);
                self.process_next_event();
                events += 1;
                assert!(
                    events < MAX_EVENTS,
                    "the simulation did not go quiet after {MAX_EVENTS} events"
                );
            }

            self.now += REPLY_TIMEOUT_MS;
            let sent_before = self.frames_sent;
            self.tick_all();
            if self.frames_sent == sent_before {
                return;
            }
        }
    }

    /// Returns the JSON form of a document.
    pub fn json(doc: &Automerge) -> serde_json::Value {
        serde_json::to_value(AutoSerde::from(doc)).expect("an automerge document serializes")
    }

    fn next_event_time(&self) -> Option<u64> {
        let packet = self.in_flight.iter().map(|packet| packet.deliver_at).min();
        let commit = self.server.commits.front().map(|commit| commit.ready_at);
        match (packet, commit) {
            (Some(packet), Some(commit)) => Some(packet.min(commit)),
            (packet, commit) => packet.or(commit),
        }
    }

    fn process_next_event(&mut self) {
        let commit_due = self
            .server
            .commits
            .front()
            .is_some_and(|commit| commit.ready_at <= self.now);
        if commit_due {
            self.complete_commit();
            return;
        }

        let next = self
            .in_flight
            .iter()
            .enumerate()
            .filter(|(_, packet)| packet.deliver_at <= self.now)
            .min_by_key(|(_, packet)| (packet.deliver_at, packet.order))
            .map(|(position, _)| position);
        if let Some(position) = next {
            let packet = self.in_flight.remove(position);
            self.frames_delivered += 1;
            match packet.to {
                Endpoint::Server => self.server_receive(packet.connection, &packet.frame),
                Endpoint::Client(index) => self.client_receive(index, &packet.frame),
            }
        }
    }

    fn complete_commit(&mut self) {
        let Some(commit) = self.server.commits.pop_front() else {
            return;
        };
        for bytes in &commit.changes {
            let change = Change::from_bytes(bytes.clone()).expect("committed bytes are a change");
            self.server.committed.insert(change.hash());
        }
        self.server.storage.extend(commit.changes);
        let outbound = self.server.document.mark_durable(&commit.heads);
        for item in outbound {
            self.send_to_peer(item.peer, &item.message);
        }
    }

    fn server_receive(&mut self, peer: PeerId, frame: &[u8]) {
        let message = match decode(frame) {
            Ok(message) => message,
            Err(error) => {
                let reply = Message::Error {
                    doc: None,
                    code: error.code(),
                    message: error.to_string(),
                };
                self.server.errors_sent += 1;
                self.send_to_peer(peer, &reply);
                return;
            }
        };

        let outbound = match message {
            Message::Open { .. } => self.server.document.add_peer(peer),

            Message::Close { .. } => {
                self.server.document.remove_peer(peer);
                Vec::new()
            }

            Message::Sync { data, .. } => match self.server.document.receive_sync(peer, &data) {
                Ok(applied) => {
                    if !applied.new_changes.is_empty() {
                        self.schedule_commit(applied.new_changes, applied.heads_after);
                    }
                    self.server.document.pending_outbound()
                }
                Err(error) => {
                    self.server.errors_sent += 1;
                    self.send_to_peer(peer, &error.to_message());
                    Vec::new()
                }
            },

            Message::Ephemeral { data, .. } => {
                let sender = Some(format!("user-{}", peer.0));
                self.server.document.relay_ephemeral(peer, sender, data)
            }

            Message::Ack { .. } | Message::Error { .. } => Vec::new(),
        };

        for item in outbound {
            self.send_to_peer(item.peer, &item.message);
        }
    }

    fn schedule_commit(&mut self, changes: Vec<Vec<u8>>, heads: Vec<ChangeHash>) {
        let delay = match self.faults.max_commit_delay_ms {
            0 => 0,
            max => self.rng.random_range(0..=max),
        };
        let after_previous = self
            .server
            .commits
            .back()
            .map_or(0, |commit| commit.ready_at);
        self.server.commits.push_back(PendingCommit {
            ready_at: (self.now + delay).max(after_previous),
            changes,
            heads,
        });
    }

    fn client_receive(&mut self, index: usize, frame: &[u8]) {
        let now = self.now;
        let message = match decode(frame) {
            Ok(message) => message,
            Err(_) => {
                self.clients[index].receive_errors += 1;
                return;
            }
        };

        let client = &mut self.clients[index];
        let heads_before = client.doc.get_heads();
        let result = client.session.receive(message, Some(&mut client.doc), now);
        self.assert_only_committed_changes_arrived(index, &heads_before);
        match result {
            Ok(received) => self.send_from_client(index, received.outgoing),
            Err(_) => self.clients[index].receive_errors += 1,
        }
    }

    /// Panics if client `index` received a change from another client that
    /// storage does not contain yet.
    fn assert_only_committed_changes_arrived(&self, index: usize, heads_before: &[ChangeHash]) {
        let client = &self.clients[index];
        let own_actor = client.doc.get_actor();
        for change in client.doc.get_changes(heads_before) {
            assert!(
                change.actor_id() == own_actor || self.server.committed.contains(&change.hash()),
                "client {index} received change {} before it was committed",
                change.hash()
            );
        }
    }

    fn send_from_client(&mut self, index: usize, messages: Vec<Message>) {
        let Some(peer) = self.clients[index].connection else {
            return;
        };
        for message in messages {
            if matches!(message, Message::Open { .. }) {
                self.clients[index].opens_sent += 1;
            }
            self.transmit(Endpoint::Server, peer, encode(&message));
        }
    }

    fn send_to_peer(&mut self, peer: PeerId, message: &Message) {
        if let Message::Ack { heads, .. } = message {
            for head in heads {
                assert!(
                    self.server.committed.contains(&ChangeHash(*head)),
                    "the server acknowledged {} before it was committed",
                    ChangeHash(*head)
                );
            }
        }
        let Some(&index) = self.connections.get(&peer) else {
            return;
        };
        if self.drop_frames_to == Some(index) {
            self.frames_sent += 1;
            return;
        }
        if self.hold_frames_to == Some(index) {
            self.frames_sent += 1;
            self.held.push((peer, index, encode(message)));
            return;
        }
        self.transmit(Endpoint::Client(index), peer, encode(message));
        if self.duplicate_frames_to == Some(index) {
            self.transmit(Endpoint::Client(index), peer, encode(message));
        }
    }

    fn transmit(&mut self, to: Endpoint, connection: PeerId, frame: Vec<u8>) {
        self.frames_sent += 1;
        if self.faults.drop > 0.0 && self.rng.random_bool(self.faults.drop) {
            return;
        }
        let copies = if self.faults.duplicate > 0.0 && self.rng.random_bool(self.faults.duplicate) {
            2
        } else {
            1
        };
        for _ in 0..copies {
            let extra = match self.faults.max_extra_delay_ms {
                0 => 0,
                max => self.rng.random_range(0..=max),
            };
            self.next_order += 1;
            self.in_flight.push(Packet {
                deliver_at: self.now + self.latency_ms + extra,
                order: self.next_order,
                to,
                connection,
                frame: frame.clone(),
            });
        }
    }
}

/// Returns the id of the object at `key` in the root map, if there is one.
fn object_at(doc: &Automerge, key: &str) -> Option<automerge::ObjId> {
    match doc.get(ROOT, key) {
        Ok(Some((Value::Object(_), id))) => Some(id),
        _ => None,
    }
}
