//! Several `cairn serve` processes over one PostgreSQL database. Each test
//! starts two real server processes on their own loopback ports against a
//! fresh database, connects a sync client to each, and checks that the
//! changes made through one process reach the clients of the other without
//! reconnecting.
//!
//! The tests need `TEST_POSTGRES_URL`, such as
//! `postgres://postgres@127.0.0.1:5432/test`; without it they print that
//! they were skipped and pass.

#[path = "support/client.rs"]
mod client;
#[path = "support/process.rs"]
mod process;
#[path = "support/server.rs"]
mod server;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use automerge::ChangeHash;
use cairn_plan::PlanDocument;
use cairn_server::accounts::{PlanRecord, Role};
use cairn_server::storage;
use cairn_sync::DocumentId;
use sqlx::{Connection, Executor, PgConnection};
use tempfile::TempDir;

use client::SyncClient;
use process::{ServerProcess, CAIRN};
use server::{create_person, PostgresDatabase};

const LINCOLN_CSV: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../plan/tests/fixtures/lincoln-elementary-behavior-2026-27.csv"
);

/// Runs `cairn` with `args` on the database at `url`, writing `stdin` to
/// its standard input.
fn run_cairn(url: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(CAIRN)
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the cairn binary starts");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("stdin is written");
    child.wait_with_output().expect("the command finishes")
}

/// Two server processes over one fresh database that holds a district
/// admin with a session and one plan record.
struct TwoInstances {
    first: ServerProcess,
    second: ServerProcess,
    cookie: String,
    plan: DocumentId,
    // Dropped last: the processes stop before their database goes.
    _folder: TempDir,
    database: PostgresDatabase,
}

impl TwoInstances {
    /// Starts both processes, or returns `None` when `TEST_POSTGRES_URL`
    /// is unset.
    async fn start() -> Option<Self> {
        let database = PostgresDatabase::create().await?;
        let folder = tempfile::tempdir().expect("a temporary folder");
        // The first process applies the migrations; the second finds them
        // applied.
        let first = ServerProcess::start(&folder, &database.url).await;
        let second = ServerProcess::start(&folder, &database.url).await;

        let databases = storage::open(Some(&database.url))
            .await
            .expect("the shared database opens");
        let district = databases
            .accounts
            .create_district("Test District")
            .await
            .expect("the district is created");
        let admin = create_person(&databases.accounts, district.id, Role::DistrictAdmin, &[]).await;
        let plan = DocumentId::new_random();
        let record = PlanRecord {
            district_id: district.id,
            school_id: None,
        };
        databases
            .accounts
            .create_plan(plan, record, admin.person.id)
            .await
            .expect("the plan is recorded");
        databases.pool.close().await;

        Some(Self {
            first,
            second,
            cookie: admin.cookie,
            plan,
            _folder: folder,
            database,
        })
    }

    async fn client_of_first(&self) -> SyncClient {
        SyncClient::connect(self.first.addr, &self.cookie).await
    }

    async fn client_of_second(&self) -> SyncClient {
        SyncClient::connect(self.second.addr, &self.cookie).await
    }

    /// Closes the listening connections of both processes, as a network
    /// failure or a database restart would.
    async fn drop_listeners(&self) {
        let server_url = std::env::var("TEST_POSTGRES_URL").expect("TEST_POSTGRES_URL is set");
        let mut connection = PgConnection::connect(&server_url)
            .await
            .expect("the PostgreSQL server answers");
        let statement = format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{}' AND query LIKE 'LISTEN%'",
            self.database.name()
        );
        let terminated = connection
            .fetch_all(statement.as_str())
            .await
            .expect("the listeners are terminated");
        assert_eq!(terminated.len(), 2, "expected one listener per process");
        connection.close().await.ok();
    }
}

/// Opens the plan on a fresh client and waits until it has `heads`.
async fn fresh_client_reaches(mut client: SyncClient, plan: DocumentId, heads: &[ChangeHash]) {
    client.open(plan, PlanDocument::empty()).await;
    client
        .run_until("a fresh client to receive the converged plan", |client| {
            client.replica(plan).heads() == heads
        })
        .await;
}

/// Has `alice` set the plan's title and store it, then waits until `bob`,
/// a client of the other instance, receives it.
async fn title_reaches_other_client(
    alice: &mut SyncClient,
    bob: &mut SyncClient,
    plan: DocumentId,
    title: &str,
) {
    alice
        .edit(plan, |plan| plan.set_title(title).expect("title set"))
        .await;
    alice.wait_saved(plan).await;
    bob.run_until("bob to receive alice's title", |bob| {
        bob.replica(plan).snapshot().title == title
    })
    .await;
}

#[tokio::test]
async fn clients_of_two_instances_converge_on_one_plan() {
    let Some(instances) = TwoInstances::start().await else {
        return;
    };
    let plan = instances.plan;

    let mut alice = instances.client_of_first().await;
    let mut created = PlanDocument::create();
    created.set_title("Attendance plan").expect("title set");
    alice.open(plan, created).await;
    alice.wait_saved(plan).await;

    let mut bob = instances.client_of_second().await;
    bob.open(plan, PlanDocument::empty()).await;
    let alice_heads = alice.replica(plan).heads();
    bob.run_until("bob to receive alice's plan", |bob| {
        bob.replica(plan).heads() == alice_heads
    })
    .await;

    // Both edit at the same time, each through their own instance.
    alice
        .edit(plan, |plan| {
            plan.set_school("Lincoln Elementary").expect("school set")
        })
        .await;
    bob.edit(plan, |plan| {
        plan.set_focus_area("Attendance").expect("focus area set")
    })
    .await;
    alice.wait_saved(plan).await;
    bob.wait_saved(plan).await;

    alice
        .run_until("alice to receive bob's edit", |alice| {
            alice.replica(plan).snapshot().focus_area == "Attendance"
        })
        .await;
    bob.run_until("bob to receive alice's edit", |bob| {
        bob.replica(plan).snapshot().school == "Lincoln Elementary"
    })
    .await;
    let heads = alice.replica(plan).heads();
    bob.run_until("bob to reach alice's heads", |bob| {
        bob.replica(plan).heads() == heads
    })
    .await;

    assert_eq!(bob.replica(plan).heads(), heads);
    assert_eq!(bob.replica(plan).snapshot().title, "Attendance plan");
    fresh_client_reaches(instances.client_of_first().await, plan, &heads).await;
    fresh_client_reaches(instances.client_of_second().await, plan, &heads).await;
}

#[tokio::test]
async fn edit_on_one_instance_reaches_a_client_of_the_other() {
    let Some(instances) = TwoInstances::start().await else {
        return;
    };
    let plan = instances.plan;

    // Bob opens the plan first, so the second instance has it loaded
    // before anything is stored.
    let mut bob = instances.client_of_second().await;
    bob.open(plan, PlanDocument::empty()).await;

    let mut alice = instances.client_of_first().await;
    let mut created = PlanDocument::create();
    created.set_title("Reading plan").expect("title set");
    alice.open(plan, created).await;
    alice.wait_saved(plan).await;
    bob.run_until("bob to receive alice's plan", |bob| {
        bob.replica(plan).snapshot().title == "Reading plan"
    })
    .await;

    title_reaches_other_client(&mut alice, &mut bob, plan, "Reading plan, grades 3-5").await;

    assert_eq!(bob.replica(plan).heads(), alice.replica(plan).heads());
}

#[tokio::test]
async fn edits_still_spread_after_the_listeners_reconnect() {
    let Some(instances) = TwoInstances::start().await else {
        return;
    };
    let plan = instances.plan;

    let mut alice = instances.client_of_first().await;
    alice.open(plan, PlanDocument::create()).await;
    alice.wait_saved(plan).await;
    let mut bob = instances.client_of_second().await;
    bob.open(plan, PlanDocument::empty()).await;
    let alice_heads = alice.replica(plan).heads();
    bob.run_until("bob to receive alice's plan", |bob| {
        bob.replica(plan).heads() == alice_heads
    })
    .await;

    instances.drop_listeners().await;
    title_reaches_other_client(
        &mut alice,
        &mut bob,
        plan,
        "Written while the listeners were down",
    )
    .await;
    assert_eq!(bob.replica(plan).heads(), alice.replica(plan).heads());
}

#[tokio::test]
async fn commands_run_on_postgres() {
    let Some(database) = PostgresDatabase::create().await else {
        return;
    };

    let created = run_cairn(
        &database.url,
        &[
            "admin",
            "create-user",
            "--email",
            "admin@example.org",
            "--role",
            "district-admin",
            "--district",
            "Test District",
        ],
        "correct horse battery staple\n",
    );
    let imported = run_cairn(&database.url, &["import", LINCOLN_CSV], "");
    let import_output = String::from_utf8_lossy(&imported.stdout).into_owned();
    let id = import_output.lines().last().unwrap_or_default().to_owned();
    let exported = run_cairn(&database.url, &["export", &id, "--format", "json"], "");
    let json: serde_json::Value =
        serde_json::from_slice(&exported.stdout).unwrap_or(serde_json::Value::Null);

    assert!(
        created.status.success(),
        "create-user failed: {}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(
        imported.status.success(),
        "import failed: {}",
        String::from_utf8_lossy(&imported.stderr)
    );
    assert!(
        exported.status.success(),
        "export failed: {}",
        String::from_utf8_lossy(&exported.stderr)
    );
    assert_eq!(json["goals"].as_array().map(Vec::len), Some(3));
    assert_eq!(json["actions"].as_array().map(Vec::len), Some(8));
}
