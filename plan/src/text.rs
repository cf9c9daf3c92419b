//! Text for the messages of the SMART checks and the progress status:
//! values in their goal's unit, and lists.

/// Returns whether a goal's unit is a percentage: `%`, `percent` or `percentage`,
/// in any case. Percentages lie between 0 and 100 and change by points.
pub(crate) fn is_percent(unit: &str) -> bool {
    let unit = unit.trim();
    unit == "%" || unit.eq_ignore_ascii_case("percent") || unit.eq_ignore_ascii_case("percentage")
}

/// Formats a number with at most two decimals and no trailing zeros, such
/// as `48`, `12.5` or `0.35`.
pub(crate) fn format_number(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');

    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// Formats a value in its unit: `48%` for a percentage, `95 wcpm` for
/// another unit, and the bare number when the unit is empty.
pub(crate) fn format_value(value: f64, unit: &str) -> String {
    let number = format_number(value);
    let unit = unit.trim();

    if unit.is_empty() {
        number
    } else if is_percent(unit) {
        format!("{number}%")
    } else {
        format!("{number} {unit}")
    }
}

/// Joins items as "a, b and c".
pub(crate) fn join_with_and<T: AsRef<str>>(items: &[T]) -> String {
    match items {
        [] => String::new(),
        [only] => only.as_ref().to_owned(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_sign_and_words_are_percent() {
        assert!(is_percent("%"));
        assert!(is_percent(" Percent "));
        assert!(is_percent("percentage"));
    }

    #[test]
    fn counts_are_not_percent() {
        assert!(!is_percent("referrals"));
        assert!(!is_percent(""));
    }

    #[test]
    fn whole_number_has_no_decimals() {
        assert_eq!(format_number(48.0), "48");
    }

    #[test]
    fn fraction_keeps_two_decimals() {
        assert_eq!(format_number(0.354), "0.35");
    }

    #[test]
    fn trailing_zero_is_dropped() {
        assert_eq!(format_number(12.50), "12.5");
    }

    #[test]
    fn tiny_negative_rounds_to_zero() {
        assert_eq!(format_number(-0.001), "0");
    }

    #[test]
    fn percent_value_has_no_space() {
        assert_eq!(format_value(60.0, "%"), "60%");
    }

    #[test]
    fn named_unit_follows_a_space() {
        assert_eq!(format_value(95.0, "wcpm"), "95 wcpm");
    }

    #[test]
    fn empty_unit_gives_bare_number() {
        assert_eq!(format_value(20.0, ""), "20");
    }

    #[test]
    fn two_items_join_with_and() {
        assert_eq!(
            join_with_and(&["no baseline date", "no target value"]),
            "no baseline date and no target value"
        );
    }

    #[test]
    fn three_items_join_with_commas_and_and() {
        assert_eq!(
            join_with_and(&["a baseline value", "a target value", "a target date"]),
            "a baseline value, a target value and a target date"
        );
    }
}
