//! Base58Check, the text form of automerge-repo's document ids.
//!
//! automerge-repo 2.5 writes a document id as the Base58 encoding (Bitcoin
//! alphabet) of its 16 bytes followed by the first 4 bytes of
//! SHA-256(SHA-256(bytes)), through the npm package `bs58check`.

use sha2::{Digest, Sha256};

/// The Bitcoin Base58 alphabet: digits and letters without `0`, `O`, `I`
/// and `l`.
const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Encodes `payload` with its 4-byte checksum in Base58.
pub fn encode(payload: &[u8]) -> String {
    let checksum = Sha256::digest(Sha256::digest(payload));
    let mut bytes = payload.to_vec();
    bytes.extend_from_slice(&checksum[..4]);

    // Base58 digits, least significant first, by repeated division of the
    // big-endian number in `bytes`.
    let mut digits: Vec<u8> = Vec::new();
    for &byte in &bytes {
        let mut carry = u32::from(byte);
        for digit in digits.iter_mut() {
            carry += u32::from(*digit) << 8;
            *digit = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }

    // Each leading zero byte is written as the digit `1`.
    let leading_zeros = bytes.iter().take_while(|&&byte| byte == 0).count();
    let mut text = String::with_capacity(leading_zeros + digits.len());
    text.extend(std::iter::repeat_n('1', leading_zeros));
    text.extend(
        digits
            .iter()
            .rev()
            .map(|&digit| char::from(ALPHABET[usize::from(digit)])),
    );
    text
}

#[cfg(test)]
mod tests {
    use super::encode;

    // The expected strings are the output of `encode` of the npm package
    // `bs58check` 3.0.1, the version automerge-repo 2.5.6 installs.

    #[test]
    fn empty_payload_is_checksum_only() {
        assert_eq!(encode(&[]), "3QJmnh");
    }

    #[test]
    fn leading_zero_bytes_become_ones() {
        assert_eq!(encode(&[0]), "1Wh4bh");
        let id = [0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
        assert_eq!(encode(&id), "113RdG935ESipHd59rhqUYMWa6");
    }

    #[test]
    fn document_id_matches_npm_package() {
        assert_eq!(encode(&[0x5a; 16]), "2G1VopDdpt7csGzbXq8jRQ7imhuX");
    }
}
