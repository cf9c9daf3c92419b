//! The limits on what one sync connection may ask of the server, so that
//! no client, buggy or hostile, can take a share of the server that the
//! others then lack:
//!
//! - a frame is at most [`cairn_sync::MAX_FRAME_BYTES`] (checked by the
//!   decoder and the WebSocket library);
//! - a connection has at most [`MAX_OPEN_DOCUMENTS`] documents open;
//! - a connection sends at most [`MESSAGE_BURST`] messages at once and
//!   [`MESSAGES_PER_SECOND`] after that;
//! - a plan's stored size stays under [`MAX_PLAN_BYTES`];
//! - `Ephemeral` data has its own, lower limits in
//!   [`crate::ephemeral_limit`].
//!
//! Each limit is far above what the browser app does, and each refusal
//! names the limit and what to do, with its own error code. The queues
//! between connections and document tasks are bounded too: a client that
//! does not read is disconnected (see [`crate::ws`]), so it cannot hold up
//! the other peers of a document.

use std::time::{Duration, Instant};

use cairn_sync::ErrorCode;

/// The number of documents one connection may have open at once.
///
/// The browser opens every plan kept on the device, so a coach with many
/// plans offline opens them all on one connection. A thousand is far more
/// plans than one person works on.
pub const MAX_OPEN_DOCUMENTS: usize = 1_000;

/// The number of messages a connection may send at once after a quiet
/// period. A browser that reconnects sends an `Open` and a `Sync` for each
/// plan, so the burst covers [`MAX_OPEN_DOCUMENTS`] twice over.
pub const MESSAGE_BURST: u32 = 2_500;

/// The sustained number of messages per second a connection may send. A
/// person typing sends a few sync messages per second per plan.
pub const MESSAGES_PER_SECOND: u32 = 200;

/// The largest stored size of a plan, in bytes: the snapshot plus the
/// change rows not yet compacted into it.
///
/// A new replica receives the whole plan in one frame, which is at most
/// [`cairn_sync::MAX_FRAME_BYTES`] (16 MiB), and change rows take more
/// room than the compacted form, so the limit leaves room for both. A real
/// plan, with years of progress monitoring, stays under one MiB.
pub const MAX_PLAN_BYTES: u64 = 8 * 1024 * 1024;

/// A refusal of a message because of a connection limit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LimitExceeded {
    /// The connection sent messages faster than [`MESSAGES_PER_SECOND`].
    #[error(
        "too many messages on this connection: at most {burst} at once and {per_second} per \
         second are accepted; this one was dropped, so slow down and send it again"
    )]
    TooManyMessages {
        /// [`MESSAGE_BURST`].
        burst: u32,
        /// [`MESSAGES_PER_SECOND`].
        per_second: u32,
    },

    /// The connection already has [`MAX_OPEN_DOCUMENTS`] open.
    #[error(
        "this connection already has {open} documents open, the most the server allows; close \
         one before opening another"
    )]
    TooManyDocuments {
        /// The number of documents open.
        open: usize,
    },

    /// The changes would make the plan larger than [`MAX_PLAN_BYTES`].
    #[error(
        "these changes would make the plan {size} bytes, over the limit of {max} bytes; they \
         were not applied. Remove content from the plan, or split it into two plans"
    )]
    PlanTooLarge {
        /// The stored size the plan would have, in bytes.
        size: u64,
        /// [`MAX_PLAN_BYTES`].
        max: u64,
    },
}

impl LimitExceeded {
    /// Returns the error code sent to the client.
    pub fn code(&self) -> ErrorCode {
        match self {
            LimitExceeded::TooManyMessages { .. } => ErrorCode::RateLimited,
            LimitExceeded::TooManyDocuments { .. } => ErrorCode::TooManyDocuments,
            LimitExceeded::PlanTooLarge { .. } => ErrorCode::PlanTooLarge,
        }
    }
}

/// Checks that a plan of `stored` bytes can take `added` more.
///
/// # Errors
///
/// [`LimitExceeded::PlanTooLarge`] when the sum is over [`MAX_PLAN_BYTES`].
pub fn check_plan_size(stored: u64, added: u64) -> Result<(), LimitExceeded> {
    let size = stored.saturating_add(added);
    if added > 0 && size > MAX_PLAN_BYTES {
        return Err(LimitExceeded::PlanTooLarge {
            size,
            max: MAX_PLAN_BYTES,
        });
    }
    Ok(())
}

/// A token bucket: `burst` events at once, then `per_second` on average.
/// The caller passes the current time, so tests control the clock.
#[derive(Debug)]
pub struct TokenBucket {
    burst: u32,
    per_second: u32,
    /// The number of events allowed now. It refills at `per_second` up to
    /// `burst`.
    tokens: f64,
    refilled_at: Instant,
}

impl TokenBucket {
    /// Creates a full bucket.
    pub fn new(burst: u32, per_second: u32, now: Instant) -> Self {
        Self {
            burst,
            per_second,
            tokens: f64::from(burst),
            refilled_at: now,
        }
    }

    /// Takes one token and returns `true`, or returns `false` when the
    /// bucket is empty.
    pub fn take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.refilled_at);
        self.refilled_at = now;
        self.tokens = (self.tokens + self.refill(elapsed)).min(f64::from(self.burst));

        if self.tokens < 1.0 {
            return false;
        }
        self.tokens -= 1.0;
        true
    }

    fn refill(&self, elapsed: Duration) -> f64 {
        elapsed.as_secs_f64() * f64::from(self.per_second)
    }
}

/// The message rate limit of one connection.
#[derive(Debug)]
pub struct MessageLimiter {
    bucket: TokenBucket,
}

impl MessageLimiter {
    /// Creates a limiter with a full bucket.
    pub fn new(now: Instant) -> Self {
        Self {
            bucket: TokenBucket::new(MESSAGE_BURST, MESSAGES_PER_SECOND, now),
        }
    }

    /// Counts one message.
    ///
    /// # Errors
    ///
    /// [`LimitExceeded::TooManyMessages`] when the connection is over the
    /// rate; the message is then dropped.
    pub fn check(&mut self, now: Instant) -> Result<(), LimitExceeded> {
        if self.bucket.take(now) {
            Ok(())
        } else {
            Err(LimitExceeded::TooManyMessages {
                burst: MESSAGE_BURST,
                per_second: MESSAGES_PER_SECOND,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_limiter_burst_then_rate() {
        let start = Instant::now();
        let mut limiter = MessageLimiter::new(start);

        for sent in 0..MESSAGE_BURST {
            assert_eq!(limiter.check(start), Ok(()), "message {sent}");
        }
        let refused = limiter.check(start).unwrap_err();
        assert_eq!(refused.code(), ErrorCode::RateLimited);

        let one_second_later = start + Duration::from_secs(1);
        let accepted = (0..MESSAGES_PER_SECOND * 2)
            .filter(|_| limiter.check(one_second_later).is_ok())
            .count();
        assert_eq!(accepted, MESSAGES_PER_SECOND as usize);
    }

    #[test]
    fn token_bucket_capped_at_burst() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(3, 1, start);
        let much_later = start + Duration::from_secs(3_600);

        let taken = (0..10).filter(|_| bucket.take(much_later)).count();

        assert_eq!(taken, 3);
    }

    #[test]
    fn plan_size_counts_added_bytes() {
        assert_eq!(check_plan_size(MAX_PLAN_BYTES - 10, 10), Ok(()));
        assert_eq!(
            check_plan_size(MAX_PLAN_BYTES - 10, 11),
            Err(LimitExceeded::PlanTooLarge {
                size: MAX_PLAN_BYTES + 1,
                max: MAX_PLAN_BYTES,
            })
        );

        // A plan already over the limit, as after the limit was lowered,
        // still syncs messages that add nothing.
        assert_eq!(check_plan_size(MAX_PLAN_BYTES * 2, 0), Ok(()));
    }

    #[test]
    fn limit_errors_name_the_limit() {
        let too_many = LimitExceeded::TooManyDocuments {
            open: MAX_OPEN_DOCUMENTS,
        };
        assert_eq!(too_many.code(), ErrorCode::TooManyDocuments);
        assert!(too_many.to_string().contains("1000 documents open"));

        let too_large = check_plan_size(MAX_PLAN_BYTES, 1).unwrap_err();
        assert_eq!(too_large.code(), ErrorCode::PlanTooLarge);
        assert!(too_large.to_string().contains("8388608 bytes"));
    }
}
