//! The access matrix: every role against every action, over the HTTP API
//! and over the sync protocol, on one district with two schools.
//!
//! The plan under test belongs to Lincoln Elementary. Each row is a person;
//! each column an action: read the plan, edit it, share it, manage a coach
//! of Lincoln. A guessed plan id and a plan of another district must answer
//! exactly as a plan that does not exist.

#[path = "support/client.rs"]
mod client;
#[path = "support/server.rs"]
mod server;

use automerge::ReadDoc;
use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use cairn_plan::PlanDocument;
use cairn_server::accounts::{Access, Role};
use cairn_server::app;
use cairn_sync::{DocumentId, ErrorCode};
use serde_json::Value;
use tower::ServiceExt;

use cairn_server::storage::Backend;
use client::SyncClient;
use server::{create_person, TestDatabase, TestPerson, TestServer};

on_both_backends!(
    every_role_gets_exactly_its_access_over_http,
    every_role_gets_exactly_its_access_over_sync,
    a_change_under_another_persons_actor_is_refused,
    removing_a_share_refuses_the_next_message_of_an_open_connection,
    history_names_who_changed_the_plan_and_shows_it_as_it_was,
    a_change_hidden_behind_a_document_chunk_is_refused,
    offline_work_on_a_shared_copy_is_accepted,
);

/// What a person may do with the Lincoln plan, as the matrix expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Expected {
    read: bool,
    edit: bool,
    share: bool,
    manage: bool,
}

const ALL: Expected = Expected {
    read: true,
    edit: true,
    share: true,
    manage: true,
};
const EDIT_ONLY: Expected = Expected {
    read: true,
    edit: true,
    share: false,
    manage: false,
};
const READ_ONLY: Expected = Expected {
    read: true,
    edit: false,
    share: false,
    manage: false,
};
const NOTHING: Expected = Expected {
    read: false,
    edit: false,
    share: false,
    manage: false,
};

async fn call(
    server: &TestServer,
    method: &str,
    uri: &str,
    cookie: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("cookie", cookie);
    let body = match body {
        Some(json) => {
            request = request.header("content-type", "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    let response = app(server.state.clone())
        .oneshot(request.body(body).expect("a valid request"))
        .await
        .expect("the router answers");
    let status = response.status();
    let bytes = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("the body can be read");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// The district, its schools, the Lincoln plan and one person per row.
struct District {
    server: TestServer,
    plan: DocumentId,
    coach_of_lincoln: TestPerson,
    rows: Vec<(&'static str, TestPerson, Expected)>,
}

async fn district(backend: Backend) -> Option<(District, TestDatabase)> {
    let (server, database) = TestServer::start_for(backend).await?;
    let accounts = &server.state.accounts;
    let district = server.admin.person.district_id;
    let lincoln = accounts
        .create_school(district, "Lincoln Elementary")
        .await
        .expect("the school is created")
        .id;
    let oak = accounts
        .create_school(district, "Oak Middle")
        .await
        .expect("the school is created")
        .id;

    let plan = DocumentId::new_random();
    let record = cairn_server::accounts::PlanRecord {
        district_id: district,
        school_id: Some(lincoln),
    };
    accounts
        .create_plan(plan, record, server.admin.person.id)
        .await
        .expect("the plan is recorded");

    let leader = create_person(accounts, district, Role::SchoolLeader, &[lincoln]).await;
    let other_leader = create_person(accounts, district, Role::SchoolLeader, &[oak]).await;
    let coach = create_person(accounts, district, Role::Coach, &[lincoln]).await;
    let other_coach = create_person(accounts, district, Role::Coach, &[oak]).await;
    let member = create_person(accounts, district, Role::TeamMember, &[lincoln]).await;
    let unshared_member = create_person(accounts, district, Role::TeamMember, &[lincoln]).await;
    let viewer = create_person(accounts, district, Role::Viewer, &[lincoln]).await;
    let shared_viewer_as_editor = create_person(accounts, district, Role::Viewer, &[]).await;
    let unshared_viewer = create_person(accounts, district, Role::Viewer, &[lincoln]).await;
    let other_district = accounts
        .create_district("Elsewhere Unified")
        .await
        .expect("the district is created");
    let outside_admin = create_person(accounts, other_district.id, Role::DistrictAdmin, &[]).await;
    let coach_of_lincoln = create_person(accounts, district, Role::Coach, &[lincoln]).await;

    accounts
        .set_share(plan, member.person.id, Access::Edit)
        .await
        .expect("the plan is shared");
    accounts
        .set_share(plan, viewer.person.id, Access::View)
        .await
        .expect("the plan is shared");
    accounts
        .set_share(plan, shared_viewer_as_editor.person.id, Access::Edit)
        .await
        .expect("the plan is shared");
    let other_leader_may_read = EDIT_ONLY;
    accounts
        .set_share(plan, other_leader.person.id, Access::Edit)
        .await
        .expect("the plan is shared");

    let admin = server.admin.clone();
    let rows = vec![
        ("district admin", admin, ALL),
        ("leader of the plan's school", leader, ALL),
        (
            "leader of another school, shared as editor",
            other_leader,
            other_leader_may_read,
        ),
        ("coach of the plan's school", coach, EDIT_ONLY),
        ("coach of another school", other_coach, NOTHING),
        ("team member shared as editor", member, EDIT_ONLY),
        ("team member without a share", unshared_member, NOTHING),
        ("viewer shared as viewer", viewer, READ_ONLY),
        (
            "viewer shared as editor",
            shared_viewer_as_editor,
            READ_ONLY,
        ),
        ("viewer without a share", unshared_viewer, NOTHING),
        ("admin of another district", outside_admin, NOTHING),
    ];
    Some((
        District {
            server,
            plan,
            coach_of_lincoln,
            rows,
        },
        database,
    ))
}

/// The error text with the plan id taken out, to compare the answers for
/// two ids.
fn without_id(body: &Value, id: DocumentId) -> String {
    body["error"]
        .as_str()
        .unwrap_or_default()
        .replace(&id.to_string(), "ID")
}

async fn every_role_gets_exactly_its_access_over_http(backend: Backend) {
    let Some((district, _database)) = district(backend).await else {
        return;
    };
    let server = &district.server;
    let plan = district.plan;
    let guessed = DocumentId::new_random();

    for (row, person, expected) in &district.rows {
        let cookie = &person.cookie;

        // Read: the export, the access, the history and the list.
        let (status, body) = call(server, "GET", &format!("/api/plans/{plan}"), cookie, None).await;
        if expected.read {
            assert_eq!(status, StatusCode::OK, "{row}: read: {body}");
            let (_, access) = call(
                server,
                "GET",
                &format!("/api/plans/{plan}/access"),
                cookie,
                None,
            )
            .await;
            let want = if expected.edit { "edit" } else { "view" };
            assert_eq!(access["access"], want, "{row}: access");
            assert_eq!(access["can_share"], expected.share, "{row}: can_share");
        } else {
            assert_eq!(status, StatusCode::NOT_FOUND, "{row}: read");
            let (guess_status, guess_body) = call(
                server,
                "GET",
                &format!("/api/plans/{guessed}"),
                cookie,
                None,
            )
            .await;
            assert_eq!(
                guess_status, status,
                "{row}: a guessed id answers differently"
            );
            assert_eq!(
                without_id(&guess_body, guessed),
                without_id(&body, plan),
                "{row}: a guessed id answers with other words"
            );
            assert_eq!(body["code"], guess_body["code"], "{row}");
        }
        for path in ["history", "access"] {
            let (status, _) = call(
                server,
                "GET",
                &format!("/api/plans/{plan}/{path}"),
                cookie,
                None,
            )
            .await;
            let want = if expected.read {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(status, want, "{row}: {path}");
        }
        let (_, list) = call(server, "GET", "/api/plans", cookie, None).await;
        let listed = list
            .as_array()
            .is_some_and(|plans| plans.iter().any(|entry| entry["id"] == plan.to_string()));
        // The plan index row appears with the first stored change; the
        // list reads the index, so check only that unreadable plans never
        // appear.
        if !expected.read {
            assert!(!listed, "{row}: the plan is listed");
        }

        // Share: give the unshared team member view access, then take it
        // back.
        let target = district.rows[6].1.person.id;
        let share_uri = format!("/api/plans/{plan}/members/{target}");
        let (status, body) = call(
            server,
            "PUT",
            &share_uri,
            cookie,
            Some(serde_json::json!({"access": "view"})),
        )
        .await;
        let want = match (expected.read, expected.share) {
            (_, true) => StatusCode::NO_CONTENT,
            (true, false) => StatusCode::FORBIDDEN,
            (false, _) => StatusCode::NOT_FOUND,
        };
        assert_eq!(status, want, "{row}: share: {body}");
        if expected.share {
            let (status, _) = call(server, "DELETE", &share_uri, cookie, None).await;
            assert_eq!(status, StatusCode::NO_CONTENT, "{row}: unshare");
        }

        // Manage people: change the role of a coach of Lincoln and back.
        let coach = district.coach_of_lincoln.person.id;
        let (status, body) = call(
            server,
            "PATCH",
            &format!("/api/people/{coach}"),
            cookie,
            Some(serde_json::json!({"role": "team_member"})),
        )
        .await;
        let want = if expected.manage {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        let outside = *row == "admin of another district";
        let want = if outside { StatusCode::NOT_FOUND } else { want };
        assert_eq!(status, want, "{row}: manage: {body}");
        if expected.manage {
            let (status, _) = call(
                server,
                "PATCH",
                &format!("/api/people/{coach}"),
                cookie,
                Some(serde_json::json!({"role": "coach"})),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{row}: manage back");
        }
    }
    district.server.stop().await;
}

async fn every_role_gets_exactly_its_access_over_sync(backend: Backend) {
    let Some((district, _database)) = district(backend).await else {
        return;
    };
    let server = &district.server;
    let plan = district.plan;

    // The admin writes the plan first, so readers have something to read.
    let mut admin = server.client().await;
    let mut seeded = PlanDocument::create();
    seeded
        .set_title("Lincoln behavior plan")
        .expect("title set");
    admin.open(plan, seeded).await;
    admin.wait_saved(plan).await;
    let seeded_heads = admin.replica(plan).heads();

    for (row, person, expected) in &district.rows {
        let mut client = SyncClient::connect(server.addr, &person.cookie).await;
        client.open(plan, PlanDocument::empty()).await;

        if !expected.read {
            let (doc, code) = client.next_error().await;
            assert_eq!(
                (doc, code),
                (Some(plan), ErrorCode::NotFound),
                "{row}: open"
            );

            let guessed = DocumentId::new_random();
            client.open(guessed, PlanDocument::empty()).await;
            client
                .run_until(&format!("{row}: the answer for a guessed id"), |client| {
                    client
                        .errors()
                        .contains(&(Some(guessed), ErrorCode::NotFound))
                })
                .await;
            assert!(
                client
                    .errors()
                    .iter()
                    .all(|(_, code)| *code == ErrorCode::NotFound),
                "{row}: {:?}",
                client.errors()
            );
            continue;
        }

        client
            .run_until(&format!("{row} to receive the plan"), |client| {
                let replica = client.replica(plan).automerge();
                seeded_heads
                    .iter()
                    .all(|head| replica.get_change_by_hash(head).is_some())
            })
            .await;
        client
            .edit(plan, |replica| {
                replica
                    .set_focus_area(&format!("Edited by {row}"))
                    .expect("focus area set")
            })
            .await;
        let head = client.replica(plan).heads()[0];

        if expected.edit {
            client.wait_saved(plan).await;
            assert!(
                client.acked_heads(plan).contains(&head),
                "{row}: edit not acked"
            );
        } else {
            let (doc, code) = client.next_error().await;
            assert_eq!(
                (doc, code),
                (Some(plan), ErrorCode::Forbidden),
                "{row}: edit"
            );
            let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM change_log WHERE hash = $1")
                .bind(head.to_string())
                .fetch_one(server.pool())
                .await
                .expect("the change log can be read");
            assert_eq!(stored, 0, "{row}: a refused change was stored");
        }
    }
    district.server.stop().await;
}

async fn a_change_under_another_persons_actor_is_refused(backend: Backend) {
    let Some((district, _database)) = district(backend).await else {
        return;
    };
    let server = &district.server;
    let plan = district.plan;
    let coach = &district.rows[3].1;

    let mut admin = server.client().await;
    let replica = PlanDocument::create();
    let actor = replica.automerge().get_actor().clone();
    admin.open(plan, replica).await;
    admin.wait_saved(plan).await;

    // The coach edits under the admin's actor id.
    let mut coach_client = SyncClient::connect(server.addr, &coach.cookie).await;
    let mut forged = PlanDocument::empty();
    forged.set_actor(actor);
    coach_client.open(plan, forged).await;
    let admin_heads = admin.replica(plan).heads();
    coach_client
        .run_until("the coach to receive the plan", |c| {
            c.replica(plan).heads() == admin_heads
        })
        .await;
    coach_client
        .edit(plan, |replica| {
            replica.set_title("Forged").expect("title set")
        })
        .await;
    let (doc, code) = coach_client.next_error().await;

    assert_eq!((doc, code), (Some(plan), ErrorCode::Forbidden));
    let document = server.state.hub.read(plan).await.expect("the plan reads");
    let title = PlanDocument::from_automerge(document.expect("stored"))
        .snapshot()
        .title;
    assert_ne!(title, "Forged");
    district.server.stop().await;
}

async fn removing_a_share_refuses_the_next_message_of_an_open_connection(backend: Backend) {
    let Some((district, _database)) = district(backend).await else {
        return;
    };
    let server = &district.server;
    let plan = district.plan;
    let member = &district.rows[5].1;

    let mut client = SyncClient::connect(server.addr, &member.cookie).await;
    client.open(plan, PlanDocument::create()).await;
    client.wait_saved(plan).await;

    let (status, _) = call(
        server,
        "DELETE",
        &format!("/api/plans/{plan}/members/{}", member.person.id),
        &server.admin.cookie,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    client
        .edit(plan, |replica| {
            replica.set_title("After removal").expect("title set")
        })
        .await;
    let (doc, code) = client.next_error().await;
    assert_eq!((doc, code), (Some(plan), ErrorCode::NotFound));
    district.server.stop().await;
}

async fn history_names_who_changed_the_plan_and_shows_it_as_it_was(backend: Backend) {
    let Some((district, _database)) = district(backend).await else {
        return;
    };
    let server = &district.server;
    let plan = district.plan;
    let coach = &district.rows[3].1;

    let mut admin = server.client().await;
    let mut first = PlanDocument::create();
    first.set_title("First title").expect("title set");
    admin.open(plan, first).await;
    admin.wait_saved(plan).await;

    let mut coach_client = SyncClient::connect(server.addr, &coach.cookie).await;
    coach_client.open(plan, PlanDocument::empty()).await;
    let admin_heads = admin.replica(plan).heads();
    coach_client
        .run_until("the coach to receive the plan", |c| {
            c.replica(plan).heads() == admin_heads
        })
        .await;
    coach_client
        .edit(plan, |replica| {
            replica.set_title("Second title").expect("title set")
        })
        .await;
    coach_client.wait_saved(plan).await;

    let (status, history) = call(
        server,
        "GET",
        &format!("/api/plans/{plan}/history"),
        &server.admin.cookie,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let entries = history.as_array().expect("a list");
    assert_eq!(entries.len(), 2, "{history}");
    assert_eq!(entries[0]["person"]["name"], coach.person.name);
    assert_eq!(entries[1]["person"]["name"], server.admin.person.name);

    let earlier = entries[1]["point"].as_str().expect("a point");
    let (status, past) = call(
        server,
        "GET",
        &format!("/api/plans/{plan}/history/{earlier}"),
        &server.admin.cookie,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(past["title"], "First title", "{past}");

    let (status, _) = call(
        server,
        "GET",
        &format!("/api/plans/{plan}/history/{}", "0".repeat(64)),
        &server.admin.cookie,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    district.server.stop().await;
}

async fn a_change_hidden_behind_a_document_chunk_is_refused(backend: Backend) {
    let Some((district, _database)) = district(backend).await else {
        return;
    };
    let server = &district.server;
    let plan = district.plan;
    let viewer = &district.rows[7].1;

    let mut admin = server.client().await;
    let mut seeded = PlanDocument::create();
    seeded
        .set_title("Lincoln behavior plan")
        .expect("title set");
    admin.open(plan, seeded).await;
    admin.wait_saved(plan).await;

    let mut client = SyncClient::connect(server.addr, &viewer.cookie).await;
    client.open(plan, PlanDocument::empty()).await;
    let heads = admin.replica(plan).heads();
    client
        .run_until("the viewer to receive the plan", |c| {
            c.replica(plan).heads() == heads
        })
        .await;

    // The viewer makes a change on a copy and hides it after an empty
    // document chunk, in one entry of the change list.
    let mut copy = PlanDocument::from_automerge(client.replica(plan).automerge().clone());
    copy.set_actor(automerge::ActorId::random());
    copy.set_title("Changed by a viewer").expect("title set");
    let change = copy
        .automerge()
        .get_changes(&heads)
        .last()
        .map(|change| change.raw_bytes().to_vec())
        .expect("one new change");
    let mut smuggled = automerge::Automerge::new().save();
    smuggled.extend_from_slice(&change);
    let data = automerge::sync::Message {
        heads: Vec::new(),
        need: Vec::new(),
        have: Vec::new(),
        changes: vec![smuggled].into(),
        flags: None,
        version: automerge::sync::MessageVersion::V1,
    }
    .encode();
    client
        .send_message(&cairn_sync::Message::Sync { doc: plan, data })
        .await;
    let (doc, code) = client.next_error().await;

    assert_eq!((doc, code), (Some(plan), ErrorCode::Forbidden));
    let document = server.state.hub.read(plan).await.expect("the plan reads");
    let title = PlanDocument::from_automerge(document.expect("stored"))
        .snapshot()
        .title;
    assert_eq!(title, "Lincoln behavior plan");
    district.server.stop().await;
}

async fn offline_work_on_a_shared_copy_is_accepted(backend: Backend) {
    let Some((district, _database)) = district(backend).await else {
        return;
    };
    let server = &district.server;
    let plan = district.plan;
    let coach = &district.rows[3].1;

    let mut admin = server.client().await;
    let mut seeded = PlanDocument::create();
    seeded
        .set_title("Lincoln behavior plan")
        .expect("title set");
    admin.open(plan, seeded).await;
    admin.wait_saved(plan).await;

    let mut coach_client = SyncClient::connect(server.addr, &coach.cookie).await;
    coach_client.open(plan, PlanDocument::empty()).await;
    let heads = admin.replica(plan).heads();
    coach_client
        .run_until("the coach to receive the plan", |c| {
            c.replica(plan).heads() == heads && c.is_saved(plan)
        })
        .await;
    let acked = coach_client.acked_heads(plan);
    let mut offline = coach_client.take_replica(plan);
    drop(coach_client);

    // More new changes than a third of the document makes Automerge send
    // the whole document, the admin's changes included.
    let before = offline.automerge().get_changes(&[]).len();
    for step in 0..3 * before {
        offline
            .set_team(&format!("Coach and team, week {step}"))
            .expect("team set");
    }
    let mut coach_client = SyncClient::connect(server.addr, &coach.cookie).await;
    coach_client.restore_acked_heads(plan, acked);
    coach_client.open(plan, offline).await;
    coach_client.wait_saved(plan).await;

    assert!(
        coach_client.errors().is_empty(),
        "the server refused the offline work: {:?}",
        coach_client.errors()
    );
    let document = server.state.hub.read(plan).await.expect("the plan reads");
    let stored = PlanDocument::from_automerge(document.expect("stored"));
    assert_eq!(stored.heads(), coach_client.replica(plan).heads());
    assert_eq!(
        stored.snapshot().team,
        format!("Coach and team, week {}", 3 * before - 1)
    );
    district.server.stop().await;
}
