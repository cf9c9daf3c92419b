//! ClientSession's messages, reply timeout, acknowledgements and status.

use automerge::sync::SyncDoc;
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ChangeHash, ROOT};
use cairn_sync::{
    ClientEvent, ClientSession, DocumentId, ErrorCode, Message, PeerId, ServerDocument, SyncError,
    SyncStatus, MAX_REPLY_TIMEOUT_MS, REPLY_TIMEOUT_MS,
};

const DOC: DocumentId = DocumentId::from_bytes([5; 16]);
const PEER: PeerId = PeerId(1);

fn initial_document() -> Automerge {
    let mut doc = Automerge::new().with_actor(ActorId::from(&[0xAA; 16][..]));
    let mut tx = doc.transaction();
    tx.put(ROOT, "title", "Plan").expect("put");
    tx.commit_with(CommitOptions::default().with_time(0));
    doc
}

fn replica() -> Automerge {
    initial_document().with_actor(ActorId::from(&[1; 16][..]))
}

fn edit(doc: &mut Automerge, key: &str, value: i64) -> ChangeHash {
    let mut tx = doc.transaction();
    tx.put(ROOT, key, value).expect("put");
    let (hash, _) = tx.commit_with(CommitOptions::default().with_time(0));
    hash.expect("a transaction with an op makes a change")
}

/// Returns a connected session with `DOC` open, discarding the opening
/// messages.
fn connected_session_with(doc: &Automerge, now_ms: u64) -> ClientSession {
    let mut session = ClientSession::new();
    let _ = session.connected();
    let _ = session.open(DOC, doc, now_ms);
    session
}

/// Returns an offline session with `DOC` registered.
fn offline_session_with(doc: &Automerge) -> ClientSession {
    let mut session = ClientSession::new();
    let _ = session.open(DOC, doc, 0);
    session
}

fn kinds(messages: &[Message]) -> Vec<&'static str> {
    messages.iter().map(Message::kind).collect()
}

/// One client and one server document connected without a network: every
/// message is delivered at once, and every new change is committed at once.
struct Pair {
    session: ClientSession,
    doc: Automerge,
    server: ServerDocument,
    now: u64,
}

impl Pair {
    fn connected() -> Self {
        let mut pair = Self {
            session: ClientSession::new(),
            doc: replica(),
            server: ServerDocument::new(DOC, initial_document()),
            now: 0,
        };
        let _ = pair.session.connected();
        let opening = pair.session.open(DOC, &pair.doc, pair.now);
        pair.deliver_to_server(opening);
        pair
    }

    fn deliver_to_server(&mut self, messages: Vec<Message>) {
        let mut to_client = Vec::new();
        for message in messages {
            match message {
                Message::Open { .. } => to_client.extend(self.server.add_peer(PEER)),
                Message::Sync { data, .. } => {
                    let applied = self
                        .server
                        .receive_sync(PEER, &data)
                        .expect("valid message");
                    to_client.extend(self.server.pending_outbound());
                    if !applied.new_changes.is_empty() {
                        to_client.extend(self.server.mark_durable(&applied.heads_after));
                    }
                }
                _ => {}
            }
        }
        let messages = to_client.into_iter().map(|item| item.message).collect();
        self.deliver_to_client(messages);
    }

    fn deliver_to_client(&mut self, messages: Vec<Message>) {
        let mut replies = Vec::new();
        for message in messages {
            let received = self
                .session
                .receive(message, Some(&mut self.doc), self.now)
                .expect("valid message from the server");
            replies.extend(received.outgoing);
        }
        if !replies.is_empty() {
            self.deliver_to_server(replies);
        }
    }
}

#[test]
fn open_while_offline_sends_nothing() {
    let mut session = ClientSession::new();

    let messages = session.open(DOC, &replica(), 0);

    assert!(messages.is_empty());
}

#[test]
fn connected_lists_registered_documents() {
    let mut session = offline_session_with(&replica());

    assert_eq!(session.connected(), vec![DOC]);
}

#[test]
fn resume_sends_open_then_sync() {
    let doc = replica();
    let mut session = offline_session_with(&doc);
    let _ = session.connected();

    let messages = session.resume(DOC, &doc, 0);

    assert_eq!(kinds(&messages), vec!["open", "sync"]);
}

#[test]
fn open_while_connected_sends_open_then_sync() {
    let mut session = ClientSession::new();
    let _ = session.connected();

    let messages = session.open(DOC, &replica(), 0);

    assert_eq!(kinds(&messages), vec!["open", "sync"]);
}

#[test]
fn close_sends_close_for_an_opened_document() {
    let mut session = connected_session_with(&replica(), 0);

    assert_eq!(session.close(DOC), vec![Message::Close { doc: DOC }]);
}

#[test]
fn local_change_while_offline_sends_nothing() {
    let mut doc = replica();
    let mut session = offline_session_with(&doc);
    edit(&mut doc, "score", 1);

    assert!(session.local_change(DOC, &doc, 0).is_empty());
}

#[test]
fn tick_resends_only_after_timeout() {
    let doc = replica();
    let mut session = connected_session_with(&doc, 1_000);

    let early = session.tick(DOC, &doc, 1_000 + REPLY_TIMEOUT_MS - 1);
    let due = session.tick(DOC, &doc, 1_000 + REPLY_TIMEOUT_MS);

    assert!(early.is_empty(), "tick resent before the timeout");
    assert_eq!(kinds(&due), vec!["open", "sync"]);
}

#[test]
fn tick_restarts_the_timer() {
    let doc = replica();
    let mut session = connected_session_with(&doc, 0);
    let restart = session.tick(DOC, &doc, REPLY_TIMEOUT_MS);
    assert_eq!(kinds(&restart), vec!["open", "sync"]);

    let again = session.tick(DOC, &doc, 2 * REPLY_TIMEOUT_MS - 1);

    assert!(again.is_empty(), "the restarted sync timed out early");
}

#[test]
fn each_restart_doubles_the_timeout() {
    let doc = replica();
    let mut session = connected_session_with(&doc, 0);
    let first = session.tick(DOC, &doc, REPLY_TIMEOUT_MS);
    assert_eq!(kinds(&first), vec!["open", "sync"]);
    assert_eq!(session.reply_timeout_ms(&DOC), Some(2 * REPLY_TIMEOUT_MS));

    let early = session.tick(DOC, &doc, 3 * REPLY_TIMEOUT_MS - 1);
    let second = session.tick(DOC, &doc, 3 * REPLY_TIMEOUT_MS);

    assert!(
        early.is_empty(),
        "the second restart came before twice the timeout"
    );
    assert_eq!(kinds(&second), vec!["open", "sync"]);
    assert_eq!(session.reply_timeout_ms(&DOC), Some(4 * REPLY_TIMEOUT_MS));
}

#[test]
fn timeout_doubles_up_to_the_maximum() {
    let doc = replica();
    let mut session = connected_session_with(&doc, 0);
    let mut now = 0;
    for _ in 0..10 {
        now += MAX_REPLY_TIMEOUT_MS;
        let restart = session.tick(DOC, &doc, now);
        assert_eq!(kinds(&restart), vec!["open", "sync"]);
    }

    assert_eq!(session.reply_timeout_ms(&DOC), Some(MAX_REPLY_TIMEOUT_MS));
}

#[test]
fn new_connection_resets_the_timeout() {
    let doc = replica();
    let mut session = connected_session_with(&doc, 0);
    let _ = session.tick(DOC, &doc, REPLY_TIMEOUT_MS);
    session.disconnected();
    assert_eq!(session.reply_timeout_ms(&DOC), None);

    for doc_id in session.connected() {
        let _ = session.resume(doc_id, &doc, 0);
    }

    assert_eq!(session.reply_timeout_ms(&DOC), Some(REPLY_TIMEOUT_MS));
    assert_eq!(
        kinds(&session.tick(DOC, &doc, REPLY_TIMEOUT_MS)),
        vec!["open", "sync"]
    );
}

#[test]
fn settled_sync_never_times_out() {
    let mut pair = Pair::connected();

    let resent = pair.session.tick(DOC, &pair.doc, 100 * REPLY_TIMEOUT_MS);

    assert!(resent.is_empty());
}

#[test]
fn ack_and_ephemeral_are_not_replies() {
    let mut doc = replica();
    let mut session = connected_session_with(&doc, 0);

    let ack = Message::Ack {
        doc: DOC,
        heads: Vec::new(),
    };
    let presence = Message::Ephemeral {
        doc: DOC,
        sender: None,
        data: vec![1],
    };
    session.receive(ack, Some(&mut doc), 1).expect("valid ack");
    session
        .receive(presence, Some(&mut doc), 2)
        .expect("valid ephemeral");

    assert_eq!(
        kinds(&session.tick(DOC, &doc, REPLY_TIMEOUT_MS)),
        vec!["open", "sync"]
    );
}

#[test]
fn invalid_payload_leaves_replica_unchanged() {
    let mut doc = replica();
    let mut session = connected_session_with(&doc, 0);
    let heads_before = doc.get_heads();

    let message = Message::Sync {
        doc: DOC,
        data: vec![0x42, 0xff],
    };
    let error = session.receive(message, Some(&mut doc), 1).unwrap_err();

    assert!(matches!(
        error,
        SyncError::InvalidSyncMessage { doc: DOC, .. }
    ));
    assert_eq!(doc.get_heads(), heads_before);
}

#[test]
fn invalid_payload_is_not_a_reply() {
    let mut doc = replica();
    let mut session = connected_session_with(&doc, 0);

    let message = Message::Sync {
        doc: DOC,
        data: vec![1, 2, 3],
    };
    let _ = session.receive(message, Some(&mut doc), 1);

    assert_eq!(
        kinds(&session.tick(DOC, &doc, REPLY_TIMEOUT_MS)),
        vec!["open", "sync"]
    );
}

#[test]
fn sync_without_replica_is_an_error() {
    let mut session = connected_session_with(&replica(), 0);

    let message = Message::Sync {
        doc: DOC,
        data: Vec::new(),
    };
    let error = session.receive(message, None, 1).unwrap_err();

    assert!(matches!(error, SyncError::DocumentNotProvided { doc: DOC }));
}

#[test]
fn sync_for_closed_document_is_ignored() {
    let mut doc = replica();
    let mut session = connected_session_with(&doc, 0);
    let _ = session.close(DOC);

    let message = Message::Sync {
        doc: DOC,
        data: vec![1, 2, 3],
    };
    let received = session
        .receive(message, Some(&mut doc), 1)
        .expect("ignored");

    assert!(received.events.is_empty());
    assert!(received.outgoing.is_empty());
}

#[test]
fn open_from_server_is_unexpected() {
    let mut session = ClientSession::new();

    let error = session
        .receive(Message::Open { doc: DOC }, None, 0)
        .unwrap_err();

    assert!(matches!(
        error,
        SyncError::UnexpectedMessage { kind: "open", .. }
    ));
}

#[test]
fn local_edit_unacked_until_committed() {
    let mut pair = Pair::connected();
    edit(&mut pair.doc, "score", 1);

    assert_eq!(pair.session.unacked_changes(&DOC, &pair.doc), 1);
    assert_eq!(
        pair.session.status(&DOC, &pair.doc),
        SyncStatus::Syncing { unacked: 1 }
    );

    let messages = pair.session.local_change(DOC, &pair.doc, 0);
    pair.deliver_to_server(messages);

    assert_eq!(pair.session.unacked_changes(&DOC, &pair.doc), 0);
    assert_eq!(pair.session.status(&DOC, &pair.doc), SyncStatus::Saved);
}

#[test]
fn ack_reports_merged_heads() {
    let mut doc = replica();
    let mut session = connected_session_with(&doc, 0);
    let first = edit(&mut doc, "a", 1);
    let second = edit(&mut doc, "b", 2);

    let ack = |hash: ChangeHash| Message::Ack {
        doc: DOC,
        heads: vec![hash.0],
    };
    session
        .receive(ack(second), Some(&mut doc), 1)
        .expect("valid ack");
    let older = session
        .receive(ack(first), Some(&mut doc), 2)
        .expect("valid ack");

    assert!(
        older.events.is_empty(),
        "an older ack changed the acked heads"
    );
    assert_eq!(session.acked_heads(&DOC), vec![second]);
}

#[test]
fn ack_event_carries_the_heads() {
    let mut doc = replica();
    let heads = doc.get_heads();
    let mut session = connected_session_with(&doc, 0);

    let ack = Message::Ack {
        doc: DOC,
        heads: heads.iter().map(|hash| hash.0).collect(),
    };
    let received = session.receive(ack, Some(&mut doc), 1).expect("valid ack");

    assert_eq!(
        received.events,
        vec![ClientEvent::AckedHeadsChanged { doc: DOC, heads }]
    );
}

#[test]
fn unknown_acked_hash_is_ignored() {
    let mut doc = replica();
    let total = doc.get_changes(&[]).len();
    let mut session = connected_session_with(&doc, 0);

    let unknown = Message::Ack {
        doc: DOC,
        heads: vec![[9; 32]],
    };
    session
        .receive(unknown, Some(&mut doc), 1)
        .expect("valid ack");

    assert_eq!(session.unacked_changes(&DOC, &doc), total);
}

#[test]
fn restored_acked_heads_count_offline() {
    let mut doc = replica();
    let mut session = offline_session_with(&doc);
    edit(&mut doc, "score", 1);
    session.restore_acked_heads(DOC, doc.get_heads());

    assert_eq!(
        session.status(&DOC, &doc),
        SyncStatus::Offline { unacked: 0 }
    );
}

#[test]
fn offline_status_counts_unacked_changes() {
    let mut session = ClientSession::new();
    let mut doc = replica();
    session.restore_acked_heads(DOC, doc.get_heads());
    let _ = session.open(DOC, &doc, 0);
    edit(&mut doc, "a", 1);
    edit(&mut doc, "b", 2);

    assert_eq!(
        session.status(&DOC, &doc),
        SyncStatus::Offline { unacked: 2 }
    );
}

#[test]
fn not_found_error_stops_retries() {
    let mut doc = replica();
    let mut session = connected_session_with(&doc, 0);

    let error = Message::Error {
        doc: Some(DOC),
        code: ErrorCode::NotFound,
        message: "no such document".to_owned(),
    };
    let received = session
        .receive(error, Some(&mut doc), 1)
        .expect("valid error");

    assert_eq!(
        received.events,
        vec![ClientEvent::ServerError {
            doc: Some(DOC),
            code: ErrorCode::NotFound,
            message: "no such document".to_owned(),
        }]
    );
    assert!(session.tick(DOC, &doc, 10 * REPLY_TIMEOUT_MS).is_empty());
    assert_eq!(
        session.status(&DOC, &doc),
        SyncStatus::Offline { unacked: 1 }
    );
}

#[test]
fn reconnect_retries_a_rejected_document() {
    let mut doc = replica();
    let mut session = connected_session_with(&doc, 0);
    let error = Message::Error {
        doc: Some(DOC),
        code: ErrorCode::Forbidden,
        message: String::new(),
    };
    session
        .receive(error, Some(&mut doc), 1)
        .expect("valid error");

    session.disconnected();
    let to_resume = session.connected();

    assert_eq!(to_resume, vec![DOC]);
    assert_eq!(kinds(&session.resume(DOC, &doc, 2)), vec!["open", "sync"]);
}

#[test]
fn ephemeral_from_server_is_reported() {
    let mut doc = replica();
    let mut session = connected_session_with(&doc, 0);

    let message = Message::Ephemeral {
        doc: DOC,
        sender: Some("bob".to_owned()),
        data: vec![4],
    };
    let received = session
        .receive(message, Some(&mut doc), 1)
        .expect("valid ephemeral");

    assert_eq!(
        received.events,
        vec![ClientEvent::Ephemeral {
            doc: DOC,
            sender: Some("bob".to_owned()),
            data: vec![4]
        }]
    );
}

#[test]
fn remote_change_reports_document_changed() {
    let mut pair = Pair::connected();
    let mut other = initial_document().with_actor(ActorId::from(&[2; 16][..]));
    edit(&mut other, "from-other", 7);
    let mut other_state = automerge::sync::State::new();
    let other_peer = PeerId(2);
    let _ = pair.server.add_peer(other_peer);

    let mut outbound = Vec::new();
    for _ in 0..10 {
        let Some(message) = other.generate_sync_message(&mut other_state) else {
            break;
        };
        let applied = pair
            .server
            .receive_sync(other_peer, &message.encode())
            .expect("valid message");
        if !applied.new_changes.is_empty() {
            outbound.extend(pair.server.mark_durable(&applied.heads_after));
        }
        for item in pair.server.pending_outbound() {
            if item.peer == other_peer {
                if let Message::Sync { data, .. } = item.message {
                    let reply = automerge::sync::Message::decode(&data).expect("valid");
                    other
                        .receive_sync_message(&mut other_state, reply)
                        .expect("applies");
                }
            } else {
                outbound.push(item);
            }
        }
    }

    let mut events = Vec::new();
    for item in outbound.into_iter().filter(|item| item.peer == PEER) {
        let received = pair
            .session
            .receive(item.message, Some(&mut pair.doc), 1)
            .expect("valid");
        events.extend(received.events);
    }

    assert!(events
        .iter()
        .any(|event| matches!(event, ClientEvent::DocumentChanged { doc: DOC, .. })));
    assert_eq!(pair.doc.get_heads(), other.get_heads());
}
