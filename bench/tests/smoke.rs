//! A smoke test of the load generator against an in-process Cairn server
//! over a real SQLite file and real WebSockets on loopback: a few clients
//! edit for a few seconds, and every edit must reach every peer of its plan.
//! It checks counts only, never times.

use std::sync::Arc;
use std::time::Duration;

use cairn_bench::cairn::CairnTarget;
use cairn_bench::load::{self, Workload};
use cairn_plan::PlanDocument;
use cairn_server::accounts::{AccountStore, NewPerson, PlanRecord, Role};
use cairn_server::auth::token::{new_token, token_hash};
use cairn_server::storage::SqlStorage;
use cairn_server::{app, AppState};
use cairn_sync::DocumentId;

/// Starts a server with one district admin and `plans` registered plans,
/// and returns the target that the generator connects to.
async fn start_server(folder: &tempfile::TempDir, plans: usize) -> CairnTarget {
    let sqlite = SqlStorage::open_sqlite(&folder.path().join("cairn.db"))
        .await
        .expect("the database opens");
    let accounts = AccountStore::new(sqlite.pool().clone());
    let state = AppState::new(Arc::new(sqlite), accounts, "target/site");

    let district = state
        .accounts
        .create_district("Smoke District")
        .await
        .expect("the district is created");
    let person = state
        .accounts
        .create_person(NewPerson {
            district_id: district.id,
            email: "smoke-admin@example.org".to_owned(),
            name: "Smoke Admin".to_owned(),
            role: Role::DistrictAdmin,
            school_ids: Vec::new(),
            password_hash: Some("unused".to_owned()),
            invite_token_hash: None,
        })
        .await
        .expect("the person is created");
    let token = new_token();
    state
        .accounts
        .create_session(&token_hash(&token), person.id, i64::MAX / 2)
        .await
        .expect("the session is created");

    let mut plan_ids = Vec::new();
    for _ in 0..plans {
        let id = DocumentId::new_random();
        let record = PlanRecord {
            district_id: district.id,
            school_id: None,
        };
        state
            .accounts
            .create_plan(id, record, person.id)
            .await
            .expect("the plan is recorded");
        plan_ids.push(id);
    }
    state.access_epoch.bump();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("an ephemeral loopback port");
    let addr = listener.local_addr().expect("the listener's address");
    tokio::spawn(async move {
        axum::serve(listener, app(state))
            .await
            .expect("the server runs");
    });

    CairnTarget::new(addr, format!("cairn_session={token}"), plan_ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_edit_reaches_every_peer() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let workload = Workload {
        clients: 6,
        plans: 2,
        edit_interval: Duration::from_millis(300),
        warmup: Duration::from_secs(1),
        duration: Duration::from_secs(2),
        drain: Duration::from_secs(30),
    };
    let seeding = Workload {
        clients: 2,
        warmup: Duration::ZERO,
        duration: Duration::ZERO,
        drain: Duration::ZERO,
        ..workload.clone()
    };
    let initial_docs: Vec<Vec<u8>> = (0..workload.plans)
        .map(|_| PlanDocument::create().save())
        .collect();
    let target = Arc::new(start_server(&folder, workload.plans).await);
    let pid = std::process::id();

    load::run(target.clone(), pid, &seeding, &initial_docs)
        .await
        .expect("the plans are seeded");
    let result = load::run(target, pid, &workload, &initial_docs)
        .await
        .expect("the run finishes");

    assert!(result.edits_sent > 0, "no edit was timed");
    assert_eq!(result.edits_delivered, result.edits_sent);
    let peers_per_edit = 2;
    assert_eq!(
        result.latencies.count() as u64,
        result.edits_sent * peers_per_edit
    );
    assert!(result.errors.is_empty(), "{:?}", result.errors);
}
