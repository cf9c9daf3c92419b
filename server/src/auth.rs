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

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub use session::{CurrentPerson, SessionConfig};

/// Counts changes to access: shares, roles, schools, removals and ended
/// sessions. A WebSocket caches the access of its documents and checks
/// again when the counter has moved.
#[derive(Clone, Debug, Default)]
pub struct AccessEpoch(Arc<AtomicU64>);

impl AccessEpoch {
    /// The current value.
    pub fn current(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    /// Records that access changed.
    pub fn bump(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}
