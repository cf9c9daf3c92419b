//! Decoding of the automerge sync messages that a peer sends, with the
//! checks that automerge 0.12 leaves out.
//!
//! A sync message's `have` entries each carry a Bloom filter of the changes
//! the sender has. Automerge 0.12 decodes the filter's parameters as sent
//! and trusts them when it generates the next message to that peer:
//!
//! - a filter with entries but no bits makes it take a remainder by zero,
//!   which panics;
//! - the number of probes sizes an allocation and a loop per change hash,
//!   so a count near `u32::MAX` makes it allocate gigabytes and loop for hours.
//!
//! [`decode`] rejects such filters, so that the panic or the stall can never
//! happen later, while the message is being answered.

use automerge::sync::{self, BloomFilter};

use crate::document_id::DocumentId;
use crate::error::SyncError;

/// The maximum number of probes per change hash that a received Bloom
/// filter may ask for. Automerge 0.12 writes filters with 7.
pub const MAX_BLOOM_PROBES: u32 = 64;

/// Decodes one sync message from a peer and checks its Bloom filters.
///
/// # Errors
///
/// [`SyncError::InvalidSyncMessage`] when `data` is not an automerge sync
/// message or one of its Bloom filters is unusable.
pub(crate) fn decode(doc: DocumentId, data: &[u8]) -> Result<sync::Message, SyncError> {
    let invalid = |reason: String| SyncError::InvalidSyncMessage { doc, reason };

    let message = sync::Message::decode(data).map_err(|error| invalid(error.to_string()))?;
    for have in &message.have {
        check_bloom_filter(&have.bloom).map_err(invalid)?;
    }
    Ok(message)
}

/// Checks that a Bloom filter can be probed: a filter with entries has
/// bits, and at most [`MAX_BLOOM_PROBES`] probes.
fn check_bloom_filter(filter: &BloomFilter) -> Result<(), String> {
    // The encoding is empty for a filter with no entries, which is never
    // probed. Otherwise it is three LEB128 numbers (entries, bits per entry,
    // probes) followed by the bits.
    let bytes = filter.to_bytes();
    if bytes.is_empty() {
        return Ok(());
    }

    let mut rest = bytes.as_slice();
    let entries = read_leb128_u32(&mut rest)?;
    let _bits_per_entry = read_leb128_u32(&mut rest)?;
    let probes = read_leb128_u32(&mut rest)?;

    if rest.is_empty() {
        return Err(format!(
            "the Bloom filter of {entries} entries has no bits; a filter with entries needs at least one bit per entry"
        ));
    }
    if probes > MAX_BLOOM_PROBES {
        return Err(format!(
            "the Bloom filter asks for {probes} probes per change; at most {MAX_BLOOM_PROBES} are accepted"
        ));
    }
    Ok(())
}

/// Reads one unsigned LEB128 number that fits in a `u32` from the front of
/// `input`.
fn read_leb128_u32(input: &mut &[u8]) -> Result<u32, String> {
    let mut value: u64 = 0;
    for (index, &byte) in input.iter().enumerate() {
        let shift = 7 * index;
        if shift > 28 {
            break;
        }
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            *input = &input[index + 1..];
            return u32::try_from(value)
                .map_err(|_| format!("the Bloom filter holds the number {value}, over u32"));
        }
    }
    Err("the Bloom filter's parameters are cut short or too long".to_owned())
}
