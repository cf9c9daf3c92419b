//! Password hashing with Argon2id.
//!
//! Hashing takes tens of milliseconds of CPU on purpose, so it runs on
//! tokio's blocking pool and never on the threads that carry sync traffic.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The longest password accepted, so hashing time stays bounded.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Each hash takes 19 MiB while it runs, so at most this many run at once;
/// the others wait their turn.
const CONCURRENT_HASHES: usize = 4;

static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(CONCURRENT_HASHES);

/// The error type of password checks and hashing.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Too short or too long.
    #[error(
        "passwords need {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters; this one has {0}"
    )]
    Length(usize),
    /// The hasher failed, which happens only when the system has no
    /// randomness.
    #[error("the password could not be hashed: {0}")]
    Hash(String),
}

/// Argon2id with 19 MiB of memory, 2 passes and 1 lane: the OWASP
/// recommendation for Argon2id.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks a new password's length.
///
/// # Errors
///
/// [`PasswordError::Length`] outside the accepted range.
pub fn check_new_password(password: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        Ok(())
    } else {
        Err(PasswordError::Length(chars))
    }
}

fn hash_now(password: &str) -> Result<String, PasswordError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|error| PasswordError::Hash(error.to_string()))?;
    let salt =
        SaltString::encode_b64(&salt).map_err(|error| PasswordError::Hash(error.to_string()))?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| PasswordError::Hash(error.to_string()))
}

/// Hashes a password on the blocking pool, after checking its length.
///
/// # Errors
///
/// [`PasswordError`] for a password of the wrong length or a hasher
/// failure.
pub async fn hash(password: String) -> Result<String, PasswordError> {
    check_new_password(&password)?;
    let _turn = HASHING
        .acquire()
        .await
        .map_err(|error| PasswordError::Hash(error.to_string()))?;
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|error| PasswordError::Hash(error.to_string()))?
}

/// A hash of a password no one has, checked when the email is unknown so
/// that a wrong email takes as long as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_now("decoy password that matches nothing").unwrap_or_default())
}

/// Checks `password` against `stored` (a PHC string) on the blocking pool.
/// With no stored hash it checks a decoy, so the time taken does not tell
/// whether the account exists, and returns `false`.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return false;
    }
    let Ok(_turn) = HASHING.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        let (hash, real) = match &stored {
            Some(hash) => (hash.as_str(), true),
            None => (decoy_hash(), false),
        };
        let Ok(parsed) = PasswordHash::new(hash) else {
            return false;
        };
        let matches = hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        real && matches
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hash = hash("correct horse battery".to_owned()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify("correct horse battery".to_owned(), Some(hash.clone())).await);
        assert!(!verify("correct horse battery!".to_owned(), Some(hash)).await);
        assert!(!verify("anything at all".to_owned(), None).await);
    }

    #[test]
    fn short_and_long_passwords_are_refused() {
        assert!(matches!(
            check_new_password("short"),
            Err(PasswordError::Length(5))
        ));
        assert!(check_new_password("ten chars!").is_ok());
        assert!(check_new_password(&"x".repeat(257)).is_err());
    }
}
