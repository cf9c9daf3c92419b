//! The numbers that a sheet gives its entities in columns such as
//! `Root Cause #`, `Goal #`, `Action #` and `Check-in #`, so that later rows
//! and tables can refer to an entity by its number.

use std::collections::HashMap;

use crate::import::values::normalize;

/// The number of each entity of one collection, by entity index, with an
/// index for finding an entity by its number. Numbers are compared without
/// case, punctuation or extra spaces, and the first entity with a number
/// keeps it.
#[derive(Debug, Default)]
pub(crate) struct EntityNumbers {
    numbers: Vec<String>,
    by_number: HashMap<String, usize>,
}

impl EntityNumbers {
    /// Records the number of a new entity, which may be empty.
    pub(crate) fn push(&mut self, number: String) {
        let index = self.numbers.len();
        self.index(&number, index);
        self.numbers.push(number);
    }

    /// Gives the entity at `index` a number when it has none yet.
    pub(crate) fn fill(&mut self, index: usize, number: String) {
        let Some(slot) = self.numbers.get_mut(index) else {
            return;
        };
        if slot.is_empty() && !number.is_empty() {
            *slot = number.clone();
            self.index(&number, index);
        }
    }

    /// Finds the entity with a number, or `None` for an empty or unknown one.
    pub(crate) fn find(&self, number: &str) -> Option<usize> {
        self.by_number.get(&normalize(number)).copied()
    }

    /// Returns the number of every entity, by entity index.
    pub(crate) fn as_slice(&self) -> &[String] {
        &self.numbers
    }

    fn index(&mut self, number: &str, index: usize) {
        let key = normalize(number);
        if !key.is_empty() {
            self.by_number.entry(key).or_insert(index);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_found_without_case_or_spaces() {
        let mut numbers = EntityNumbers::default();
        numbers.push("A1".to_owned());
        numbers.push(" a2 ".to_owned());

        assert_eq!(numbers.find("a1"), Some(0));
        assert_eq!(numbers.find("A2"), Some(1));
        assert_eq!(numbers.find("A3"), None);
    }

    #[test]
    fn empty_number_is_never_found() {
        let mut numbers = EntityNumbers::default();
        numbers.push(String::new());

        assert_eq!(numbers.find(""), None);
    }

    #[test]
    fn first_entity_keeps_a_repeated_number() {
        let mut numbers = EntityNumbers::default();
        numbers.push("1".to_owned());
        numbers.push("1".to_owned());

        assert_eq!(numbers.find("1"), Some(0));
    }

    #[test]
    fn fill_numbers_an_entity_without_one() {
        let mut numbers = EntityNumbers::default();
        numbers.push(String::new());

        numbers.fill(0, "7".to_owned());

        assert_eq!(numbers.find("7"), Some(0));
        assert_eq!(numbers.as_slice(), ["7"]);
    }
}
