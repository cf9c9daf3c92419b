//! The Specific rule: the statement says what changes, for whom or where,
//! in enough words, and the goal names its measure.
//!
//! "What changes" and "for whom" are found with plain word lists, not by
//! understanding the sentence. A statement passes when one of its words is
//! a change word ("increase", "reduce", "will", …) and one names a group of
//! people, a grade span or a school setting ("students", "staff", "K-3",
//! "cafeteria", …). Hyphenated words are also read by their parts, so
//! "non-classroom" names the classroom setting.

use crate::model::Goal;

/// The minimum number of words a goal statement needs to say who, what changes and by
/// how much, such as "Reduce chronic absence in grades 6-8 from 24% to 18%"
/// (10 words).
pub const MIN_STATEMENT_WORDS: usize = 8;

/// Whole words that name a change or a future result.
const CHANGE_WORDS: &[&str] = &[
    "will", "raise", "raises", "raised", "grow", "grows", "grew", "rise", "rises", "gain", "gains",
    "reach", "reaches", "meet", "meets", "cut", "cuts", "close", "closes",
];

/// Word beginnings that name a change: "increase", "reducing", "improved", ….
const CHANGE_PREFIXES: &[&str] = &[
    "increas", "decreas", "reduc", "improv", "declin", "achiev", "attain", "exceed", "narrow",
    "eliminat", "lower",
];

/// Whole words that name a group of people or a school setting.
const WHO_OR_WHERE_WORDS: &[&str] = &[
    "student",
    "students",
    "staff",
    "teacher",
    "teachers",
    "educator",
    "educators",
    "family",
    "families",
    "parent",
    "parents",
    "learner",
    "learners",
    "child",
    "children",
    "youth",
    "adult",
    "adults",
    "kindergarten",
    "kindergartners",
    "kindergarteners",
    "preschoolers",
    "grade",
    "grades",
    "graders",
    "class",
    "classes",
    "classroom",
    "classrooms",
    "school",
    "schools",
    "campus",
    "campuses",
    "tier",
    "subgroup",
    "subgroups",
    "cohort",
    "cohorts",
    "interventionists",
    "paraprofessionals",
    "counselors",
    "setting",
    "settings",
    "cafeteria",
    "hallway",
    "hallways",
    "recess",
    "playground",
    "bus",
    "buses",
];

/// Beginnings of a grade span such as "K-3", "PK-5" or "TK-2".
const GRADE_SPAN_PREFIXES: &[&str] = &["k-", "pk-", "tk-"];

/// Lists the Specific problems of a goal, without the property's name.
pub(super) fn problems(goal: &Goal) -> Vec<String> {
    let mut problems = Vec::new();
    let words = statement_words(&goal.statement);

    if words.is_empty() {
        problems.push("no goal statement".to_owned());
    } else {
        if words.len() < MIN_STATEMENT_WORDS {
            problems.push(format!(
                "the statement has {} words, fewer than the {MIN_STATEMENT_WORDS} needed to say \
                 who, what changes and by how much",
                words.len()
            ));
        }
        if !words.iter().any(|word| names_change(word)) {
            problems.push(
                "the statement names no change, such as increase, reduce or will reach".to_owned(),
            );
        }
        if let Some(placeholder) = first_placeholder(&goal.statement) {
            problems.push(format!(
                "the statement still has the placeholder {placeholder}; replace it with the \
                 plan's own value"
            ));
        }
        if !words.iter().any(|word| names_who_or_where(word)) {
            problems.push(
                "the statement names no group or setting, such as students in grades 3-5, staff \
                 or the cafeteria"
                    .to_owned(),
            );
        }
    }

    if goal.measure.trim().is_empty() {
        problems.push("no progress monitoring measure named".to_owned());
    }
    problems
}

/// Finds the first bracketed placeholder, such as `[baseline]`, that a
/// template leaves for the team to fill in.
fn first_placeholder(statement: &str) -> Option<&str> {
    let start = statement.find('[')?;
    let length = statement[start..].find(']')?;
    Some(&statement[start..=start + length])
}

/// Splits a statement into lowercase words without surrounding punctuation.
/// Tokens with no letter or digit, such as a lone dash, are not words.
fn statement_words(statement: &str) -> Vec<String> {
    statement
        .split_whitespace()
        .map(|token| {
            token
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|word| !word.is_empty())
        .collect()
}

/// Returns the word itself, then its parts when it is joined by hyphens or
/// slashes.
fn forms_of(word: &str) -> impl Iterator<Item = &str> {
    let parts = word.split(['-', '/']).filter(move |part| *part != word);
    std::iter::once(word).chain(parts)
}

fn names_change(word: &str) -> bool {
    forms_of(word).any(|form| {
        CHANGE_WORDS.contains(&form)
            || CHANGE_PREFIXES
                .iter()
                .any(|prefix| form.starts_with(prefix))
    })
}

fn names_who_or_where(word: &str) -> bool {
    let is_grade_span = GRADE_SPAN_PREFIXES.iter().any(|prefix| {
        word.strip_prefix(prefix)
            .is_some_and(|grade| !grade.is_empty() && grade.chars().all(|c| c.is_ascii_digit()))
    });

    is_grade_span || forms_of(word).any(|form| WHO_OR_WHERE_WORDS.contains(&form))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_is_trimmed_from_words() {
        assert_eq!(
            statement_words("By May 29, 2027, reduce"),
            ["by", "may", "29", "2027", "reduce"]
        );
    }

    #[test]
    fn lone_dash_is_not_a_word() {
        assert_eq!(statement_words("Aug - May").len(), 2);
    }

    #[test]
    fn hyphenated_setting_counts_by_its_part() {
        assert!(names_who_or_where("non-classroom"));
    }

    #[test]
    fn grade_span_names_a_group() {
        assert!(names_who_or_where("k-3"));
    }

    #[test]
    fn bare_k_dash_is_not_grade_span() {
        assert!(!names_who_or_where("k-"));
    }

    #[test]
    fn inflected_change_verb_counts() {
        assert!(names_change("reducing"));
    }

    #[test]
    fn unrelated_word_names_no_change() {
        assert!(!names_change("percentage"));
    }
}
