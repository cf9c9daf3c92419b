//! `cairn serve`: opens the database, listens, and on a termination signal
//! shuts down in order.
//!
//! Shutdown steps, each logged:
//!
//! 1. stop accepting connections and finish the HTTP requests under way;
//! 2. close every WebSocket with a close frame;
//! 3. let every document task store what it is storing, then stop it;
//! 4. stop the change listener (PostgreSQL only) and close the database
//!    pool.
//!
//! With PostgreSQL, the server also runs
//! [`storage::listener::listen_for_changes`], so that the changes other
//! server processes store reach this process's peers.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tracing::{info, warn};

use crate::storage::{self, DatabaseUrl, Storage, StorageError};
use crate::{app, AppState};

/// How long shutdown waits for WebSocket connections to close.
const CONNECTION_CLOSE_TIMEOUT: Duration = Duration::from_secs(10);

/// The settings of `cairn serve`.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The address to listen on.
    pub addr: SocketAddr,
    /// The folder with the built site (`pkg/`, CSS, public files).
    pub site_root: String,
    /// The value of `DATABASE_URL`, or `None` for the default file.
    pub database_url: Option<String>,
}

/// The error type of [`serve`].
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The database could not be opened.
    #[error(transparent)]
    Storage(#[from] StorageError),

    /// The address is taken or not available.
    #[error("could not listen on {addr}: {source}; pick another address with --addr")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The error from the operating system.
        source: std::io::Error,
    },

    /// The HTTP server failed while running.
    #[error("the HTTP server failed: {0}")]
    Http(std::io::Error),
}

/// Brings the plan index rows written by an older version up to date, in
/// the background, so the server answers at once after an upgrade.
async fn refresh_index(storage: Arc<dyn Storage>) {
    match storage::refresh_stale_index(storage.as_ref()).await {
        Ok(0) => {}
        Ok(plans) => info!(
            plans,
            "recomputed the dashboard figures of plans indexed by an older version"
        ),
        Err(error) => warn!(%error, "could not list the plan index rows to recompute"),
    }
}

/// Runs the server until `signal` completes, then shuts down in order.
///
/// # Errors
///
/// [`ServeError`] when the database cannot be opened, the address cannot
/// be bound, or the HTTP server fails.
pub async fn serve(
    options: ServeOptions,
    signal: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let databases = storage::open(options.database_url.as_deref()).await?;

    let listener = TcpListener::bind(options.addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: options.addr,
            source,
        })?;
    let local_addr = listener.local_addr().unwrap_or(options.addr);

    let state = AppState::new(databases.documents, databases.accounts, &options.site_root);
    tokio::spawn(refresh_index(Arc::clone(&state.storage)));
    let change_listener = match DatabaseUrl::parse(options.database_url.as_deref())? {
        DatabaseUrl::Postgres { url } => Some(tokio::spawn(storage::listener::listen_for_changes(
            url,
            databases.pool.instance(),
            state.hub.clone(),
        ))),
        DatabaseUrl::Sqlite { .. } => None,
    };
    let shutdown = state.shutdown.clone();
    let stop_accepting = async move {
        signal.await;
        info!("shutting down: no longer accepting connections");
        shutdown.trigger();
    };

    info!(
        version = env!("CARGO_PKG_VERSION"),
        addr = %local_addr,
        site_root = %options.site_root,
        "listening"
    );
    axum::serve(
        listener,
        app(state.clone()).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop_accepting)
    .await
    .map_err(ServeError::Http)?;
    info!("HTTP requests finished; closing WebSocket connections");

    state
        .connections
        .wait_closed(CONNECTION_CLOSE_TIMEOUT)
        .await;
    state.hub.shutdown().await;

    if let Some(change_listener) = change_listener {
        change_listener.abort();
    }
    state.storage.close().await;
    info!("database closed; server stopped");
    Ok(())
}
