//! The connection limits over real WebSockets on loopback: the number of
//! documents one connection may open, the rate of its messages and the
//! size of a plan. Each refusal has its own error code, leaves the
//! connection open, and costs the other peers nothing.

#[path = "support/client.rs"]
mod client;
#[path = "support/server.rs"]
mod server;

use std::time::Duration;

use automerge::transaction::Transactable;
use automerge::{ReadDoc, ScalarValue, ROOT};
use cairn_plan::PlanDocument;
use cairn_server::limits::{
    MAX_OPEN_DOCUMENTS, MAX_PLAN_BYTES, MESSAGES_PER_SECOND, MESSAGE_BURST,
};
use cairn_sync::{DocumentId, ErrorCode, Message};
use rand::RngCore;

use client::SyncClient;
use server::TestServer;

/// Creates a plan and opens it as the admin, with its first change saved.
async fn open_plan(server: &TestServer) -> (DocumentId, SyncClient) {
    let doc = server.new_plan().await;
    let mut admin = server.client().await;
    admin.open(doc, PlanDocument::create()).await;
    admin.wait_saved(doc).await;
    (doc, admin)
}

/// Sends a title change and waits for its ack.
async fn round_trip(client: &mut SyncClient, doc: DocumentId, title: &str) {
    client
        .edit(doc, |plan| plan.set_title(title).expect("title set"))
        .await;
    client.wait_saved(doc).await;
}

#[tokio::test]
async fn open_over_document_limit_refused() {
    let (server, _folder) = TestServer::start().await;
    let mut plans = Vec::with_capacity(MAX_OPEN_DOCUMENTS + 1);
    for _ in 0..=MAX_OPEN_DOCUMENTS {
        plans.push(server.new_plan().await);
    }
    let (extra, allowed) = plans.split_last().expect("plans were made");
    let mut client = server.client().await;

    for &doc in allowed {
        client.open(doc, PlanDocument::empty()).await;
    }
    client.open(*extra, PlanDocument::create()).await;
    let refused = client.next_error().await;

    client.close_document(allowed[0]).await;
    client.open(*extra, PlanDocument::create()).await;
    client.wait_saved(*extra).await;

    // The `sync` sent right after the refused `open` is refused as well,
    // for a document that is not open.
    assert_eq!(refused, (Some(*extra), ErrorCode::TooManyDocuments));
    assert!(
        client.errors().iter().all(|(doc, _)| *doc == Some(*extra)),
        "only the document over the limit was refused: {:?}",
        client.errors()
    );
    server.stop().await;
}

#[tokio::test]
async fn messages_over_rate_dropped() {
    let (server, _folder) = TestServer::start().await;
    let (doc, mut admin) = open_plan(&server).await;
    let mut flooding = server.client().await;
    flooding.open(doc, PlanDocument::empty()).await;
    flooding
        .run_until("the plan to arrive", |client| {
            client.replica(doc).is_initialized()
        })
        .await;

    // `Close` for a document that is not open gets no reply, so only the
    // refusals come back. The bucket refills while the frames are sent,
    // so a few more than the burst may pass, but twice the burst cannot.
    let unopened = DocumentId::new_random();
    for _ in 0..MESSAGE_BURST * 2 {
        flooding
            .send_message(&Message::Close { doc: unopened })
            .await;
    }
    let refused = flooding.next_error().await;

    // Wait for room for the two messages of a round trip, which is not a
    // timing assertion: the round trip below would wait for it anyway,
    // through the client's reply timeout.
    tokio::time::sleep(Duration::from_millis(
        2 * 1_000 / u64::from(MESSAGES_PER_SECOND) + 50,
    ))
    .await;
    round_trip(&mut admin, doc, "Seen by the flooding peer too").await;
    flooding
        .run_until("the other peer's change", |client| {
            client.replica(doc).snapshot().title == "Seen by the flooding peer too"
        })
        .await;

    assert_eq!(refused, (None, ErrorCode::RateLimited));
    assert!(admin.errors().is_empty(), "the other peer was not limited");
    server.stop().await;
}

#[tokio::test]
async fn oversized_plan_changes_refused() {
    let (server, _folder) = TestServer::start().await;
    let (doc, mut admin) = open_plan(&server).await;
    let mut oversize = server.client().await;
    oversize.open(doc, PlanDocument::empty()).await;
    oversize
        .run_until("the plan to arrive", |client| {
            client.replica(doc).is_initialized()
        })
        .await;

    // Random bytes do not compress, so the change is as large as they are.
    let mut attachment = vec![0u8; usize::try_from(MAX_PLAN_BYTES).expect("fits") + 1];
    rand::rng().fill_bytes(&mut attachment);
    oversize
        .edit(doc, |plan| {
            plan.automerge_mut()
                .transact::<_, _, automerge::AutomergeError>(|tx| {
                    tx.put(ROOT, "attachment", ScalarValue::Bytes(attachment))?;
                    Ok(())
                })
                .expect("the change is made");
        })
        .await;
    let refused = oversize.next_error().await;

    round_trip(&mut admin, doc, "Still editable").await;
    let stored = server
        .state
        .hub
        .read(doc)
        .await
        .expect("the plan reads")
        .expect("the plan is stored");

    assert_eq!(refused, (Some(doc), ErrorCode::PlanTooLarge));
    assert!(
        stored.get(ROOT, "attachment").expect("reads").is_none(),
        "the oversized change was not applied"
    );
    assert!(
        !oversize.is_saved(doc),
        "the sender keeps the refused change"
    );
    server.stop().await;
}
