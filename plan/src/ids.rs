//! Entity ids: the keys under which root causes, goals, actions and the
//! other plan entities are stored in the document and linked to each other.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

/// The maximum length of an id that [`EntityId::from_str`] accepts, in bytes.
pub const MAX_ID_LEN: usize = 64;

/// The id of one entity in a plan.
///
/// New ids are random UUID v4 values in their 32-character lowercase hex
/// form. Parsing accepts any 1 to 64 ASCII letters, digits, `-` or `_`, so
/// ids written by other tools still load.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EntityId(String);

impl EntityId {
    /// Creates a fresh random id.
    pub fn random() -> Self {
        Self(Uuid::new_v4().simple().to_string())
    }

    /// Returns the id as text, as stored in the document.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Errors from parsing an [`EntityId`].
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum IdParseError {
    #[error("entity id is empty: expected 1 to {MAX_ID_LEN} letters, digits, `-` or `_`")]
    Empty,

    #[error("entity id `{id}` is {len} bytes long: the maximum is {MAX_ID_LEN}")]
    TooLong { id: String, len: usize },

    #[error(
        "entity id `{id}` contains `{character}`: only ASCII letters, digits, `-` and `_` are allowed"
    )]
    InvalidCharacter { id: String, character: char },
}

impl FromStr for EntityId {
    type Err = IdParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.is_empty() {
            return Err(IdParseError::Empty);
        }

        if text.len() > MAX_ID_LEN {
            return Err(IdParseError::TooLong {
                id: text.to_owned(),
                len: text.len(),
            });
        }

        let invalid = text
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'));
        if let Some(character) = invalid {
            return Err(IdParseError::InvalidCharacter {
                id: text.to_owned(),
                character,
            });
        }

        Ok(Self(text.to_owned()))
    }
}

impl TryFrom<String> for EntityId {
    type Error = IdParseError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<EntityId> for String {
    fn from(id: EntityId) -> Self {
        id.0
    }
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids_parse_back() {
        let id = EntityId::random();

        assert_eq!(id.as_str().parse::<EntityId>(), Ok(id.clone()));
        assert_eq!(id.as_str().len(), 32);
    }

    #[test]
    fn empty_id_is_rejected() {
        assert_eq!("".parse::<EntityId>(), Err(IdParseError::Empty));
    }

    #[test]
    fn id_with_space_is_rejected() {
        let error = "goal 1".parse::<EntityId>().unwrap_err();

        assert_eq!(
            error,
            IdParseError::InvalidCharacter {
                id: "goal 1".to_owned(),
                character: ' '
            }
        );
    }

    #[test]
    fn overlong_id_is_rejected() {
        let text = "a".repeat(MAX_ID_LEN + 1);

        assert!(matches!(
            text.parse::<EntityId>(),
            Err(IdParseError::TooLong { .. })
        ));
    }

    #[test]
    fn id_serializes_as_plain_string() {
        let id: EntityId = "goal-1".parse().unwrap();

        assert_eq!(serde_json::to_string(&id).unwrap(), "\"goal-1\"");
    }

    #[test]
    fn invalid_id_fails_to_deserialize() {
        let result = serde_json::from_str::<EntityId>("\"bad id\"");

        assert!(result.is_err());
    }
}
