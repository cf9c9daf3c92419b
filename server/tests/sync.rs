//! The sync hub over real WebSockets: convergence, persist before
//! acknowledge, rejected frames, storage failures and compaction.

#[path = "support/client.rs"]
mod client;
#[path = "support/server.rs"]
mod server;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use cairn_plan::{PlanDocument, PlanSummary};
use cairn_server::accounts::AccountStore;
use cairn_server::hub::Hub;
use cairn_server::storage::{
    AppendOutcome, ChangesAfter, NewChange, PlanIndexEntry, SqlStorage, Storage, StorageError,
    StoredDocument, COMPACTION_THRESHOLD,
};
use cairn_server::AppState;
use cairn_sync::{DocumentId, ErrorCode, Message, MAX_FRAME_BYTES, PROTOCOL_VERSION};
use tokio_tungstenite::tungstenite::Message as WsMessage;

use cairn_server::storage::Backend;
use client::{Received, SyncClient, WAIT};
use server::{database_path, TestServer};

on_both_backends!(
    two_clients_converge_through_the_server,
    acked_change_is_in_the_database,
    compaction_keeps_document_across_restart,
    corrupt_document_is_never_overwritten,
);

/// Counts the stored change rows of `doc` with `hash`.
async fn change_rows_with_hash(server: &TestServer, doc: DocumentId, hash: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM changes WHERE document_id = $1 AND hash = $2")
        .bind(doc.to_string())
        .bind(hash)
        .fetch_one(server.pool())
        .await
        .expect("the changes table can be read")
}

/// Checks that the connection still opens, edits and saves a document.
async fn assert_connection_still_syncs(server: &TestServer, client: &mut SyncClient) {
    let doc = server.new_plan().await;
    client.open(doc, PlanDocument::create()).await;
    client
        .edit(doc, |plan| {
            plan.set_title("Still syncing").expect("title set")
        })
        .await;
    client.wait_saved(doc).await;
    assert!(client.is_saved(doc), "the connection stopped syncing");
}

async fn two_clients_converge_through_the_server(backend: Backend) {
    let Some((server, _database)) = TestServer::start_for(backend).await else {
        return;
    };
    let doc = server.new_plan().await;

    let mut alice = server.client().await;
    let mut plan = PlanDocument::create();
    plan.set_title("Behavior plan").expect("title set");
    alice.open(doc, plan).await;
    alice.wait_saved(doc).await;

    let mut bob = server.client().await;
    bob.open(doc, PlanDocument::empty()).await;
    let alice_heads = alice.replica(doc).heads();
    bob.run_until("bob to receive alice's plan", |bob| {
        bob.replica(doc).heads() == alice_heads
    })
    .await;

    bob.edit(doc, |plan| {
        plan.set_school("Lincoln Elementary").expect("school set")
    })
    .await;
    bob.wait_saved(doc).await;
    alice
        .run_until("alice to receive bob's change", |alice| {
            alice.replica(doc).snapshot().school == "Lincoln Elementary"
        })
        .await;

    assert_eq!(bob.replica(doc).snapshot().title, "Behavior plan");
    assert_eq!(alice.replica(doc).snapshot().school, "Lincoln Elementary");
    assert_eq!(alice.replica(doc).heads(), bob.replica(doc).heads());
    server.stop().await;
}

async fn acked_change_is_in_the_database(backend: Backend) {
    let Some((server, _database)) = TestServer::start_for(backend).await else {
        return;
    };
    let doc = server.new_plan().await;
    let mut client = server.client().await;

    client.open(doc, PlanDocument::create()).await;
    client
        .edit(doc, |plan| {
            plan.set_title("Reading plan").expect("title set")
        })
        .await;
    let head = client.replica(doc).heads()[0];
    client
        .run_until("the ack of the edit", |client| {
            client.acked_heads(doc).contains(&head)
        })
        .await;

    let rows = change_rows_with_hash(&server, doc, &head.to_string()).await;
    assert_eq!(rows, 1, "the acknowledged change has no row");
    let indexed: String = sqlx::query_scalar("SELECT title FROM plan_index WHERE document_id = $1")
        .bind(doc.to_string())
        .fetch_one(server.pool())
        .await
        .expect("the plan index has a row for the document");
    assert_eq!(indexed, "Reading plan");
    server.stop().await;
}

/// Storage whose next `fail_appends` appends fail, over a real database.
struct FlakyStorage {
    inner: SqlStorage,
    fail_appends: AtomicUsize,
}

#[async_trait]
impl Storage for FlakyStorage {
    async fn load_document(&self, id: DocumentId) -> Result<Option<StoredDocument>, StorageError> {
        self.inner.load_document(id).await
    }

    async fn create_document(
        &self,
        id: DocumentId,
        snapshot: &[u8],
        summary: &PlanSummary,
    ) -> Result<(), StorageError> {
        self.inner.create_document(id, snapshot, summary).await
    }

    async fn append_changes(
        &self,
        id: DocumentId,
        changes: &[NewChange],
        summary: &PlanSummary,
    ) -> Result<AppendOutcome, StorageError> {
        let failing = self
            .fail_appends
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(1)
            })
            .is_ok();
        if failing {
            return Err(StorageError::Database(sqlx::Error::PoolTimedOut));
        }
        self.inner.append_changes(id, changes, summary).await
    }

    async fn changes_after(
        &self,
        id: DocumentId,
        after_seq: i64,
    ) -> Result<Option<ChangesAfter>, StorageError> {
        self.inner.changes_after(id, after_seq).await
    }

    async fn compact(
        &self,
        id: DocumentId,
        snapshot: &[u8],
        through_seq: i64,
    ) -> Result<(), StorageError> {
        self.inner.compact(id, snapshot, through_seq).await
    }

    async fn list_plans(&self) -> Result<Vec<PlanIndexEntry>, StorageError> {
        self.inner.list_plans().await
    }

    async fn stale_index_entries(&self) -> Result<Vec<DocumentId>, StorageError> {
        self.inner.stale_index_entries().await
    }

    async fn refresh_index_entry(
        &self,
        id: DocumentId,
        summary: &PlanSummary,
    ) -> Result<(), StorageError> {
        self.inner.refresh_index_entry(id, summary).await
    }

    async fn ping(&self) -> Result<(), StorageError> {
        self.inner.ping().await
    }

    async fn close(&self) {
        self.inner.close().await;
    }
}

#[tokio::test]
async fn failed_write_acks_only_after_retry() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let sqlite = SqlStorage::open_sqlite(&database_path(&folder))
        .await
        .expect("the database opens");
    let flaky = Arc::new(FlakyStorage {
        inner: sqlite.clone(),
        fail_appends: AtomicUsize::new(1),
    });
    let server = TestServer::start_with(sqlite, flaky).await;
    let doc = server.new_plan().await;
    let mut client = server.client().await;

    client.open(doc, PlanDocument::create()).await;
    client
        .edit(doc, |plan| {
            plan.set_title("Attendance plan").expect("title set")
        })
        .await;
    let head = client.replica(doc).heads()[0];

    let mut acked_before_error = false;
    let error = loop {
        match client.receive().await {
            Received::Message(Message::Ack { heads, .. }) if heads.contains(&head.0) => {
                acked_before_error = true;
            }
            Received::Message(Message::Error { code, .. }) => break code,
            Received::Message(_) => {}
            other => panic!("the socket ended before the error: {other:?}"),
        }
    };
    assert_eq!(error, ErrorCode::StorageFailed);
    assert!(
        !acked_before_error,
        "the change was acknowledged before it was stored"
    );

    client
        .run_until("the ack after the retried write", |client| {
            client.acked_heads(doc).contains(&head)
        })
        .await;
    let rows = change_rows_with_hash(&server, doc, &head.to_string()).await;
    assert_eq!(rows, 1, "the acknowledged change has no row");
    server.stop().await;
}

#[tokio::test]
async fn malformed_frame_gets_error_then_syncs() {
    let (server, _folder) = TestServer::start().await;
    let mut client = server.client().await;

    client
        .send_frame(WsMessage::Binary(vec![PROTOCOL_VERSION, 0xff, 0x00].into()))
        .await;
    let (doc, code) = client.next_error().await;

    assert_eq!(code, ErrorCode::Malformed);
    assert_eq!(doc, None);
    assert_connection_still_syncs(&server, &mut client).await;
    server.stop().await;
}

#[tokio::test]
async fn unknown_version_gets_error_then_syncs() {
    let (server, _folder) = TestServer::start().await;
    let mut client = server.client().await;

    client
        .send_frame(WsMessage::Binary(vec![PROTOCOL_VERSION + 1, 0xa0].into()))
        .await;
    let (_, code) = client.next_error().await;

    assert_eq!(code, ErrorCode::UnsupportedVersion);
    assert_connection_still_syncs(&server, &mut client).await;
    server.stop().await;
}

#[tokio::test]
async fn oversized_frame_gets_error_then_syncs() {
    let (server, _folder) = TestServer::start().await;
    let mut client = server.client().await;

    let mut frame = vec![0u8; MAX_FRAME_BYTES + 1];
    frame[0] = PROTOCOL_VERSION;
    client.send_frame(WsMessage::Binary(frame.into())).await;
    let (_, code) = client.next_error().await;

    assert_eq!(code, ErrorCode::FrameTooLarge);
    assert_connection_still_syncs(&server, &mut client).await;
    server.stop().await;
}

#[tokio::test]
async fn text_frame_gets_error_then_syncs() {
    let (server, _folder) = TestServer::start().await;
    let mut client = server.client().await;

    client.send_frame(WsMessage::Text("hello".into())).await;
    let (_, code) = client.next_error().await;

    assert_eq!(code, ErrorCode::Malformed);
    assert_connection_still_syncs(&server, &mut client).await;
    server.stop().await;
}

#[tokio::test]
async fn invalid_sync_data_leaves_document_unchanged() {
    let (server, _folder) = TestServer::start().await;
    let doc = server.new_plan().await;
    let mut client = server.client().await;
    client.open(doc, PlanDocument::create()).await;
    client.wait_saved(doc).await;
    let heads_before = server
        .state
        .hub
        .read(doc)
        .await
        .expect("the hub reads the document")
        .map(|document| document.get_heads());

    client
        .send_message(&Message::Sync {
            doc,
            data: vec![0x42, 0x00, 0x13],
        })
        .await;
    let (error_doc, code) = client.next_error().await;
    let heads_after = server
        .state
        .hub
        .read(doc)
        .await
        .expect("the hub reads the document")
        .map(|document| document.get_heads());

    assert_eq!(code, ErrorCode::InvalidSyncMessage);
    assert_eq!(error_doc, Some(doc));
    assert_eq!(heads_after, heads_before);
    server.stop().await;
}

#[tokio::test]
async fn sync_before_open_is_rejected() {
    let (server, _folder) = TestServer::start().await;
    let doc = server.new_plan().await;
    let mut client = server.client().await;

    client
        .send_message(&Message::Sync {
            doc,
            data: Vec::new(),
        })
        .await;
    let (error_doc, code) = client.next_error().await;

    assert_eq!(code, ErrorCode::Malformed);
    assert_eq!(error_doc, Some(doc));
    server.stop().await;
}

async fn compaction_keeps_document_across_restart(backend: Backend) {
    let Some((server, database)) = TestServer::start_for(backend).await else {
        return;
    };
    let doc = server.new_plan().await;

    // Enough separate changes to pass the threshold in one write, then a
    // few more that stay as change rows after the snapshot.
    let mut plan = PlanDocument::create();
    let edits = usize::try_from(COMPACTION_THRESHOLD).expect("a small threshold") + 10;
    for edit in 0..edits {
        plan.set_title(&format!("Title {edit}")).expect("title set");
    }
    let mut client = server.client().await;
    client.open(doc, plan).await;
    client.wait_saved(doc).await;
    for edit in 0..3 {
        client
            .edit(doc, |plan| {
                plan.set_school(&format!("School {edit}"))
                    .expect("school set")
            })
            .await;
        client.wait_saved(doc).await;
    }

    let snapshots: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM documents WHERE id = $1 AND snapshot IS NOT NULL")
            .bind(doc.to_string())
            .fetch_one(server.pool())
            .await
            .expect("the documents table can be read");
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM changes WHERE document_id = $1")
        .bind(doc.to_string())
        .fetch_one(server.pool())
        .await
        .expect("the changes table can be read");
    let heads = client.replica(doc).heads();
    let json = cairn_plan::export_json(&client.replica(doc).snapshot());
    drop(client);
    server.stop().await;

    let restarted = TestServer::start_over(&database).await;
    let mut fresh = restarted.client().await;
    fresh.open(doc, PlanDocument::empty()).await;
    fresh
        .run_until("the fresh client to receive the document", |fresh| {
            fresh.replica(doc).heads() == heads
        })
        .await;

    assert_eq!(snapshots, 1, "no snapshot was written");
    assert!(
        rows < COMPACTION_THRESHOLD,
        "{rows} change rows left after compaction"
    );
    assert_eq!(fresh.replica(doc).heads(), heads);
    assert_eq!(
        cairn_plan::export_json(&fresh.replica(doc).snapshot()),
        json
    );
    restarted.stop().await;
}

#[tokio::test]
async fn presence_reaches_other_peers_only() {
    let (server, _folder) = TestServer::start().await;
    let doc = server.new_plan().await;
    let mut alice = server.client().await;
    let mut bob = server.client().await;
    alice.open(doc, PlanDocument::create()).await;
    alice.wait_saved(doc).await;
    bob.open(doc, PlanDocument::empty()).await;
    let alice_heads = alice.replica(doc).heads();
    bob.run_until("bob to sync", |bob| bob.replica(doc).heads() == alice_heads)
        .await;

    alice.send_presence(doc, b"cursor:goals".to_vec()).await;
    bob.run_until("alice's presence", |bob| !bob.presence().is_empty())
        .await;
    // A change sent after the presence data arrives after it on alice's own
    // connection, so its ack shows that alice got no copy of her presence.
    alice
        .edit(doc, |plan| {
            plan.set_title("After presence").expect("title set")
        })
        .await;
    alice.wait_saved(doc).await;

    assert_eq!(bob.presence(), &[(doc, b"cursor:goals".to_vec())]);
    assert!(
        alice.presence().is_empty(),
        "the sender received its own presence"
    );
    server.stop().await;
}

#[tokio::test]
async fn idle_document_unloads_and_reloads() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let sqlite = SqlStorage::open_sqlite(&database_path(&folder))
        .await
        .expect("the database opens");
    let storage: Arc<dyn Storage> = Arc::new(sqlite.clone());
    let accounts = AccountStore::new(sqlite.pool().clone());
    let mut state = AppState::new(Arc::clone(&storage), accounts, "target/site");
    state.hub = Hub::with_idle_unload(storage, Duration::from_millis(50));
    let server = TestServer::start_with_state(sqlite, state).await;
    let doc = server.new_plan().await;

    let mut alice = server.client().await;
    let mut plan = PlanDocument::create();
    plan.set_title("Unloaded plan").expect("title set");
    alice.open(doc, plan).await;
    alice.wait_saved(doc).await;
    alice.close_document(doc).await;

    let deadline = Instant::now() + WAIT;
    while server.state.hub.loaded_documents() > 0 {
        assert!(
            Instant::now() < deadline,
            "the idle document never unloaded"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let mut bob = server.client().await;
    bob.open(doc, PlanDocument::empty()).await;
    bob.run_until("the reloaded plan", |bob| {
        bob.replica(doc).snapshot().title == "Unloaded plan"
    })
    .await;

    assert_eq!(bob.replica(doc).snapshot().title, "Unloaded plan");
    server.stop().await;
}

async fn corrupt_document_is_never_overwritten(backend: Backend) {
    let Some((server, database)) = TestServer::start_for(backend).await else {
        return;
    };
    let doc = server.new_plan().await;
    let mut alice = server.client().await;
    alice.open(doc, PlanDocument::create()).await;
    alice
        .edit(doc, |plan| {
            plan.set_title("Soon corrupt").expect("title set")
        })
        .await;
    alice.wait_saved(doc).await;
    drop(alice);
    server.stop().await;

    let restarted = TestServer::start_over(&database).await;
    sqlx::query("UPDATE changes SET bytes = $2 WHERE document_id = $1")
        .bind(doc.to_string())
        .bind(vec![0_u8, 1, 2, 3])
        .execute(restarted.pool())
        .await
        .expect("the rows can be damaged");
    let rows_before: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM changes WHERE document_id = $1")
            .bind(doc.to_string())
            .fetch_one(restarted.pool())
            .await
            .expect("the changes table can be read");

    let mut bob = restarted.client().await;
    bob.open(doc, PlanDocument::create()).await;
    let (error_doc, code) = bob.next_error().await;
    let rows_after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM changes WHERE document_id = $1")
        .bind(doc.to_string())
        .fetch_one(restarted.pool())
        .await
        .expect("the changes table can be read");
    let read = restarted.state.hub.read(doc).await;

    assert_eq!(code, ErrorCode::Internal);
    assert_eq!(error_doc, Some(doc));
    assert_eq!(rows_after, rows_before);
    assert!(read.is_err(), "reading a corrupt document succeeded");
    restarted.stop().await;
}
