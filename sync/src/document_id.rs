//! The identifier of one plan document.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The identifier of one Automerge document, a UUID.
///
/// It is displayed and parsed in the hyphenated lowercase form
/// (`67e55044-10b1-426f-9247-bb680e5fe0c8`) and serialized through serde as
/// that string in human-readable formats and as the 16 UUID bytes otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DocumentId(Uuid);

impl DocumentId {
    /// Creates a random (version 4) document id.
    pub fn new_random() -> Self {
        Self(Uuid::new_v4())
    }

    /// Creates a document id from the 16 bytes of a UUID.
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(Uuid::from_bytes(bytes))
    }

    /// Returns the 16 bytes of the UUID, as sent in the wire format.
    pub fn as_bytes(&self) -> &[u8; 16] {
        self.0.as_bytes()
    }

    /// Returns the UUID.
    pub fn as_uuid(&self) -> &Uuid {
        &self.0
    }
}

impl From<Uuid> for DocumentId {
    fn from(uuid: Uuid) -> Self {
        Self(uuid)
    }
}

impl From<DocumentId> for Uuid {
    fn from(id: DocumentId) -> Self {
        id.0
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

/// The error returned when a string is not a valid document id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid document id {input:?}: expected a UUID such as 67e55044-10b1-426f-9247-bb680e5fe0c8 ({reason})")]
pub struct ParseDocumentIdError {
    /// The string that failed to parse.
    pub input: String,
    /// The UUID parser's error message.
    pub reason: String,
}

impl FromStr for DocumentId {
    type Err = ParseDocumentIdError;

    /// Parses any form the `uuid` crate accepts (hyphenated, simple, braced
    /// or URN), in upper or lower case.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(input)
            .map(Self)
            .map_err(|error| ParseDocumentIdError {
                input: input.to_owned(),
                reason: error.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_hyphenated_lowercase() {
        let id: DocumentId = "67E55044-10B1-426F-9247-BB680E5FE0C8".parse().unwrap();
        assert_eq!(id.to_string(), "67e55044-10b1-426f-9247-bb680e5fe0c8");
    }

    #[test]
    fn display_round_trips_through_from_str() {
        let id = DocumentId::new_random();
        assert_eq!(id.to_string().parse::<DocumentId>(), Ok(id));
    }

    #[test]
    fn from_str_rejects_garbage_naming_input() {
        let error = "not-a-uuid".parse::<DocumentId>().unwrap_err();
        assert_eq!(error.input, "not-a-uuid");
    }

    #[test]
    fn random_ids_differ() {
        assert_ne!(DocumentId::new_random(), DocumentId::new_random());
    }

    #[test]
    fn serde_json_uses_the_hyphenated_string() {
        let id: DocumentId = "67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"67e55044-10b1-426f-9247-bb680e5fe0c8\"");
    }
}
