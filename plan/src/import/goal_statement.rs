//! Reading the target date, direction, baseline and target of a SMART goal
//! from its statement, for spreadsheets that have no columns for them.
//!
//! Extraction is conservative: a value is taken only when one of the rules
//! below finds it, and anything else stays empty.
//!
//! - Target date: the word "by" followed by a full date, as in
//!   "By May 29, 2027, …". "By June 2027" is not a full date and is left out.
//! - Direction: a word starting with "reduc" or "decreas" means decrease, one
//!   starting with "increas" means increase; a statement with both has none.
//!   A statement with neither takes its direction from the baseline and
//!   target when both are known and differ.
//! - Baseline and target: "from X … to Y", where X directly follows "from"
//!   and Y directly follows the first later "to", as in "from 38 (Aug-Oct
//!   2026 baseline) to 20 or fewer".
//! - Baseline: "baseline X" or "baseline of X", as in "(baseline 52%,
//!   October 2026)". The target is then the one other percentage in the
//!   statement, if there is exactly one, as in "85% of staff will …".
//! - A `%` after the baseline or target makes the goal's unit `%`.

use chrono::NaiveDate;

use crate::import::values::{parse_date, parse_number, Number};
use crate::model::Direction;

/// The values that a goal statement gives for its measure.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct StatementFacts {
    pub(crate) target_date: Option<NaiveDate>,
    pub(crate) direction: Option<Direction>,
    pub(crate) baseline: Option<Number>,
    pub(crate) target: Option<Number>,
}

/// Applies the rules in the module documentation to one statement.
pub(crate) fn read_statement(statement: &str) -> StatementFacts {
    let tokens: Vec<&str> = statement.split_whitespace().collect();
    let words: Vec<String> = tokens.iter().map(|token| word_of(token)).collect();

    let mut facts = StatementFacts {
        target_date: find_target_date(&tokens, &words),
        direction: find_direction_word(&words),
        ..StatementFacts::default()
    };

    if let Some((baseline, target)) = find_from_to(&tokens, &words) {
        facts.baseline = Some(baseline);
        facts.target = Some(target);
    } else if let Some((index, baseline)) = find_baseline(&tokens, &words) {
        facts.baseline = Some(baseline);
        facts.target = single_other_percentage(&tokens, index);
    }

    if facts.direction.is_none() {
        facts.direction = match (facts.baseline, facts.target) {
            (Some(baseline), Some(target)) if target.value > baseline.value => {
                Some(Direction::Increase)
            }
            (Some(baseline), Some(target)) if target.value < baseline.value => {
                Some(Direction::Decrease)
            }
            _ => None,
        };
    }
    facts
}

/// Converts a token to a lowercase word without surrounding punctuation.
fn word_of(token: &str) -> String {
    token
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// Reads a token as a number, ignoring brackets and trailing punctuation.
fn number_of(token: &str) -> Option<Number> {
    let trimmed = token
        .trim_start_matches('(')
        .trim_end_matches([',', '.', ';', ':', ')']);
    parse_number(trimmed)
}

fn find_target_date(tokens: &[&str], words: &[String]) -> Option<NaiveDate> {
    for (index, word) in words.iter().enumerate() {
        if word != "by" {
            continue;
        }

        for length in [3, 1] {
            let Some(candidate) = tokens.get(index + 1..index + 1 + length) else {
                continue;
            };
            if let Some(date) = parse_date(&candidate.join(" ")) {
                return Some(date);
            }
        }
    }
    None
}

fn find_direction_word(words: &[String]) -> Option<Direction> {
    let decrease = words
        .iter()
        .any(|word| word.starts_with("reduc") || word.starts_with("decreas"));
    let increase = words.iter().any(|word| word.starts_with("increas"));

    match (decrease, increase) {
        (true, false) => Some(Direction::Decrease),
        (false, true) => Some(Direction::Increase),
        _ => None,
    }
}

fn find_from_to(tokens: &[&str], words: &[String]) -> Option<(Number, Number)> {
    for (from_index, word) in words.iter().enumerate() {
        if word != "from" {
            continue;
        }
        let Some(baseline) = tokens
            .get(from_index + 1)
            .and_then(|token| number_of(token))
        else {
            continue;
        };

        let Some(to_index) = (from_index + 2..words.len()).find(|&index| words[index] == "to")
        else {
            continue;
        };
        if let Some(target) = tokens.get(to_index + 1).and_then(|token| number_of(token)) {
            return Some((baseline, target));
        }
    }
    None
}

/// Finds "baseline X" or "baseline of X" and returns the token index of X.
fn find_baseline(tokens: &[&str], words: &[String]) -> Option<(usize, Number)> {
    for (index, word) in words.iter().enumerate() {
        if word != "baseline" {
            continue;
        }

        let mut value_index = index + 1;
        if words.get(value_index).map(String::as_str) == Some("of") {
            value_index += 1;
        }
        if let Some(value) = tokens.get(value_index).and_then(|token| number_of(token)) {
            return Some((value_index, value));
        }
    }
    None
}

fn single_other_percentage(tokens: &[&str], baseline_index: usize) -> Option<Number> {
    let others: Vec<Number> = tokens
        .iter()
        .enumerate()
        .filter(|(index, _)| *index != baseline_index)
        .filter_map(|(_, token)| number_of(token))
        .filter(|number| number.percent)
        .collect();

    match others.as_slice() {
        [target] => Some(*target),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(value: f64, percent: bool) -> Option<Number> {
        Some(Number { value, percent })
    }

    #[test]
    fn reduce_from_to_statement_is_read() {
        let facts = read_statement(
            "By May 29, 2027, reduce the monthly average of ODRs from non-classroom settings \
             from 38 (Aug-Oct 2026 baseline) to 20 or fewer, as measured by SWIS monthly reports.",
        );

        assert_eq!(facts.target_date, NaiveDate::from_ymd_opt(2027, 5, 29));
        assert_eq!(facts.direction, Some(Direction::Decrease));
        assert_eq!(facts.baseline, number(38.0, false));
        assert_eq!(facts.target, number(20.0, false));
    }

    #[test]
    fn baseline_and_one_other_percentage_are_read() {
        let facts = read_statement(
            "By March 31, 2027, 85% of staff will correctly classify minor vs. major behaviors \
             on the staff survey scenario check (baseline 52%, October 2026).",
        );

        assert_eq!(facts.target_date, NaiveDate::from_ymd_opt(2027, 3, 31));
        assert_eq!(facts.baseline, number(52.0, true));
        assert_eq!(facts.target, number(85.0, true));
        assert_eq!(facts.direction, Some(Direction::Increase));
    }

    #[test]
    fn month_without_day_is_not_a_target_date() {
        let facts = read_statement("Reduce the rate from 37% to 20% by June 2027.");

        assert_eq!(facts.target_date, None);
        assert_eq!(facts.target, number(20.0, true));
    }

    #[test]
    fn statement_without_numbers_yields_nothing() {
        let facts = read_statement("Students will feel safe at school.");

        assert_eq!(facts, StatementFacts::default());
    }

    #[test]
    fn two_other_percentages_give_no_target() {
        let facts = read_statement("70% of grade 3 and 60% of grade 4 students (baseline 34%).");

        assert_eq!(facts.baseline, number(34.0, true));
        assert_eq!(facts.target, None);
    }
}
