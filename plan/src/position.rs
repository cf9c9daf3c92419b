//! Fractional position keys, which order the entities of each collection.
//!
//! Every entity stores a `position` string. Entities sort by position and
//! then by id, so every replica shows the same order. Inserting or moving
//! an entity writes only that entity's position: a key strictly between its
//! new neighbours. Keys are digits in base 36 (`0-9a-z`, in ASCII order),
//! compared as strings, and never end in `0`, so there is always room for a
//! key between two others.
//!
//! Each new key ends in a random suffix. Two replicas that insert at the
//! same spot at the same time compute the same midpoint, and the suffix
//! keeps their keys apart, so the merged order is stable and later inserts
//! can still go between the two.

use uuid::Uuid;

const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const BASE: u8 = 36;

/// The number of random digits appended to each key.
const SUFFIX_LEN: usize = 6;

/// Returns a new random key strictly between `before` and `after`, where
/// `None` means the start or the end of the collection.
///
/// NOTE: a bound written by another tool is read up to its first character
/// outside `0-9a-z`. An upper bound that is not above the lower one (equal
/// or out-of-order neighbours) is ignored. In both cases the new key sorts
/// after `before` but maybe not before `after`.
pub(crate) fn key_between(before: Option<&str>, after: Option<&str>) -> String {
    key_between_with_suffix(before, after, &random_suffix())
}

/// Returns `count` new random keys in ascending order, spread evenly over
/// the whole key space, for filling an empty collection in one pass.
/// Sequential [`key_between`] calls would make each key a little longer
/// than the one before it.
pub(crate) fn spread_keys(count: usize) -> Vec<String> {
    let slots = count as u64 + 1;
    let mut width = 1u32;
    while u64::from(BASE).pow(width) <= 2 * slots {
        width += 1;
    }
    let space = u64::from(BASE).pow(width);

    (1..=count as u64)
        .map(|index| {
            let mut value = index * space / slots;
            let mut digits = vec![0u8; width as usize];
            for digit in digits.iter_mut().rev() {
                *digit = (value % u64::from(BASE)) as u8;
                value /= u64::from(BASE);
            }
            digits.extend_from_slice(&random_suffix());
            digits
                .into_iter()
                .map(|digit| char::from(DIGITS[usize::from(digit)]))
                .collect()
        })
        .collect()
}

fn key_between_with_suffix(before: Option<&str>, after: Option<&str>, suffix: &[u8]) -> String {
    let lower = before.map(digits_of).unwrap_or_default();
    let upper = after
        .map(digits_of)
        .filter(|upper| lower < *upper && !upper.is_empty());

    let mut key = midpoint(&lower, upper.as_deref());
    key.extend_from_slice(suffix);

    key.into_iter()
        .map(|digit| char::from(DIGITS[usize::from(digit)]))
        .collect()
}

/// Reads a key as digit values, up to its first character outside the
/// alphabet, without trailing zeros.
fn digits_of(key: &str) -> Vec<u8> {
    let mut digits: Vec<u8> = key.bytes().map_while(digit_value).collect();
    while digits.last() == Some(&0) {
        digits.pop();
    }
    digits
}

fn digit_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'z' => Some(byte - b'a' + 10),
        _ => None,
    }
}

/// Returns digits strictly between `lower` and `upper` that are not a prefix
/// of `upper`, so any suffix keeps the result below `upper`.
///
/// Requires `lower < upper` and no trailing zeros on `upper`. A missing
/// digit of `lower` counts as 0 and a missing `upper` as the end.
fn midpoint(lower: &[u8], upper: Option<&[u8]>) -> Vec<u8> {
    let lower_digit = |index: usize| lower.get(index).copied().unwrap_or(0);

    if let Some(upper) = upper {
        let shared = upper
            .iter()
            .enumerate()
            .take_while(|(index, digit)| lower_digit(*index) == **digit)
            .count();
        if shared > 0 {
            let mut key = upper[..shared].to_vec();
            let lower_rest = lower.get(shared..).unwrap_or_default();
            key.extend(midpoint(lower_rest, Some(&upper[shared..])));
            return key;
        }
    }

    let low = lower_digit(0);
    let high = upper
        .and_then(|upper| upper.first().copied())
        .unwrap_or(BASE);

    if high.saturating_sub(low) > 1 {
        return vec![low + (high - low) / 2];
    }

    // `low` and `high` are adjacent digits, so keep `low` and look for room
    // after the rest of `lower`, with no upper bound.
    let mut key = vec![low];
    key.extend(midpoint(lower.get(1..).unwrap_or_default(), None));
    key
}

fn random_suffix() -> Vec<u8> {
    let bytes = *Uuid::new_v4().as_bytes();
    let mut suffix: Vec<u8> = bytes[..SUFFIX_LEN].iter().map(|byte| byte % BASE).collect();

    // The last digit must not be 0, so that keys never end in 0.
    if let Some(last) = suffix.last_mut() {
        *last = 1 + *last % (BASE - 1);
    }
    suffix
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_keys_ascend_for_many_entities() {
        let keys = spread_keys(5_000);

        assert_eq!(keys.len(), 5_000);
        assert!(keys.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn spread_keys_stay_short() {
        let keys = spread_keys(5_000);

        assert!(keys.iter().all(|key| key.len() <= 4 + SUFFIX_LEN));
    }

    #[test]
    fn spread_keys_leave_room_between_neighbours() {
        let keys = spread_keys(3);
        let between = key_between(Some(&keys[0]), Some(&keys[1]));

        assert!(keys[0] < between);
        assert!(between < keys[1]);
    }
    use proptest::prelude::*;

    #[test]
    fn first_key_sits_in_middle() {
        let key = key_between_with_suffix(None, None, &[1]);

        assert_eq!(key, "i1");
    }

    #[test]
    fn key_between_adjacent_digits_grows() {
        let key = key_between_with_suffix(Some("a1"), Some("b1"), &[1]);

        assert!("a1" < key.as_str());
        assert!(key.as_str() < "b1");
    }

    #[test]
    fn key_below_key_with_leading_zeros() {
        let key = key_between_with_suffix(None, Some("001"), &[5]);

        assert!(key.as_str() < "001");
        assert!(!key.ends_with('0'));
    }

    #[test]
    fn equal_bounds_still_give_a_key_after_lower() {
        let key = key_between(Some("i1"), Some("i1"));

        assert!(key.as_str() > "i1");
    }

    #[test]
    fn foreign_characters_do_not_panic() {
        let key = key_between(Some("ÿ-x"), Some("Z"));

        assert!(!key.is_empty());
    }

    proptest! {
        #[test]
        fn key_is_strictly_between_neighbours(
            steps in proptest::collection::vec((any::<prop::sample::Index>(), any::<bool>()), 1..60),
        ) {
            let mut keys: Vec<String> = Vec::new();
            for (index, at_edge) in steps {
                let slot = if at_edge { keys.len() } else { index.index(keys.len() + 1) };
                let before = slot.checked_sub(1).map(|i| keys[i].as_str());
                let after = keys.get(slot).map(String::as_str);

                let key = key_between(before, after);

                if let Some(before) = before {
                    prop_assert!(before < key.as_str(), "{before} < {key}");
                }
                if let Some(after) = after {
                    prop_assert!(key.as_str() < after, "{key} < {after}");
                }
                prop_assert!(!key.ends_with('0'));
                keys.insert(slot, key);
            }
        }
    }
}
