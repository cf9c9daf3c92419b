//! Limits on failed sign-ins, per email and per network address.
//!
//! Each key keeps the times of its failures within the window. Sign-in is
//! refused while a key has reached its limit, whatever the password, so
//! guessing is slow even for someone who spreads guesses over addresses or
//! over emails. [`SignInLimiter::try_begin`] counts an attempt as a failure
//! before the password is checked, so many attempts sent at once cannot
//! all slip under the limit; a success then takes it back.
//!
//! NOTE: the address is the TCP peer's. Behind a reverse proxy every
//! person shares the proxy's address, so the per-address limit then applies
//! to everyone at once; reading `X-Forwarded-For` needs a setting that says
//! the proxy is trusted, which does not exist yet.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The failures counted per email within [`WINDOW`].
pub const FAILURES_PER_EMAIL: usize = 5;

/// The failures counted per network address within [`WINDOW`].
pub const FAILURES_PER_ADDRESS: usize = 20;

/// How far back failures count.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// The most keys kept; past this the oldest windows are dropped first, so
/// a flood of random emails cannot grow memory without bound.
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Default)]
struct Failures {
    by_key: HashMap<String, VecDeque<Instant>>,
}

impl Failures {
    fn prune(&mut self, now: Instant) {
        self.by_key.retain(|_, times| {
            while times
                .front()
                .is_some_and(|&time| now.duration_since(time) >= WINDOW)
            {
                times.pop_front();
            }
            !times.is_empty()
        });
    }

    /// How long `key` must wait, if it reached `limit`.
    fn wait(&self, key: &str, limit: usize, now: Instant) -> Option<Duration> {
        let times = self.by_key.get(key)?;
        if times.len() < limit {
            return None;
        }
        let oldest = times[times.len() - limit];
        Some(WINDOW.saturating_sub(now.duration_since(oldest)))
    }
}

/// The failed sign-ins of the last [`WINDOW`], shared by every request.
#[derive(Clone, Debug, Default)]
pub struct SignInLimiter {
    failures: Arc<Mutex<Failures>>,
}

fn email_key(email: &str) -> String {
    format!("email:{}", email.trim().to_lowercase())
}

fn address_key(address: IpAddr) -> String {
    format!("address:{address}")
}

impl SignInLimiter {
    fn lock(&self) -> std::sync::MutexGuard<'_, Failures> {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Returns how long to wait before trying again, when the email or the
    /// address reached its limit.
    pub fn check(&self, email: &str, address: Option<IpAddr>, now: Instant) -> Option<Duration> {
        let mut failures = self.lock();
        failures.prune(now);
        let by_email = failures.wait(&email_key(email), FAILURES_PER_EMAIL, now);
        let by_address = address
            .and_then(|address| failures.wait(&address_key(address), FAILURES_PER_ADDRESS, now));
        by_email.max(by_address)
    }

    /// Counts a failed sign-in.
    pub fn record_failure(&self, email: &str, address: Option<IpAddr>, now: Instant) {
        let mut failures = self.lock();
        if failures.by_key.len() >= MAX_KEYS {
            failures.by_key.clear();
        }
        failures
            .by_key
            .entry(email_key(email))
            .or_default()
            .push_back(now);
        if let Some(address) = address {
            failures
                .by_key
                .entry(address_key(address))
                .or_default()
                .push_back(now);
        }
    }

    /// Checks the limits and, when they allow an attempt, counts it as a
    /// failure at once, in one step. Returns how long to wait otherwise.
    pub fn try_begin(
        &self,
        email: &str,
        address: Option<IpAddr>,
        now: Instant,
    ) -> Result<(), Duration> {
        if let Some(wait) = self.check(email, address, now) {
            return Err(wait);
        }
        self.record_failure(email, address, now);
        Ok(())
    }

    /// Forgets the failures of an email after a successful sign-in, and
    /// takes back the attempt counted for the address.
    pub fn record_success(&self, email: &str, address: Option<IpAddr>) {
        let mut failures = self.lock();
        failures.by_key.remove(&email_key(email));
        if let Some(address) = address {
            if let Some(times) = failures.by_key.get_mut(&address_key(address)) {
                times.pop_back();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_count_before_the_password_is_checked() {
        let limiter = SignInLimiter::default();
        let now = Instant::now();
        for _ in 0..FAILURES_PER_EMAIL {
            assert!(limiter.try_begin("a@example.org", None, now).is_ok());
        }
        assert!(limiter.try_begin("a@example.org", None, now).is_err());
    }

    #[test]
    fn the_sixth_try_for_an_email_waits_out_the_window() {
        let limiter = SignInLimiter::default();
        let start = Instant::now();
        for _ in 0..FAILURES_PER_EMAIL {
            assert_eq!(limiter.check("a@example.org", None, start), None);
            limiter.record_failure("A@example.org", None, start);
        }
        let wait = limiter.check("a@example.org", None, start).unwrap();
        assert_eq!(wait, WINDOW);
        assert_eq!(limiter.check("b@example.org", None, start), None);
        assert_eq!(limiter.check("a@example.org", None, start + WINDOW), None);
    }

    #[test]
    fn one_address_is_limited_across_emails() {
        let limiter = SignInLimiter::default();
        let address: IpAddr = "127.0.0.1".parse().unwrap();
        let now = Instant::now();
        for n in 0..FAILURES_PER_ADDRESS {
            limiter.record_failure(&format!("p{n}@example.org"), Some(address), now);
        }
        assert!(limiter
            .check("new@example.org", Some(address), now)
            .is_some());
        assert!(limiter.check("new@example.org", None, now).is_none());
    }

    #[test]
    fn success_clears_the_email() {
        let limiter = SignInLimiter::default();
        let now = Instant::now();
        for _ in 0..FAILURES_PER_EMAIL {
            limiter.record_failure("a@example.org", None, now);
        }
        limiter.record_success("a@example.org", None);
        assert_eq!(limiter.check("a@example.org", None, now), None);
    }
}
