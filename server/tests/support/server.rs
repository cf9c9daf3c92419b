//! An in-process server for tests: a fresh database (a SQLite file in a
//! temporary folder, or a PostgreSQL database of its own), the real router,
//! and a listener on an ephemeral loopback port.
//!
//! Tests that run on both backends take a [`Backend`] and are listed in
//! [`on_both_backends!`]. PostgreSQL tests need `TEST_POSTGRES_URL`, such
//! as `postgres://postgres@127.0.0.1:5432/test`; without it they print that
//! they were skipped and pass.

// Each test binary uses only some of these helpers.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use cairn_server::accounts::{AccountStore, NewPerson, Person, PlanRecord, Role};
use cairn_server::auth::token::{new_token, token_hash};
use cairn_server::storage::{Backend, DbPool, SqlStorage, Storage};
use cairn_server::{app, AppState};
use cairn_sync::DocumentId;
use sqlx::{AnyPool, Connection, Executor, PgConnection};
use tempfile::TempDir;
use tokio::task::JoinHandle;

/// A running server and the folder that holds its database.
pub struct TestServer {
    pub addr: SocketAddr,
    pub state: AppState,
    pub sql: SqlStorage,
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

    /// Starts a server over a new database of `backend`, or returns
    /// `None`, having printed why, when `backend` is PostgreSQL and
    /// `TEST_POSTGRES_URL` is unset.
    pub async fn start_for(backend: Backend) -> Option<(Self, TestDatabase)> {
        let database = TestDatabase::create(backend).await?;
        let server = Self::start_over(&database).await;
        Some((server, database))
    }

    /// Starts a server over an existing test database, as after a restart.
    pub async fn start_over(database: &TestDatabase) -> Self {
        let sql = database.open().await;
        Self::start_with(sql.clone(), Arc::new(sql)).await
    }

    /// Starts a server over the database file at `path`.
    pub async fn start_on(path: PathBuf) -> Self {
        let sql = SqlStorage::open_sqlite(&path)
            .await
            .expect("the database opens");
        Self::start_with(sql.clone(), Arc::new(sql)).await
    }

    /// Starts a server over `storage`; `sql` is the database under it, for
    /// checking rows.
    pub async fn start_with(sql: SqlStorage, storage: Arc<dyn Storage>) -> Self {
        let accounts = AccountStore::new(sql.pool().clone());
        Self::start_with_state(sql, AppState::new(storage, accounts, "target/site")).await
    }

    /// Starts a server with a prepared `state`; `sql` is the database under
    /// it, for checking rows.
    pub async fn start_with_state(sql: SqlStorage, state: AppState) -> Self {
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
            sql,
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

    /// The database, for checking rows. Queries use `$N` placeholders, so
    /// that they run on both backends.
    pub fn pool(&self) -> &AnyPool {
        self.sql.pool().sqlx()
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

/// The database of a test server. A PostgreSQL database is dropped when
/// this value is dropped, even after a failed assertion.
pub enum TestDatabase {
    /// The temporary folder that holds the SQLite file.
    Sqlite(TempDir),
    /// A PostgreSQL database of the test's own.
    Postgres(PostgresDatabase),
}

impl TestDatabase {
    /// Creates an empty database of `backend`, or returns `None`, having
    /// printed why, when `backend` is PostgreSQL and `TEST_POSTGRES_URL` is
    /// unset.
    pub async fn create(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => Some(Self::Sqlite(
                tempfile::tempdir().expect("a temporary folder"),
            )),
            Backend::Postgres => PostgresDatabase::create().await.map(Self::Postgres),
        }
    }

    /// The value of `DATABASE_URL` that names this database.
    pub fn url(&self) -> String {
        match self {
            Self::Sqlite(folder) => database_path(folder).display().to_string(),
            Self::Postgres(database) => database.url.clone(),
        }
    }

    /// Opens the database and applies the migrations.
    pub async fn open(&self) -> SqlStorage {
        let pool = match self {
            Self::Sqlite(folder) => DbPool::open_sqlite(&database_path(folder)).await,
            Self::Postgres(database) => DbPool::open_postgres(&database.url).await,
        };
        SqlStorage::new(pool.expect("the database opens"))
    }
}

/// A database named `cairn_test_<uuid>` on the PostgreSQL server that
/// `TEST_POSTGRES_URL` names, so that tests run in parallel.
pub struct PostgresDatabase {
    /// Its URL.
    pub url: String,
    name: String,
    server_url: String,
}

impl PostgresDatabase {
    /// Creates the database, or returns `None`, having printed that the
    /// test is skipped, when `TEST_POSTGRES_URL` is unset.
    pub async fn create() -> Option<Self> {
        let Ok(server_url) = std::env::var("TEST_POSTGRES_URL") else {
            eprintln!("skipped: set TEST_POSTGRES_URL (such as postgres://postgres@127.0.0.1:5432/test) to run this test on PostgreSQL");
            return None;
        };
        let name = format!("cairn_test_{}", uuid::Uuid::new_v4().simple());
        let mut connection = PgConnection::connect(&server_url)
            .await
            .expect("TEST_POSTGRES_URL names a reachable PostgreSQL server");
        connection
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("the test database is created");
        connection.close().await.ok();

        let (server, query) = match server_url.split_once('?') {
            Some((server, query)) => (server, format!("?{query}")),
            None => (server_url.as_str(), String::new()),
        };
        let (server, _database) = server
            .rsplit_once('/')
            .expect("TEST_POSTGRES_URL ends with /DATABASE");
        let url = format!("{server}/{name}{query}");
        Some(Self {
            url,
            name,
            server_url,
        })
    }
}

impl PostgresDatabase {
    /// The database's name, `cairn_test_…`.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        let server_url = self.server_url.clone();
        let statement = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop cannot wait on the test's runtime, so a thread of its own
        // drops the database.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime to drop the test database");
            runtime.block_on(async {
                let mut connection = PgConnection::connect(&server_url).await?;
                connection.execute(statement.as_str()).await?;
                connection.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop the test database {}", self.name);
        }
    }
}

/// Generates, for each `async fn name(backend: Backend)` listed, the tests
/// `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(cairn_server::storage::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(cairn_server::storage::Backend::Postgres).await;
                }
            )*
        }
    };
}
