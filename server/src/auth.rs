//! Sign-in, sessions and the checks that every request passes.
//!
//! - [`password`]: Argon2id hashing on a blocking thread.
//! - [`token`]: random tokens for sessions and invitations, stored hashed.
//! - [`session`]: the `cairn_session` cookie and the [`CurrentPerson`]
//!   extractor that every signed-in route takes.
//! - [`origin`]: the cross-site request check for state-changing requests
//!   and the `Origin` check of the sync WebSocket.
//! - [`rate_limit`]: failed sign-ins per email and per network address.
//! - [`AccessEpoch`]: a counter bumped whenever access changes, so open
//!   WebSockets know to check again.

pub mod origin;
pub mod password;
pub mod rate_limit;
pub mod session;
pub mod token;

use tokio::sync::watch;

pub use session::{CurrentPerson, SessionConfig};

/// Counts changes to access: shares, roles, schools, removals and ended
/// sessions. A WebSocket caches the access of its documents, and checks
/// again as soon as the counter moves, so a person whose access ended stops
/// receiving changes at once.
#[derive(Clone, Debug)]
pub struct AccessEpoch(watch::Sender<u64>);

impl Default for AccessEpoch {
    fn default() -> Self {
        Self(watch::Sender::new(0))
    }
}

impl AccessEpoch {
    /// The current value.
    pub fn current(&self) -> u64 {
        *self.0.borrow()
    }

    /// Records that access changed and wakes every subscriber.
    pub fn bump(&self) {
        self.0.send_modify(|epoch| *epoch += 1);
    }

    /// A receiver that wakes on every later [`AccessEpoch::bump`].
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.0.subscribe()
    }
}
