//! ServerDocument applies sync messages, acknowledges only durable heads and
//! forwards only durable changes.

use automerge::sync::{self, ChunkList, MessageVersion, SyncDoc};
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ChangeHash, ReadDoc, ROOT};
use cairn_sync::{DocumentId, ErrorCode, Message, Outbound, PeerId, ServerDocument, SyncError};

const DOC: DocumentId = DocumentId::from_bytes([3; 16]);
const ALICE: PeerId = PeerId(1);
const BOB: PeerId = PeerId(2);

/// A client replica driven directly through automerge's sync API.
struct RawPeer {
    id: PeerId,
    doc: Automerge,
    state: sync::State,
}

impl RawPeer {
    fn new(id: PeerId, doc: Automerge) -> Self {
        Self {
            id,
            doc,
            state: sync::State::new(),
        }
    }

    fn edit(&mut self, key: &str, value: i64) -> ChangeHash {
        let mut tx = self.doc.transaction();
        tx.put(ROOT, key, value).expect("put");
        let (hash, _) = tx.commit_with(CommitOptions::default().with_time(0));
        hash.expect("a transaction with an op makes a change")
    }

    fn next_message(&mut self) -> Option<Vec<u8>> {
        self.doc
            .generate_sync_message(&mut self.state)
            .map(sync::Message::encode)
    }

    /// Applies every `Sync` addressed to this peer and returns how many
    /// there were.
    fn receive(&mut self, outbound: &[Outbound]) -> usize {
        let mut count = 0;
        for item in outbound.iter().filter(|item| item.peer == self.id) {
            if let Message::Sync { data, .. } = &item.message {
                let message =
                    sync::Message::decode(data).expect("the server sends valid sync messages");
                self.doc
                    .receive_sync_message(&mut self.state, message)
                    .expect("the server sends applicable changes");
                count += 1;
            }
        }
        count
    }

    fn has_change(&self, hash: &ChangeHash) -> bool {
        self.doc.get_change_by_hash(hash).is_some()
    }
}

fn initial_document() -> Automerge {
    let mut doc = Automerge::new().with_actor(ActorId::from(&[0xAA; 16][..]));
    let mut tx = doc.transaction();
    tx.put(ROOT, "title", "Plan").expect("put");
    tx.commit_with(CommitOptions::default().with_time(0));
    doc
}

fn replica(actor: u8) -> Automerge {
    initial_document().with_actor(ActorId::from(&[actor; 16][..]))
}

/// Exchanges sync messages between the server and `peers` until neither side
/// has anything to send. New changes are never committed, so nothing new
/// becomes durable. Returns every outbound message the server produced.
fn exchange_without_commit(
    server: &mut ServerDocument,
    peers: &mut [&mut RawPeer],
    first: Vec<Outbound>,
) -> Vec<Outbound> {
    let mut log = first.clone();
    let mut pending = first;
    for _ in 0..50 {
        let mut progressed = false;
        for peer in peers.iter_mut() {
            peer.receive(&pending);
        }
        pending = Vec::new();
        for peer in peers.iter_mut() {
            if let Some(data) = peer.next_message() {
                progressed = true;
                server
                    .receive_sync(peer.id, &data)
                    .expect("valid sync message");
                pending.extend(server.pending_outbound());
            }
        }
        log.extend(pending.iter().cloned());
        if !progressed && pending.is_empty() {
            return log;
        }
    }
    panic!("the exchange did not settle in 50 rounds");
}

fn acks(outbound: &[Outbound]) -> Vec<(PeerId, Vec<[u8; 32]>)> {
    outbound
        .iter()
        .filter_map(|item| match &item.message {
            Message::Ack { heads, .. } => Some((item.peer, heads.clone())),
            _ => None,
        })
        .collect()
}

/// Builds a server with Alice and Bob subscribed and in sync.
fn synced_pair() -> (ServerDocument, RawPeer, RawPeer) {
    let mut server = ServerDocument::new(DOC, initial_document());
    let mut alice = RawPeer::new(ALICE, replica(1));
    let mut bob = RawPeer::new(BOB, replica(2));
    let mut first = server.add_peer(ALICE);
    first.extend(server.add_peer(BOB));
    exchange_without_commit(&mut server, &mut [&mut alice, &mut bob], first);
    (server, alice, bob)
}

#[test]
fn add_peer_returns_ack_then_sync() {
    let initial = initial_document();
    let heads: Vec<[u8; 32]> = initial.get_heads().iter().map(|hash| hash.0).collect();
    let mut server = ServerDocument::new(DOC, initial);

    let outbound = server.add_peer(ALICE);

    assert_eq!(outbound.len(), 2);
    assert_eq!(outbound[0].message, Message::Ack { doc: DOC, heads });
    assert!(matches!(
        outbound[1].message,
        Message::Sync { doc: DOC, .. }
    ));
}

#[test]
fn new_changes_come_in_causal_order() {
    let (mut server, mut alice, _bob) = synced_pair();
    let first = alice.edit("a", 1);
    let second = alice.edit("b", 2);

    let data = alice.next_message().expect("alice has changes to send");
    let applied = server.receive_sync(ALICE, &data).expect("valid message");

    let hashes: Vec<ChangeHash> = applied
        .new_changes
        .iter()
        .map(|bytes| {
            automerge::Change::from_bytes(bytes.clone())
                .expect("raw change bytes")
                .hash()
        })
        .collect();
    assert_eq!(hashes, vec![first, second]);
    assert_eq!(applied.heads_after, vec![second]);
}

#[test]
fn change_free_message_gets_immediate_reply() {
    let mut server = ServerDocument::new(DOC, initial_document());
    let mut empty = RawPeer::new(ALICE, Automerge::new());
    let first = server.add_peer(ALICE);
    empty.receive(&first);

    let data = empty.next_message().expect("a first message");
    let applied = server.receive_sync(ALICE, &data).expect("valid message");
    let replies = server.pending_outbound();
    empty.receive(&replies);

    assert!(
        applied.new_changes.is_empty(),
        "the empty peer brought no changes"
    );
    assert_eq!(empty.doc.get_heads(), server.document().get_heads());
}

#[test]
fn server_never_acks_before_mark_durable() {
    let (mut server, mut alice, mut bob) = synced_pair();
    let change = alice.edit("score", 3);

    let data = alice.next_message().expect("alice has a change to send");
    let applied = server.receive_sync(ALICE, &data).expect("valid message");
    let first = server.pending_outbound();
    let before_commit = exchange_without_commit(&mut server, &mut [&mut alice, &mut bob], first);

    let acked_change = acks(&before_commit)
        .into_iter()
        .any(|(_, heads)| heads.contains(&change.0));
    assert!(!acked_change, "an Ack named the uncommitted change");

    let after_commit = server.mark_durable(&applied.heads_after);
    let expected_heads = vec![change.0];
    assert_eq!(
        acks(&after_commit),
        vec![(ALICE, expected_heads.clone()), (BOB, expected_heads)]
    );
}

#[test]
fn server_never_forwards_before_mark_durable() {
    let (mut server, mut alice, mut bob) = synced_pair();
    let change = alice.edit("score", 3);

    let data = alice.next_message().expect("alice has a change to send");
    let applied = server.receive_sync(ALICE, &data).expect("valid message");
    let first = server.pending_outbound();
    exchange_without_commit(&mut server, &mut [&mut alice, &mut bob], first);
    assert!(
        !bob.has_change(&change),
        "bob received the uncommitted change"
    );

    let after_commit = server.mark_durable(&applied.heads_after);
    exchange_without_commit(&mut server, &mut [&mut alice, &mut bob], after_commit);
    assert!(
        bob.has_change(&change),
        "bob did not receive the committed change"
    );
}

#[test]
fn sender_gets_reply_before_commit() {
    let (mut server, mut alice, _bob) = synced_pair();
    alice.edit("score", 3);

    let data = alice.next_message().expect("alice has a change to send");
    server.receive_sync(ALICE, &data).expect("valid message");
    let replies = server.pending_outbound();

    assert_eq!(alice.receive(&replies), 1);
}

#[test]
fn new_peer_waits_for_uncommitted_changes() {
    let (mut server, mut alice, _bob) = synced_pair();
    alice.edit("score", 3);
    let data = alice.next_message().expect("alice has a change to send");
    let applied = server.receive_sync(ALICE, &data).expect("valid message");

    let carol = PeerId(3);
    let on_open = server.add_peer(carol);
    let on_commit = server.mark_durable(&applied.heads_after);

    assert_eq!(
        on_open.len(),
        1,
        "only the Ack goes out while a change is uncommitted"
    );
    assert!(
        on_commit
            .iter()
            .any(|item| item.peer == carol && matches!(item.message, Message::Sync { .. })),
        "the held-back Sync goes out on commit"
    );
}

#[test]
fn invalid_payload_errors_and_leaves_document_unchanged() {
    let (mut server, _alice, _bob) = synced_pair();
    let heads_before = server.document().get_heads();

    let error = server
        .receive_sync(ALICE, b"not a sync message")
        .unwrap_err();

    assert!(matches!(
        error,
        SyncError::InvalidSyncMessage { doc: DOC, .. }
    ));
    assert_eq!(error.code(), ErrorCode::InvalidSyncMessage);
    assert_eq!(server.document().get_heads(), heads_before);
}

#[test]
fn corrupt_change_leaves_document_unchanged() {
    let (mut server, _alice, _bob) = synced_pair();
    let heads_before = server.document().get_heads();
    let message = sync::Message {
        heads: Vec::new(),
        need: Vec::new(),
        have: Vec::new(),
        changes: ChunkList::from(vec![vec![0x85, 0x6f, 0x4a, 0x83, 1, 2, 3]]),
        flags: None,
        version: MessageVersion::V1,
    };

    let result = server.receive_sync(ALICE, &message.encode());

    let new_changes = result.map(|applied| applied.new_changes.len()).unwrap_or(0);
    assert_eq!(new_changes, 0);
    assert_eq!(server.document().get_heads(), heads_before);
}

#[test]
fn error_reply_names_document_and_code() {
    let (mut server, _alice, _bob) = synced_pair();

    let error = server.receive_sync(ALICE, &[]).unwrap_err();

    match error.to_message() {
        Message::Error { doc, code, .. } => {
            assert_eq!(doc, Some(DOC));
            assert_eq!(code, ErrorCode::InvalidSyncMessage);
        }
        other => panic!("expected an Error message, got {other:?}"),
    }
}

#[test]
fn unsubscribed_peer_is_rejected() {
    let mut server = ServerDocument::new(DOC, initial_document());
    let mut peer = RawPeer::new(ALICE, replica(1));
    let data = peer.next_message().expect("a first message");

    let error = server.receive_sync(ALICE, &data).unwrap_err();

    assert!(matches!(error, SyncError::UnknownPeer { peer: ALICE, .. }));
}

#[test]
fn mark_durable_ignores_unknown_hashes() {
    let mut server = ServerDocument::new(DOC, initial_document());
    let _ = server.add_peer(ALICE);
    let heads_before = server.durable_heads().to_vec();

    let outbound = server.mark_durable(&[ChangeHash([9; 32])]);

    assert_eq!(server.durable_heads(), heads_before.as_slice());
    assert!(
        acks(&outbound).is_empty(),
        "no Ack when the durable heads did not move"
    );
}

#[test]
fn undurable_changes_empty_after_mark_durable() {
    let (mut server, mut alice, _bob) = synced_pair();
    alice.edit("score", 3);
    let data = alice.next_message().expect("alice has a change to send");
    let applied = server.receive_sync(ALICE, &data).expect("valid message");

    assert_eq!(server.undurable_changes(), applied.new_changes);
    let _ = server.mark_durable(&applied.heads_after);
    assert!(server.undurable_changes().is_empty());
}

#[test]
fn relay_ephemeral_skips_the_sender() {
    let (server, _alice, _bob) = synced_pair();

    let outbound = server.relay_ephemeral(ALICE, Some("alice".to_owned()), vec![1, 2]);

    assert_eq!(
        outbound,
        vec![Outbound {
            peer: BOB,
            message: Message::Ephemeral {
                doc: DOC,
                sender: Some("alice".to_owned()),
                data: vec![1, 2],
            },
        }]
    );
}

#[test]
fn remove_peer_stops_its_messages() {
    let (mut server, _alice, _bob) = synced_pair();

    server.remove_peer(BOB);
    let outbound = server.relay_ephemeral(ALICE, None, vec![1]);

    assert_eq!(server.peer_count(), 1);
    assert!(outbound.is_empty());
}

/// A sync message whose one `have` entry carries the Bloom filter encoded
/// as `filter`: LEB128 entries, bits per entry and probes, then the bits.
fn message_with_bloom_filter(filter: &[u8]) -> Vec<u8> {
    let bloom = sync::BloomFilter::try_from(filter).expect("the filter parses");
    let message = sync::Message {
        heads: initial_document().get_heads(),
        need: Vec::new(),
        have: vec![sync::Have {
            last_sync: Vec::new(),
            bloom,
        }],
        changes: ChunkList::from(Vec::<Vec<u8>>::new()),
        flags: None,
        version: MessageVersion::V1,
    };
    message.encode()
}

/// Found by the `server_document` fuzz target: a filter with one entry and
/// zero bits per entry has no bits, and automerge 0.12 divided by its bit
/// count when it answered the message, which panicked.
#[test]
fn bloom_filter_without_bits_is_rejected() {
    let mut server = ServerDocument::new(DOC, initial_document());
    let _ = server.add_peer(ALICE);
    let data = message_with_bloom_filter(&[1, 0, 7]);

    let error = server.receive_sync(ALICE, &data).unwrap_err();
    let replies = server.pending_outbound();

    assert_eq!(error.code(), ErrorCode::InvalidSyncMessage);
    assert!(
        error.to_string().contains("has no bits"),
        "unexpected error: {error}"
    );
    assert!(replies.iter().all(|reply| reply.peer == ALICE));
}

/// A filter that asks for `u32::MAX` probes would make automerge 0.12
/// allocate 16 GiB and loop that often for every change it checks.
#[test]
fn bloom_filter_with_huge_probe_count_is_rejected() {
    let mut server = ServerDocument::new(DOC, initial_document());
    let _ = server.add_peer(ALICE);
    let data = message_with_bloom_filter(&[1, 10, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0]);

    let error = server.receive_sync(ALICE, &data).unwrap_err();
    let _replies = server.pending_outbound();

    assert_eq!(error.code(), ErrorCode::InvalidSyncMessage);
    assert!(
        error.to_string().contains("4294967295 probes"),
        "unexpected error: {error}"
    );
}

/// The fuzz target's crashing input, replayed through the same steps: a
/// valid client message with four bytes overwritten, so that its Bloom
/// filter lost its bits, then the pending replies.
#[test]
fn fuzzed_bloom_filter_input_is_rejected_without_panic() {
    let (mut server, mut alice, _bob) = synced_pair();
    alice.edit("school", 1);
    let valid = alice.next_message().expect("a message after an edit");
    let decoded = sync::Message::decode(&valid).expect("a valid message");
    let mut broken = decoded.clone();
    broken.have = vec![sync::Have {
        last_sync: Vec::new(),
        bloom: sync::BloomFilter::try_from(&[0x7f, 0, 1][..]).expect("the filter parses"),
    }];

    let result = server.receive_sync(ALICE, &broken.encode());
    let _replies = server.pending_outbound();

    assert_eq!(
        result.map(|_| ()).unwrap_err().code(),
        ErrorCode::InvalidSyncMessage
    );
}
