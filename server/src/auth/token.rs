//! Random tokens for sessions and invitations.
//!
//! A token is 32 random bytes, sent as unpadded URL-safe base64. The
//! database keeps only its SHA-256, so a copy of the database does not
//! sign anyone in.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// Generates a new random token.
///
/// # Panics
///
/// When the operating system has no randomness to give, which leaves no
/// safe way to sign anyone in.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Hashes a token with SHA-256, as lowercase hex, as stored.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hash_to_hex() {
        let first = new_token();
        assert_eq!(first.len(), 43);
        assert_ne!(first, new_token());
        let hash = token_hash(&first);
        assert_eq!(hash.len(), 64);
        assert_eq!(hash, token_hash(&first));
    }
}
