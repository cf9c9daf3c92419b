//! The limits on the `Ephemeral` messages of one connection: the size of
//! their data and their rate.
//!
//! The server relays presence data to every other connection of the
//! document without reading it, so a connection that sent large or frequent
//! data would cost every peer as much. Presence in the browser sends one
//! small message per open plan every few seconds and one more when the tab
//! moves to another section, which stays far below both limits.

use std::time::Instant;

use cairn_sync::{ErrorCode, MAX_EPHEMERAL_BYTES};

use crate::limits::TokenBucket;

/// The number of `Ephemeral` messages a connection may send at once after
/// a quiet period.
pub const EPHEMERAL_BURST: u32 = 20;

/// The sustained rate of `Ephemeral` messages a connection may send.
pub const EPHEMERAL_PER_SECOND: u32 = 5;

/// The reason an `Ephemeral` message was not relayed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EphemeralRejection {
    /// The data is over [`MAX_EPHEMERAL_BYTES`].
    #[error("ephemeral data of {size} bytes is over the limit of {max} bytes; it was not relayed")]
    TooLarge {
        /// The size of the data received, in bytes.
        size: usize,
        /// The maximum size, in bytes.
        max: usize,
    },

    /// The connection sent more messages than the rate allows.
    #[error(
        "too many ephemeral messages: at most {burst} at once and {per_second} per second are \
         relayed; this one was dropped"
    )]
    RateLimited {
        /// [`EPHEMERAL_BURST`].
        burst: u32,
        /// [`EPHEMERAL_PER_SECOND`].
        per_second: u32,
    },
}

impl EphemeralRejection {
    /// Returns the error code sent to the client.
    pub fn code(&self) -> ErrorCode {
        match self {
            EphemeralRejection::TooLarge { .. } => ErrorCode::FrameTooLarge,
            EphemeralRejection::RateLimited { .. } => ErrorCode::RateLimited,
        }
    }
}

/// A token bucket over one connection's `Ephemeral` messages. The caller
/// passes the current time, so tests control the clock.
#[derive(Debug)]
pub struct EphemeralLimiter {
    bucket: TokenBucket,
}

impl EphemeralLimiter {
    /// Creates a limiter with a full bucket.
    pub fn new(now: Instant) -> Self {
        Self {
            bucket: TokenBucket::new(EPHEMERAL_BURST, EPHEMERAL_PER_SECOND, now),
        }
    }

    /// Checks one message whose data is `size` bytes long, and counts it
    /// against the rate when it is accepted. A message rejected for its
    /// size does not count.
    ///
    /// # Errors
    ///
    /// [`EphemeralRejection::TooLarge`] or
    /// [`EphemeralRejection::RateLimited`].
    pub fn check(&mut self, size: usize, now: Instant) -> Result<(), EphemeralRejection> {
        if size > MAX_EPHEMERAL_BYTES {
            return Err(EphemeralRejection::TooLarge {
                size,
                max: MAX_EPHEMERAL_BYTES,
            });
        }
        if !self.bucket.take(now) {
            return Err(EphemeralRejection::RateLimited {
                burst: EPHEMERAL_BURST,
                per_second: EPHEMERAL_PER_SECOND,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn burst_passes_then_limits() {
        let start = Instant::now();
        let mut limiter = EphemeralLimiter::new(start);

        for sent in 0..EPHEMERAL_BURST {
            assert_eq!(limiter.check(100, start), Ok(()), "message {sent}");
        }

        let rejected = limiter.check(100, start).unwrap_err();
        assert_eq!(rejected.code(), ErrorCode::RateLimited);
    }

    #[test]
    fn bucket_refills_over_time() {
        let start = Instant::now();
        let mut limiter = EphemeralLimiter::new(start);
        for _ in 0..EPHEMERAL_BURST {
            limiter.check(10, start).expect("within the burst");
        }

        let one_token_later =
            start + Duration::from_millis(1_000 / u64::from(EPHEMERAL_PER_SECOND));

        assert_eq!(limiter.check(10, one_token_later), Ok(()));
        assert!(limiter.check(10, one_token_later).is_err());
    }

    #[test]
    fn bucket_never_exceeds_burst() {
        let start = Instant::now();
        let mut limiter = EphemeralLimiter::new(start);
        let much_later = start + Duration::from_secs(3_600);

        let accepted = (0..EPHEMERAL_BURST * 2)
            .filter(|_| limiter.check(10, much_later).is_ok())
            .count();

        assert_eq!(accepted, EPHEMERAL_BURST as usize);
    }

    #[test]
    fn oversized_data_is_rejected_without_counting() {
        let start = Instant::now();
        let mut limiter = EphemeralLimiter::new(start);

        let rejected = limiter.check(MAX_EPHEMERAL_BYTES + 1, start).unwrap_err();

        assert_eq!(
            rejected,
            EphemeralRejection::TooLarge {
                size: MAX_EPHEMERAL_BYTES + 1,
                max: MAX_EPHEMERAL_BYTES,
            }
        );
        assert_eq!(rejected.code(), ErrorCode::FrameTooLarge);
        assert_eq!(limiter.check(MAX_EPHEMERAL_BYTES, start), Ok(()));
        for _ in 1..EPHEMERAL_BURST {
            assert_eq!(limiter.check(1, start), Ok(()));
        }
    }
}
