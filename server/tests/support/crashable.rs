//! A test server that can be killed. It runs on a Tokio runtime of its own,
//! and killing it shuts that runtime down without waiting. So the listener,
//! every connection, the hub and its document tasks stop wherever they are,
//! and nothing is flushed or shut down in order. A transaction left open is
//! rolled back by SQLite, as after a crash of the process. A new server
//! can then start on the same database file.

// Each test binary uses only some of these helpers.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cairn_server::storage::SqlStorage;
use cairn_sync::DocumentId;
use tokio::runtime::Runtime;

use super::faulty_storage::{Faults, FaultyStorage};
use super::server::TestServer;

/// A running server over [`FaultyStorage`] on its own runtime.
pub struct CrashableServer {
    runtime: Option<Runtime>,
    server: Option<TestServer>,
    addr: SocketAddr,
    cookie: String,
}

impl CrashableServer {
    /// Starts a server over the database file at `path`, failing storage
    /// calls as `faults` decides. Must be awaited on another runtime.
    pub async fn start(path: &Path, faults: Arc<Faults>) -> Self {
        quiet_shutdown_panics();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name(THREAD_NAME)
            .enable_all()
            .build()
            .expect("the server's runtime starts");

        let path: PathBuf = path.to_path_buf();
        let server = runtime
            .spawn(async move {
                let sqlite = SqlStorage::open_sqlite(&path)
                    .await
                    .expect("the database opens");
                let storage = Arc::new(FaultyStorage::new(sqlite.clone(), faults));
                TestServer::start_with(sqlite, storage).await
            })
            .await
            .expect("the server starts");

        Self {
            addr: server.addr,
            cookie: server.admin.cookie.clone(),
            runtime: Some(runtime),
            server: Some(server),
        }
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The `Cookie` header of the district admin. Sessions are stored in
    /// the database, so it stays valid across restarts.
    pub fn cookie(&self) -> &str {
        &self.cookie
    }

    /// Records a new district-level plan and returns its id.
    pub async fn new_plan(&self) -> DocumentId {
        let accounts = self.server().state.accounts.clone();
        let epoch = self.server().state.access_epoch.clone();
        let admin = self.server().admin.person.clone();
        self.runtime()
            .spawn(async move {
                let id = DocumentId::new_random();
                let record = cairn_server::accounts::PlanRecord {
                    district_id: admin.district_id,
                    school_id: None,
                };
                accounts
                    .create_plan(id, record, admin.id)
                    .await
                    .expect("the plan is recorded");
                epoch.bump();
                id
            })
            .await
            .expect("the plan task ends")
    }

    /// Kills the server: its runtime stops at once, with no shutdown of the
    /// hub, the connections or the database pool.
    pub fn kill(self) {
        drop(self);
    }

    fn server(&self) -> &TestServer {
        self.server.as_ref().expect("the server runs")
    }

    fn runtime(&self) -> &Runtime {
        self.runtime.as_ref().expect("the server runs")
    }
}

/// The thread name of a crashable server's runtime.
const THREAD_NAME: &str = "crashable-server";

/// Keeps the panic messages of tasks that a kill interrupts out of the test
/// output. A task that polls a timer while its runtime shuts down panics
/// with "A Tokio 1.x context was found, but it is being shutdown"; the
/// runtime drops that task like the others. Every other panic is reported
/// as before.
fn quiet_shutdown_panics() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let report = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let on_server = std::thread::current().name() == Some(THREAD_NAME);
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|message| (*message).to_owned())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            if on_server && message.contains("is being shutdown") {
                return;
            }
            report(info);
        }));
    });
}

impl Drop for CrashableServer {
    fn drop(&mut self) {
        let Some(runtime) = self.runtime.take() else {
            return;
        };

        // Dropping the server's handles may start cleanup tasks, such as a
        // pooled connection going back to its pool. They go to the dying
        // runtime, which drops them.
        {
            let _inside = runtime.enter();
            drop(self.server.take());
        }
        runtime.shutdown_background();
    }
}
