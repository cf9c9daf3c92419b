//! An in-process server for tests: a fresh SQLite file in a temporary
//! folder, the real router, and a listener on an ephemeral loopback port.

// Each test binary uses only some of these helpers.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use cairn_server::accounts::{AccountStore, NewPerson, Person, PlanRecord, Role};
use cairn_server::auth::token::{new_token, token_hash};
use cairn_server::storage::{SqliteStorage, Storage};
use cairn_server::{app, AppState};
use cairn_sync::DocumentId;
use sqlx::SqlitePool;
use tempfile::TempDir;
use tokio::task::JoinHandle;

/// A running server and the folder that holds its database.
pub struct TestServer {
    pub addr: SocketAddr,
    pub state: AppState,
    pub sqlite: SqliteStorage,
    /// The district admin every test server starts with.
    pub admin: TestPerson,
    serving: Option<JoinHandle<()>>,
}

/// A signed-in person of a test server.
#[derive(Clone, Debug)]
pub struct TestPerson {
    /// Their record.
    pub person: Person,
    /// Their `Cookie` header value, `cairn_session=…`.
    pub cookie: String,
}

/// Creates a person with a session directly in the database; the
/// password is never used.
pub async fn create_person(
    accounts: &AccountStore,
    district: uuid::Uuid,
    role: Role,
    school_ids: &[uuid::Uuid],
) -> TestPerson {
    let email = format!("{role}-{}@example.org", uuid::Uuid::new_v4());
    create_person_with_email(accounts, district, role, school_ids, email).await
}

/// Like [`create_person`], with a chosen email.
pub async fn create_person_with_email(
    accounts: &AccountStore,
    district: uuid::Uuid,
    role: Role,
    school_ids: &[uuid::Uuid],
    email: String,
) -> TestPerson {
    let person = accounts
        .create_person(NewPerson {
            district_id: district,
            email,
            name: format!("Test {role}"),
            role,
            school_ids: school_ids.to_vec(),
            password_hash: Some("unused".to_owned()),
            invite_token_hash: None,
        })
        .await
        .expect("the person is created");
    let token = new_token();
    let far_future = i64::MAX / 2;
    accounts
        .create_session(&token_hash(&token), person.id, far_future)
        .await
        .expect("the session is created");
    TestPerson {
        person,
        cookie: format!("cairn_session={token}"),
    }
}

impl TestServer {
    /// Starts a server over a new database in a new temporary folder.
    pub async fn start() -> (Self, TempDir) {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let server = Self::start_on(database_path(&folder)).await;
        (server, folder)
    }

    /// Starts a server over the database file at `path`.
    pub async fn start_on(path: PathBuf) -> Self {
        let sqlite = SqliteStorage::open(&path)
            .await
            .expect("the database opens");
        Self::start_with(sqlite.clone(), Arc::new(sqlite)).await
    }

    /// Starts a server over `storage`; `sqlite` is the database under it,
    /// for checking rows.
    pub async fn start_with(sqlite: SqliteStorage, storage: Arc<dyn Storage>) -> Self {
        let accounts = AccountStore::new(sqlite.pool().clone());
        Self::start_with_state(sqlite, AppState::new(storage, accounts, "target/site")).await
    }

    /// Starts a server with a prepared `state`; `sqlite` is the database
    /// under it, for checking rows.
    pub async fn start_with_state(sqlite: SqliteStorage, state: AppState) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("an ephemeral loopback port");
        let addr = listener.local_addr().expect("the listener's address");

        let admin = match state.accounts.person_by_email("admin@example.org").await {
            Ok(Some((person, _))) => {
                let token = new_token();
                state
                    .accounts
                    .create_session(&token_hash(&token), person.id, i64::MAX / 2)
                    .await
                    .expect("the session is created");
                TestPerson {
                    person,
                    cookie: format!("cairn_session={token}"),
                }
            }
            _ => {
                let district = state
                    .accounts
                    .create_district("Test District")
                    .await
                    .expect("the district is created");
                create_person_with_email(
                    &state.accounts,
                    district.id,
                    Role::DistrictAdmin,
                    &[],
                    "admin@example.org".to_owned(),
                )
                .await
            }
        };

        let shutdown = state.shutdown.clone();
        let router = app(state.clone());
        let serving = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async move { shutdown.wait().await })
                .await
                .expect("the server runs");
        });

        Self {
            addr,
            state,
            sqlite,
            admin,
            serving: Some(serving),
        }
    }

    /// Records a new district-level plan and returns its id.
    pub async fn new_plan(&self) -> DocumentId {
        let id = DocumentId::new_random();
        let record = PlanRecord {
            district_id: self.admin.person.district_id,
            school_id: None,
        };
        self.state
            .accounts
            .create_plan(id, record, self.admin.person.id)
            .await
            .expect("the plan is recorded");
        self.state.access_epoch.bump();
        id
    }

    /// A sync client signed in as the district admin.
    pub async fn client(&self) -> super::client::SyncClient {
        super::client::SyncClient::connect(self.addr, &self.admin.cookie).await
    }

    /// The database, for checking rows.
    pub fn pool(&self) -> &SqlitePool {
        self.sqlite.pool()
    }

    /// Shuts down as `cairn serve` does: stop accepting, close the sockets,
    /// stop the document tasks, close the pool.
    pub async fn stop(mut self) {
        self.state.shutdown.trigger();
        if let Some(serving) = self.serving.take() {
            serving.await.expect("the server task ends");
        }
        self.state
            .connections
            .wait_closed(std::time::Duration::from_secs(10))
            .await;
        self.state.hub.shutdown().await;
        self.state.storage.close().await;
    }
}

/// The database file of a test folder.
pub fn database_path(folder: &TempDir) -> PathBuf {
    folder.path().join("data").join("cairn.db")
}
