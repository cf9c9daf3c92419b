//! Presence over real WebSockets on loopback: who may send `Ephemeral`
//! messages, what the server relays, and the size and rate limits on them.
//!
//! The server never reads presence data, so these tests send opaque bytes.

#[path = "support/client.rs"]
mod client;
#[path = "support/server.rs"]
mod server;

use cairn_plan::PlanDocument;
use cairn_server::accounts::{Access, Role};
use cairn_server::auth::token::token_hash;
use cairn_server::ephemeral_limit::EPHEMERAL_BURST;
use cairn_sync::{DocumentId, ErrorCode, Message, MAX_EPHEMERAL_BYTES};

use client::SyncClient;
use server::{create_person, TestPerson, TestServer};

/// Creates a plan and opens it as the admin, with its first change saved.
async fn open_plan(server: &TestServer) -> (DocumentId, SyncClient) {
    let doc = server.new_plan().await;
    let mut admin = server.client().await;
    admin.open(doc, PlanDocument::create()).await;
    admin.wait_saved(doc).await;
    (doc, admin)
}

/// Creates a person of the admin's district with `role` and no school.
async fn person(server: &TestServer, role: Role) -> TestPerson {
    let district = server.admin.person.district_id;
    create_person(&server.state.accounts, district, role, &[]).await
}

/// Opens `doc` for `person` and waits until the replica contains the plan.
async fn open_as(server: &TestServer, person: &TestPerson, doc: DocumentId) -> SyncClient {
    let mut client = SyncClient::connect(server.addr, &person.cookie).await;
    client.open(doc, PlanDocument::empty()).await;
    client
        .run_until("the plan to arrive", |client| {
            client.replica(doc).is_initialized()
        })
        .await;
    client
}

/// Sends a change from `client` and waits for its ack. Messages on one
/// connection arrive in order, so whatever was relayed to `client` before
/// has arrived once this returns.
async fn round_trip(client: &mut SyncClient, doc: DocumentId, title: &str) {
    client
        .edit(doc, |plan| plan.set_title(title).expect("title set"))
        .await;
    client.wait_saved(doc).await;
}

#[tokio::test]
async fn viewer_presence_reaches_others_with_name() {
    let (server, _folder) = TestServer::start().await;
    let (doc, mut admin) = open_plan(&server).await;
    let viewer = person(&server, Role::Viewer).await;
    server
        .state
        .accounts
        .set_share(doc, viewer.person.id, Access::View)
        .await
        .expect("the plan is shared");
    server.state.access_epoch.bump();
    let mut viewing = open_as(&server, &viewer, doc).await;

    viewing.send_presence(doc, b"in goals".to_vec()).await;
    admin
        .run_until("the viewer's presence", |admin| {
            !admin.presence().is_empty()
        })
        .await;

    assert_eq!(admin.presence(), &[(doc, b"in goals".to_vec())]);
    assert_eq!(
        admin.presence_senders(),
        &[Some(viewer.person.name.clone())]
    );
    assert!(viewing.errors().is_empty(), "{:?}", viewing.errors());
    server.stop().await;
}

#[tokio::test]
async fn sender_name_is_set_by_server() {
    let (server, _folder) = TestServer::start().await;
    let (doc, mut admin) = open_plan(&server).await;
    let coach = person(&server, Role::Coach).await;
    server
        .state
        .accounts
        .set_share(doc, coach.person.id, Access::Edit)
        .await
        .expect("the plan is shared");
    server.state.access_epoch.bump();
    let mut coaching = open_as(&server, &coach, doc).await;

    coaching
        .send_message(&Message::Ephemeral {
            doc,
            sender: Some("Someone Else".to_owned()),
            data: b"here".to_vec(),
        })
        .await;
    admin
        .run_until("the coach's presence", |admin| !admin.presence().is_empty())
        .await;

    assert_eq!(admin.presence_senders(), &[Some(coach.person.name.clone())]);
    server.stop().await;
}

#[tokio::test]
async fn person_without_access_cannot_send_presence() {
    let (server, _folder) = TestServer::start().await;
    let (doc, mut admin) = open_plan(&server).await;
    let outsider = person(&server, Role::Viewer).await;
    let mut outside = SyncClient::connect(server.addr, &outsider.cookie).await;

    outside
        .send_message(&Message::Ephemeral {
            doc,
            sender: None,
            data: b"watching".to_vec(),
        })
        .await;
    let error = outside.next_error().await;
    round_trip(&mut admin, doc, "After the outsider").await;

    assert_eq!(error, (Some(doc), ErrorCode::NotFound));
    assert!(
        admin.presence().is_empty(),
        "presence from a person without access was relayed"
    );
    server.stop().await;
}

#[tokio::test]
async fn signed_out_socket_cannot_send_presence() {
    let (server, _folder) = TestServer::start().await;
    let (doc, mut admin) = open_plan(&server).await;
    assert!(
        SyncClient::handshake(server.addr, None).await.is_err(),
        "the sync socket opened without a session"
    );

    let editor = person(&server, Role::Coach).await;
    server
        .state
        .accounts
        .set_share(doc, editor.person.id, Access::Edit)
        .await
        .expect("the plan is shared");
    server.state.access_epoch.bump();
    let mut editing = open_as(&server, &editor, doc).await;
    let token = editor
        .cookie
        .strip_prefix("cairn_session=")
        .expect("a session cookie");
    server
        .state
        .accounts
        .delete_session(&token_hash(token))
        .await
        .expect("the session is deleted");
    server.state.access_epoch.bump();

    // The connection closes on the access change, before or after it
    // reads the message. Because the server drops the socket with this
    // message possibly unread, the close frame can be lost to a reset, so
    // only the end of the connection is checked.
    editing.send_presence(doc, b"still here".to_vec()).await;
    let _close = editing.wait_closed().await;
    round_trip(&mut admin, doc, "After the sign-out").await;

    assert!(
        admin.presence().is_empty(),
        "presence from an ended session was relayed"
    );
    server.stop().await;
}

#[tokio::test]
async fn oversized_presence_is_rejected() {
    let (server, _folder) = TestServer::start().await;
    let (doc, mut admin) = open_plan(&server).await;
    let mut other = open_as(&server, &server.admin, doc).await;

    other
        .send_presence(doc, vec![b'x'; MAX_EPHEMERAL_BYTES + 1])
        .await;
    let error = other.next_error().await;
    other
        .send_presence(doc, vec![b'x'; MAX_EPHEMERAL_BYTES])
        .await;
    admin
        .run_until("the presence within the limit", |admin| {
            !admin.presence().is_empty()
        })
        .await;

    assert_eq!(error, (Some(doc), ErrorCode::FrameTooLarge));
    assert_eq!(admin.presence().len(), 1);
    assert_eq!(admin.presence()[0].1.len(), MAX_EPHEMERAL_BYTES);
    server.stop().await;
}

#[tokio::test]
async fn presence_over_the_rate_is_dropped() {
    let (server, _folder) = TestServer::start().await;
    let (doc, mut admin) = open_plan(&server).await;
    let mut other = open_as(&server, &server.admin, doc).await;

    // The bucket refills while the messages are sent, so a few more than
    // the burst may pass, but three times the burst cannot.
    let sent = EPHEMERAL_BURST * 3;
    for index in 0..sent {
        other
            .send_presence(doc, index.to_string().into_bytes())
            .await;
    }
    let error = other.next_error().await;
    round_trip(&mut other, doc, "After the burst").await;
    round_trip(&mut admin, doc, "After the burst, seen by the admin").await;

    assert_eq!(error, (Some(doc), ErrorCode::RateLimited));
    let relayed = admin.presence().len();
    assert!(
        relayed >= EPHEMERAL_BURST as usize && relayed < sent as usize,
        "{relayed} of {sent} messages were relayed"
    );
    server.stop().await;
}
