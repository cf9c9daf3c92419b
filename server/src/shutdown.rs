//! Graceful shutdown: the signal that starts it, the flag that connections
//! watch, and the count of open WebSocket connections that it waits for.
//!
//! [`crate::serve`] runs the steps in order: stop accepting connections,
//! close every WebSocket with a close frame, stop the document tasks after
//! they finish storing, close the database pool.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tracing::{info, warn};

/// A flag that is set once, when the server starts shutting down. Clones
/// share the flag.
#[derive(Clone, Debug)]
pub struct ShutdownSignal {
    sender: Arc<watch::Sender<bool>>,
}

impl Default for ShutdownSignal {
    fn default() -> Self {
        Self::new()
    }
}

impl ShutdownSignal {
    /// Creates a flag that is not set.
    pub fn new() -> Self {
        let (sender, _) = watch::channel(false);
        Self {
            sender: Arc::new(sender),
        }
    }

    /// Sets the flag, waking every [`Self::wait`].
    pub fn trigger(&self) {
        self.sender.send_replace(true);
    }

    /// Returns whether the flag is set.
    pub fn is_triggered(&self) -> bool {
        *self.sender.borrow()
    }

    /// Waits until the flag is set. Returns at once if it already is.
    pub async fn wait(&self) {
        let mut receiver = self.sender.subscribe();
        // The sender lives as long as `self`, so `wait_for` cannot fail
        // with a closed channel here.
        let _ = receiver.wait_for(|triggered| *triggered).await;
    }
}

/// Counts the open WebSocket connections, so that shutdown can wait for
/// them to send their close frames.
#[derive(Clone, Debug)]
pub struct ConnectionTracker {
    /// Each open connection keeps a clone of this sender. `None` once
    /// shutdown started, so no new connection registers.
    open: Arc<Mutex<Option<mpsc::Sender<()>>>>,
    /// Yields `None` once every sender is dropped.
    all_closed: Arc<tokio::sync::Mutex<mpsc::Receiver<()>>>,
}

/// Held by an open connection; dropping it marks the connection closed.
#[derive(Debug)]
pub struct ConnectionGuard {
    _open: mpsc::Sender<()>,
}

impl Default for ConnectionTracker {
    fn default() -> Self {
        Self::new()
    }
}

impl ConnectionTracker {
    /// Creates a tracker with no connections.
    pub fn new() -> Self {
        let (open, all_closed) = mpsc::channel(1);
        Self {
            open: Arc::new(Mutex::new(Some(open))),
            all_closed: Arc::new(tokio::sync::Mutex::new(all_closed)),
        }
    }

    /// Registers a new connection, or returns `None` when shutdown has
    /// started and the connection should close at once.
    pub fn track(&self) -> Option<ConnectionGuard> {
        let open = self
            .open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        open.as_ref().map(|sender| ConnectionGuard {
            _open: sender.clone(),
        })
    }

    /// Stops registering connections and waits up to `timeout` for the open
    /// ones to close.
    pub async fn wait_closed(&self, timeout: Duration) {
        let sender = self
            .open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        drop(sender);

        let mut all_closed = self.all_closed.lock().await;
        match tokio::time::timeout(timeout, all_closed.recv()).await {
            Ok(_) => info!("every WebSocket connection is closed"),
            Err(_) => warn!(
                timeout_secs = timeout.as_secs(),
                "WebSocket connections still open after the timeout; going on with shutdown"
            ),
        }
    }
}

/// Waits for Ctrl-C (SIGINT) or, on Unix, SIGTERM.
pub async fn termination_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            warn!(%error, "listening for Ctrl-C failed; only SIGTERM stops the server");
            std::future::pending::<()>().await;
        }
    };

    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                terminate.recv().await;
            }
            Err(error) => {
                warn!(%error, "listening for SIGTERM failed; only Ctrl-C stops the server");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => info!("received Ctrl-C"),
        () = terminate => info!("received SIGTERM"),
    }
}
