//! The JSON API through `app(state).oneshot(..)`, with no socket, over a
//! fresh SQLite file per test.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use axum::Router;
use cairn_server::accounts::{AccountStore, NewPerson, Role};
use cairn_server::auth::token::token_hash;
use cairn_server::storage::SqlStorage;
use cairn_server::{app, AppState};
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

const LINCOLN_CSV: &[u8] =
    include_bytes!("../../plan/tests/fixtures/lincoln-elementary-behavior-2026-27.csv");
const RIVERBEND_CSV: &[u8] =
    include_bytes!("../../plan/tests/fixtures/riverbend-usd-early-literacy-2026-27.csv");

/// The session token of the district admin of every test database.
const ADMIN_TOKEN: &str = "admin-session-token-for-tests";

/// A fresh database with one district and its admin, signed in with
/// [`ADMIN_TOKEN`].
async fn test_state() -> (AppState, TempDir) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let storage = SqlStorage::open_sqlite(&folder.path().join("cairn.db"))
        .await
        .expect("the database opens");
    let accounts = AccountStore::new(storage.pool().clone());

    let district = accounts
        .create_district("Test District")
        .await
        .expect("the district is created");
    let admin = accounts
        .create_person(NewPerson {
            district_id: district.id,
            email: "admin@example.org".to_owned(),
            name: "Test Admin".to_owned(),
            role: Role::DistrictAdmin,
            school_ids: Vec::new(),
            password_hash: Some("unused".to_owned()),
            invite_token_hash: None,
        })
        .await
        .expect("the admin is created");
    accounts
        .create_session(&token_hash(ADMIN_TOKEN), admin.id, i64::MAX / 2)
        .await
        .expect("the session is created");

    (
        AppState::new(Arc::new(storage), accounts, "target/site"),
        folder,
    )
}

fn admin_cookie() -> String {
    format!("cairn_session={ADMIN_TOKEN}")
}

async fn send(router: Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = router.oneshot(request).await.expect("the router answers");
    let status = response.status();
    let body = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("the body can be read");
    let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
    (status, json)
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri)
        .header("cookie", admin_cookie())
        .body(Body::empty())
        .expect("a valid request")
}

fn import_request(csv: &'static [u8]) -> Request<Body> {
    Request::post("/api/plans/import")
        .header("cookie", admin_cookie())
        .header("content-type", "text/csv")
        .body(Body::from(csv))
        .expect("a valid request")
}

async fn import(state: &AppState, csv: &'static [u8]) -> String {
    let (status, body) = send(app(state.clone()), import_request(csv)).await;
    assert_eq!(status, StatusCode::CREATED, "import failed: {body}");
    body["id"]
        .as_str()
        .expect("the import returns an id")
        .to_owned()
}

#[tokio::test]
async fn import_returns_id_and_report() {
    let (state, _folder) = test_state().await;

    let (status, body) = send(app(state), import_request(LINCOLN_CSV)).await;

    assert_eq!(status, StatusCode::CREATED);
    assert!(body["id"].is_string(), "no id in {body}");
    assert_eq!(body["report"]["rows_imported"], 14);
    assert_eq!(body["report"]["rows_skipped"], 0);
    assert!(
        body["report"]["skipped"].is_array(),
        "no skipped list in {body}"
    );
    assert_eq!(body["report"]["warnings"][0]["line"], 6);
}

#[tokio::test]
async fn import_without_plan_table_is_rejected() {
    let (state, _folder) = test_state().await;
    let request = Request::post("/api/plans/import")
        .header("cookie", admin_cookie())
        .body(Body::from("Name,Grade\nnothing,here\n"))
        .expect("a valid request");

    let (status, body) = send(app(state), request).await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = body["error"].as_str().unwrap_or_default();
    assert!(
        message.contains("no plan table"),
        "unexpected error: {body}"
    );
    assert_eq!(body["code"], "invalid_import");
}

#[tokio::test]
async fn import_too_large_is_json_error() {
    let (state, _folder) = test_state().await;
    let oversized = vec![b'a'; cairn_server::api::MAX_IMPORT_BYTES + 1];
    let request = Request::post("/api/plans/import")
        .header("cookie", admin_cookie())
        .body(Body::from(oversized))
        .expect("a valid request");

    let (status, body) = send(app(state), request).await;

    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["code"], "unreadable_upload");
    let message = body["error"].as_str().unwrap_or_default();
    assert!(message.contains("4 MiB"), "unexpected error: {body}");
}

#[tokio::test]
async fn list_shows_imported_plans_newest_first() {
    let (state, _folder) = test_state().await;
    let lincoln = import(&state, LINCOLN_CSV).await;
    let riverbend = import(&state, RIVERBEND_CSV).await;

    let (status, body) = send(app(state), get("/api/plans")).await;

    assert_eq!(status, StatusCode::OK);
    let plans = body.as_array().expect("the list is an array");
    assert_eq!(plans.len(), 2);
    assert_eq!(plans[0]["id"], riverbend);
    assert_eq!(plans[1]["id"], lincoln);
    assert_eq!(plans[1]["goal_count"], 3);
    assert_eq!(plans[1]["action_count"], 8);
}

#[tokio::test]
async fn get_returns_the_json_export() {
    let (state, _folder) = test_state().await;
    let id = import(&state, LINCOLN_CSV).await;

    let (status, body) = send(app(state), get(&format!("/api/plans/{id}"))).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["root_causes"].as_array().map(Vec::len), Some(3));
    assert_eq!(body["goals"].as_array().map(Vec::len), Some(3));
    assert_eq!(body["actions"].as_array().map(Vec::len), Some(8));
}

#[tokio::test]
async fn get_unknown_plan_is_not_found() {
    let (state, _folder) = test_state().await;
    let id = "67e55044-10b1-426f-9247-bb680e5fe0c8";

    let (status, body) = send(app(state), get(&format!("/api/plans/{id}"))).await;

    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], format!("plan {id} not found"));
    assert_eq!(body["code"], "plan_not_found");
}

#[tokio::test]
async fn get_malformed_id_is_not_found() {
    let (state, _folder) = test_state().await;

    let (status, body) = send(app(state), get("/api/plans/not-a-plan")).await;

    assert_eq!(status, StatusCode::NOT_FOUND);
    let message = body["error"].as_str().unwrap_or_default();
    assert!(message.contains("`not-a-plan`"), "unexpected error: {body}");
}

#[tokio::test]
async fn healthz_ok_with_database() {
    let (state, _folder) = test_state().await;

    let (status, body) = send(app(state), get("/healthz")).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn healthz_unavailable_after_database_closes() {
    let (state, _folder) = test_state().await;
    state.storage.close().await;

    let (status, _) = send(app(state), get("/healthz")).await;

    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}
