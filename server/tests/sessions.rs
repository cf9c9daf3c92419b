//! First-run setup, sign-in, sessions, passwords and cross-site checks,
//! through the router with no socket, over a fresh database per test, on
//! both backends.

#[path = "support/client.rs"]
mod client;
#[path = "support/server.rs"]
mod server;

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use cairn_server::accounts::AccountStore;
use cairn_server::storage::Backend;
use cairn_server::{app, AppState};
use serde_json::{json, Value};
use tower::ServiceExt;

use server::TestDatabase;

on_both_backends!(
    setup_runs_once_and_signs_in,
    sign_in_cookie_is_http_only_and_lax,
    wrong_email_and_wrong_password_look_alike,
    repeated_failures_lock_the_email,
    sign_out_ends_the_session,
    password_change_ends_other_sessions,
    cross_site_writes_are_refused,
    an_invitation_sets_the_password_once,
);

const PASSWORD: &str = "correct horse battery staple";

async fn empty_state(backend: Backend) -> Option<(AppState, TestDatabase)> {
    let database = TestDatabase::create(backend).await?;
    let storage = database.open().await;
    let accounts = AccountStore::new(storage.pool().clone());
    Some((
        AppState::new(Arc::new(storage), accounts, "target/site"),
        database,
    ))
}

/// The answer to one request: status, `Set-Cookie` and JSON body.
struct Answer {
    status: StatusCode,
    cookie: Option<String>,
    body: Value,
}

async fn send(
    state: &AppState,
    method: &str,
    uri: &str,
    cookie: Option<&str>,
    body: Option<Value>,
    extra: &[(&str, &str)],
) -> Answer {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "127.0.0.1:3000");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let body = match body {
        Some(json) => {
            request = request.header("content-type", "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    let response = app(state.clone())
        .oneshot(request.body(body).expect("a valid request"))
        .await
        .expect("the router answers");
    let status = response.status();
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let bytes = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("the body can be read");
    Answer {
        status,
        cookie,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap_or_default().to_owned()
}

async fn set_up(state: &AppState) -> String {
    let answer = send(
        state,
        "POST",
        "/api/setup",
        None,
        Some(json!({
            "district_name": "Maple County Schools",
            "name": "Dana Admin",
            "email": "Dana@Example.org",
            "password": PASSWORD,
        })),
        &[],
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    cookie_pair(&answer.cookie.expect("setup signs in"))
}

async fn sign_in(state: &AppState, email: &str, password: &str) -> Answer {
    send(
        state,
        "POST",
        "/api/session",
        None,
        Some(json!({ "email": email, "password": password })),
        &[],
    )
    .await
}

async fn setup_runs_once_and_signs_in(backend: Backend) {
    let Some((state, _database)) = empty_state(backend).await else {
        return;
    };

    let before = send(&state, "GET", "/api/setup", None, None, &[]).await;
    assert_eq!(before.body["needed"], true);
    let cookie = set_up(&state).await;
    let after = send(&state, "GET", "/api/setup", None, None, &[]).await;
    assert_eq!(after.body["needed"], false);

    let session = send(&state, "GET", "/api/session", Some(&cookie), None, &[]).await;
    assert_eq!(session.status, StatusCode::OK);
    assert_eq!(session.body["user"]["email"], "dana@example.org");
    assert_eq!(session.body["user"]["role"], "district_admin");
    assert_eq!(session.body["district"]["name"], "Maple County Schools");

    let again = send(
        &state,
        "POST",
        "/api/setup",
        None,
        Some(json!({"district_name": "X", "name": "Y", "email": "y@example.org", "password": PASSWORD})),
        &[],
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.body["code"], "already_set_up");
}

async fn sign_in_cookie_is_http_only_and_lax(backend: Backend) {
    let Some((state, _database)) = empty_state(backend).await else {
        return;
    };
    set_up(&state).await;

    let answer = sign_in(&state, "dana@example.org", PASSWORD).await;

    assert_eq!(answer.status, StatusCode::OK);
    let cookie = answer.cookie.expect("a cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Max-Age="), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");

    let behind_tls = send(
        &state,
        "POST",
        "/api/session",
        None,
        Some(json!({"email": "dana@example.org", "password": PASSWORD})),
        &[("x-forwarded-proto", "https")],
    )
    .await;
    assert!(behind_tls.cookie.expect("a cookie").contains("; Secure"));
}

async fn wrong_email_and_wrong_password_look_alike(backend: Backend) {
    let Some((state, _database)) = empty_state(backend).await else {
        return;
    };
    set_up(&state).await;

    let wrong_password = sign_in(&state, "dana@example.org", "not the password").await;
    let wrong_email = sign_in(&state, "nobody@example.org", PASSWORD).await;

    assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_email.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password.body, wrong_email.body);
    assert_eq!(
        wrong_password.body["error"],
        "The email or password is not correct."
    );
}

async fn repeated_failures_lock_the_email(backend: Backend) {
    let Some((state, _database)) = empty_state(backend).await else {
        return;
    };
    set_up(&state).await;

    for _ in 0..5 {
        let answer = sign_in(&state, "dana@example.org", "wrong guess 123").await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    let locked = sign_in(&state, "dana@example.org", PASSWORD).await;

    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(locked.body["code"], "too_many_attempts");
    assert!(locked.body["retry_after_seconds"].as_u64().unwrap_or(0) > 0);
    let other = sign_in(&state, "someone@example.org", PASSWORD).await;
    assert_eq!(
        other.status,
        StatusCode::UNAUTHORIZED,
        "another email is not locked"
    );
}

async fn sign_out_ends_the_session(backend: Backend) {
    let Some((state, _database)) = empty_state(backend).await else {
        return;
    };
    let cookie = set_up(&state).await;

    let signed_out = send(&state, "DELETE", "/api/session", Some(&cookie), None, &[]).await;
    let after = send(&state, "GET", "/api/plans", Some(&cookie), None, &[]).await;

    assert_eq!(signed_out.status, StatusCode::NO_CONTENT);
    assert!(signed_out
        .cookie
        .expect("a cleared cookie")
        .contains("Max-Age=0"));
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after.body["code"], "signed_out");
}

async fn password_change_ends_other_sessions(backend: Backend) {
    let Some((state, _database)) = empty_state(backend).await else {
        return;
    };
    let first = set_up(&state).await;
    let second = cookie_pair(
        &sign_in(&state, "dana@example.org", PASSWORD)
            .await
            .cookie
            .expect("a cookie"),
    );

    let changed = send(
        &state,
        "POST",
        "/api/account/password",
        Some(&second),
        Some(json!({"current_password": PASSWORD, "new_password": "a brand new passphrase"})),
        &[],
    )
    .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT);
    let renewed = cookie_pair(&changed.cookie.expect("a new cookie"));

    let old_first = send(&state, "GET", "/api/session", Some(&first), None, &[]).await;
    let old_second = send(&state, "GET", "/api/session", Some(&second), None, &[]).await;
    let new = send(&state, "GET", "/api/session", Some(&renewed), None, &[]).await;
    assert_eq!(old_first.status, StatusCode::UNAUTHORIZED);
    assert_eq!(old_second.status, StatusCode::UNAUTHORIZED);
    assert_eq!(new.status, StatusCode::OK);
    let with_old = sign_in(&state, "dana@example.org", PASSWORD).await;
    assert_eq!(with_old.status, StatusCode::UNAUTHORIZED);
}

async fn cross_site_writes_are_refused(backend: Backend) {
    let Some((state, _database)) = empty_state(backend).await else {
        return;
    };
    let cookie = set_up(&state).await;
    let school = json!({"name": "Lincoln Elementary"});

    let foreign = send(
        &state,
        "POST",
        "/api/schools",
        Some(&cookie),
        Some(school.clone()),
        &[("origin", "https://evil.example")],
    )
    .await;
    let fetch_metadata = send(
        &state,
        "POST",
        "/api/schools",
        Some(&cookie),
        Some(school.clone()),
        &[("sec-fetch-site", "cross-site")],
    )
    .await;
    let own = send(
        &state,
        "POST",
        "/api/schools",
        Some(&cookie),
        Some(school),
        &[("origin", "http://127.0.0.1:3000")],
    )
    .await;

    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    assert_eq!(foreign.body["code"], "cross_site_request");
    assert_eq!(fetch_metadata.status, StatusCode::FORBIDDEN);
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.body);
}

async fn an_invitation_sets_the_password_once(backend: Backend) {
    let Some((state, _database)) = empty_state(backend).await else {
        return;
    };
    let cookie = set_up(&state).await;
    let invited = send(
        &state,
        "POST",
        "/api/people",
        Some(&cookie),
        Some(json!({"email": "sam@example.org", "name": "Sam Member", "role": "team_member"})),
        &[],
    )
    .await;
    assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.body);
    let path = invited.body["invite_path"]
        .as_str()
        .expect("a path")
        .to_owned();
    let token = path
        .strip_prefix("/invite/")
        .expect("a link to the invite page");
    let api_path = format!("/api/invites/{token}");

    let details = send(&state, "GET", &api_path, None, None, &[]).await;
    assert_eq!(details.body["email"], "sam@example.org");
    let short = send(
        &state,
        "POST",
        &api_path,
        None,
        Some(json!({"password": "short"})),
        &[],
    )
    .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert!(
        short.body["error"]
            .as_str()
            .unwrap_or_default()
            .contains("10"),
        "{}",
        short.body
    );

    let accepted = send(
        &state,
        "POST",
        &api_path,
        None,
        Some(json!({"password": PASSWORD})),
        &[],
    )
    .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    assert!(accepted.cookie.is_some());
    let reused = send(
        &state,
        "POST",
        &api_path,
        None,
        Some(json!({"password": PASSWORD})),
        &[],
    )
    .await;
    assert_eq!(reused.status, StatusCode::NOT_FOUND);
    assert_eq!(reused.body["code"], "invite_not_found");
    assert_eq!(
        sign_in(&state, "sam@example.org", PASSWORD).await.status,
        StatusCode::OK
    );
}
