//! An in-process server for tests: a fresh SQLite file in a temporary
//! folder, the real router, and a listener on an ephemeral loopback port.

// Each test binary uses only some of these helpers.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use cairn_server::storage::{SqliteStorage, Storage};
use cairn_server::{app, AppState};
use sqlx::SqlitePool;
use tempfile::TempDir;
use tokio::task::JoinHandle;

/// A running server and the folder that holds its database.
pub struct TestServer {
    pub addr: SocketAddr,
    pub state: AppState,
    pub sqlite: SqliteStorage,
    serving: Option<JoinHandle<()>>,
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
        Self::start_with_state(sqlite, AppState::new(storage, "target/site")).await
    }

    /// Starts a server with a prepared `state`; `sqlite` is the database
    /// under it, for checking rows.
    pub async fn start_with_state(sqlite: SqliteStorage, state: AppState) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("an ephemeral loopback port");
        let addr = listener.local_addr().expect("the listener's address");

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
            serving: Some(serving),
        }
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
