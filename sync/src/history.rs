//! Questions about a document's change history that automerge's public API
//! answers only indirectly.
//!
//! Both sides track a set of heads that only grows through history (the
//! server's durable heads, the client's acknowledged heads). These helpers
//! merge such sets and count what lies outside them.

use automerge::{Automerge, ChangeHash};

/// Returns whether `doc` contains the change `hash`.
pub(crate) fn has_change(doc: &Automerge, hash: &ChangeHash) -> bool {
    doc.get_change_meta_by_hash(hash).is_some()
}

/// Returns the hashes of the changes in `doc` that are not in the history
/// of `heads`, in causal order. Hashes in `heads` that `doc` lacks are ignored.
pub(crate) fn hashes_outside(doc: &Automerge, heads: &[ChangeHash]) -> Vec<ChangeHash> {
    doc.get_changes_meta(heads)
        .into_iter()
        .map(|change| change.hash)
        .collect()
}

/// Merges two sets of heads into the smallest set with the same history.
///
/// A hash that `doc` contains is dropped when it lies in the history of the
/// other hashes. A hash that `doc` lacks is kept as it is, because its
/// history is unknown.
pub(crate) fn merge_heads(
    doc: &Automerge,
    current: &[ChangeHash],
    added: &[ChangeHash],
) -> Vec<ChangeHash> {
    let mut candidates: Vec<ChangeHash> = current.iter().chain(added).copied().collect();
    candidates.sort_unstable();
    candidates.dedup();

    let (known, unknown): (Vec<ChangeHash>, Vec<ChangeHash>) = candidates
        .into_iter()
        .partition(|hash| has_change(doc, hash));

    let mut merged: Vec<ChangeHash> = known
        .iter()
        .filter(|hash| {
            let others: Vec<ChangeHash> = known
                .iter()
                .filter(|other| other != hash)
                .copied()
                .collect();
            others.is_empty() || hashes_outside(doc, &others).contains(hash)
        })
        .copied()
        .collect();
    merged.extend(unknown);
    merged.sort_unstable();
    merged
}
