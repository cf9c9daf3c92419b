//! The presence payload: the `data` of the sync protocol's `ephemeral`
//! messages that tabs send about a plan.
//!
//! It is one JSON object, at most [`MAX_PRESENCE_BYTES`] long:
//!
//! ```json
//! {"v": 1, "tab": "5f0c3b0e9a4d4a4f8e2b7c1d0a9e6f31", "section": "smart-goals", "leaving": false}
//! ```
//!
//! - `v`: the payload version, `1`. Another version is rejected.
//! - `tab`: the sending tab's random id, 32 lowercase hexadecimal digits.
//!   It is new for every page load and names no person; the server adds
//!   the person's name as the message's `sender`.
//! - `section`: the plan section the tab is in (see [`Section`]), or
//!   `null`. A name this build does not recognize reads as `null`, so a newer
//!   tab with more sections still shows up.
//! - `leaving`: `true` when the tab closes the plan; the other tabs drop it
//!   at once. Absent means `false`.
//!
//! Keys this build does not recognize are ignored. The payload comes from
//! other people's tabs, so decoding returns an error for anything else
//! instead of panicking.

use serde_json::{Map, Value};

/// The payload version this build writes and reads.
pub const PRESENCE_VERSION: u64 = 1;

/// The maximum size of a presence payload, in bytes. A payload of this
/// build is under 130 bytes; the server's own limit on ephemeral data is
/// larger (`cairn_sync::MAX_EPHEMERAL_BYTES`).
pub const MAX_PRESENCE_BYTES: usize = 512;

/// A tab's random presence id, as 32 lowercase hexadecimal digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TabId(String);

impl TabId {
    /// Creates a new random tab id.
    pub fn new_random() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string())
    }

    /// Parses a tab id; `None` unless `text` is 32 lowercase hexadecimal
    /// digits.
    pub fn parse(text: &str) -> Option<Self> {
        let valid = text.len() == 32
            && text
                .bytes()
                .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte));
        valid.then(|| Self(text.to_owned()))
    }

    /// Returns the id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A section of the plan page, in page order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Section {
    /// The plan's own fields: title, school, year, focus, team.
    Plan,
    RootCauses,
    SmartGoals,
    PrimaryActions,
    SupportStructures,
    Resources,
    Milestones,
    Timeline,
    ProgressMonitoring,
    CheckIns,
}

impl Section {
    /// Every section, in page order.
    pub const ALL: [Section; 10] = [
        Section::Plan,
        Section::RootCauses,
        Section::SmartGoals,
        Section::PrimaryActions,
        Section::SupportStructures,
        Section::Resources,
        Section::Milestones,
        Section::Timeline,
        Section::ProgressMonitoring,
        Section::CheckIns,
    ];

    /// Returns the section's name in the payload.
    pub fn key(self) -> &'static str {
        match self {
            Section::Plan => "plan",
            Section::RootCauses => "root-causes",
            Section::SmartGoals => "smart-goals",
            Section::PrimaryActions => "primary-actions",
            Section::SupportStructures => "support-structures",
            Section::Resources => "resources",
            Section::Milestones => "milestones",
            Section::Timeline => "timeline",
            Section::ProgressMonitoring => "progress-monitoring",
            Section::CheckIns => "check-ins",
        }
    }

    /// Returns the section with this payload name, if this build has it.
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|section| section.key() == key)
    }

    /// Returns the section's heading on the plan page.
    pub fn label(self) -> &'static str {
        match self {
            Section::Plan => "Plan details",
            Section::RootCauses => "Root causes",
            Section::SmartGoals => "SMART goals",
            Section::PrimaryActions => "Primary actions",
            Section::SupportStructures => "Support structures",
            Section::Resources => "Resources",
            Section::Milestones => "Milestones",
            Section::Timeline => "Timeline",
            Section::ProgressMonitoring => "Progress monitoring",
            Section::CheckIns => "Check-ins",
        }
    }

    /// Returns the section whose `<section>` element is labelled by the
    /// heading with this id on the plan page (`aria-labelledby`).
    pub fn from_heading_id(id: &str) -> Option<Self> {
        match id {
            "plan-title-heading" => Some(Section::Plan),
            "root-causes-heading" => Some(Section::RootCauses),
            "goals-heading" => Some(Section::SmartGoals),
            "primary-actions-heading" => Some(Section::PrimaryActions),
            "support-structures-heading" => Some(Section::SupportStructures),
            "resources-heading" => Some(Section::Resources),
            "milestones-heading" => Some(Section::Milestones),
            "timeline-heading" => Some(Section::Timeline),
            "measurements-heading" => Some(Section::ProgressMonitoring),
            "check-ins-heading" => Some(Section::CheckIns),
            _ => None,
        }
    }
}

/// One tab's presence on one plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presence {
    /// The sending tab.
    pub tab: TabId,
    /// The section it is in, when this build recognizes it.
    pub section: Option<Section>,
    /// Whether the tab is closing the plan.
    pub leaving: bool,
}

/// The reason a presence payload was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PresenceError {
    /// The payload is over [`MAX_PRESENCE_BYTES`].
    #[error("presence payload of {size} bytes is over the limit of {max} bytes")]
    TooLarge {
        /// The payload's size, in bytes.
        size: usize,
        /// The maximum size, in bytes.
        max: usize,
    },

    /// The payload is not JSON.
    #[error("presence payload is not valid JSON: {reason}")]
    InvalidJson {
        /// The JSON parser's message.
        reason: String,
    },

    /// The payload is JSON but not an object.
    #[error("presence payload is a JSON {found}; expected an object")]
    NotAnObject {
        /// The JSON type found.
        found: &'static str,
    },

    /// The payload's version is missing or not one this build reads.
    #[error(
        "presence payload version {found} is not supported; this build reads version {supported}"
    )]
    UnsupportedVersion {
        /// The `v` field as received, or `missing`.
        found: String,
        /// [`PRESENCE_VERSION`].
        supported: u64,
    },

    /// A field is missing or has the wrong type or form.
    #[error("presence payload field {field:?} is invalid: expected {expected}")]
    InvalidField {
        /// The field's key.
        field: &'static str,
        /// The expected content of the field.
        expected: &'static str,
    },
}

impl Presence {
    /// Encodes the payload as JSON bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut object = Map::new();
        object.insert("v".to_owned(), Value::from(PRESENCE_VERSION));
        object.insert("tab".to_owned(), Value::from(self.tab.as_str()));
        object.insert(
            "section".to_owned(),
            self.section
                .map_or(Value::Null, |section| Value::from(section.key())),
        );
        object.insert("leaving".to_owned(), Value::Bool(self.leaving));
        Value::Object(object).to_string().into_bytes()
    }

    /// Decodes a payload received from another tab.
    ///
    /// # Errors
    ///
    /// [`PresenceError`] for a payload that is too large, not a JSON
    /// object, of another version, or with a missing or invalid field.
    pub fn decode(bytes: &[u8]) -> Result<Self, PresenceError> {
        if bytes.len() > MAX_PRESENCE_BYTES {
            return Err(PresenceError::TooLarge {
                size: bytes.len(),
                max: MAX_PRESENCE_BYTES,
            });
        }
        let value: Value =
            serde_json::from_slice(bytes).map_err(|error| PresenceError::InvalidJson {
                reason: error.to_string(),
            })?;
        let Value::Object(object) = value else {
            return Err(PresenceError::NotAnObject {
                found: json_type_name(&value),
            });
        };

        match object.get("v") {
            Some(version) if version.as_u64() == Some(PRESENCE_VERSION) => {}
            found => {
                return Err(PresenceError::UnsupportedVersion {
                    found: found.map_or_else(|| "missing".to_owned(), Value::to_string),
                    supported: PRESENCE_VERSION,
                })
            }
        }

        let tab = object
            .get("tab")
            .and_then(Value::as_str)
            .and_then(TabId::parse)
            .ok_or(PresenceError::InvalidField {
                field: "tab",
                expected: "32 lowercase hexadecimal digits",
            })?;

        let section = match object.get("section") {
            None | Some(Value::Null) => None,
            Some(Value::String(key)) => Section::from_key(key),
            Some(_) => {
                return Err(PresenceError::InvalidField {
                    field: "section",
                    expected: "a section name or null",
                })
            }
        };

        let leaving = match object.get("leaving") {
            None => false,
            Some(Value::Bool(leaving)) => *leaving,
            Some(_) => {
                return Err(PresenceError::InvalidField {
                    field: "leaving",
                    expected: "true or false",
                })
            }
        };

        Ok(Self {
            tab,
            section,
            leaving,
        })
    }
}

fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAB: &str = "5f0c3b0e9a4d4a4f8e2b7c1d0a9e6f31";

    fn presence(section: Option<Section>, leaving: bool) -> Presence {
        Presence {
            tab: TabId::parse(TAB).expect("a valid tab id"),
            section,
            leaving,
        }
    }

    #[test]
    fn every_section_round_trips() {
        for section in Section::ALL {
            for leaving in [false, true] {
                let sent = presence(Some(section), leaving);

                let bytes = sent.encode();

                assert!(bytes.len() <= MAX_PRESENCE_BYTES);
                assert_eq!(Presence::decode(&bytes), Ok(sent));
            }
        }
    }

    #[test]
    fn no_section_round_trips() {
        let sent = presence(None, false);

        assert_eq!(Presence::decode(&sent.encode()), Ok(sent));
    }

    #[test]
    fn encoding_is_documented_form() {
        let bytes = presence(Some(Section::SmartGoals), false).encode();

        let value: Value = serde_json::from_slice(&bytes).expect("JSON");

        assert_eq!(
            value,
            serde_json::json!({"v": 1, "tab": TAB, "section": "smart-goals", "leaving": false})
        );
    }

    #[test]
    fn random_tab_ids_parse_and_differ() {
        let first = TabId::new_random();
        let second = TabId::new_random();

        assert_eq!(TabId::parse(first.as_str()), Some(first.clone()));
        assert_ne!(first, second);
    }

    #[test]
    fn unknown_section_and_keys_are_tolerated() {
        let bytes = format!(r#"{{"v":1,"tab":"{TAB}","section":"budget-2030","cursor":[1,2]}}"#);

        let decoded = Presence::decode(bytes.as_bytes());

        assert_eq!(decoded, Ok(presence(None, false)));
    }

    #[test]
    fn oversized_payload_is_rejected() {
        let padding = "x".repeat(MAX_PRESENCE_BYTES);
        let bytes = format!(r#"{{"v":1,"tab":"{TAB}","pad":"{padding}"}}"#);

        let error = Presence::decode(bytes.as_bytes()).unwrap_err();

        assert_eq!(
            error,
            PresenceError::TooLarge {
                size: bytes.len(),
                max: MAX_PRESENCE_BYTES
            }
        );
        assert!(error.to_string().contains("over the limit of 512 bytes"));
    }

    #[test]
    fn malformed_payloads_are_rejected() {
        let cases: &[(&[u8], PresenceError)] = &[
            (
                b"",
                PresenceError::InvalidJson {
                    reason: "EOF while parsing a value at line 1 column 0".to_owned(),
                },
            ),
            (b"[1,2]", PresenceError::NotAnObject { found: "array" }),
            (b"\"here\"", PresenceError::NotAnObject { found: "string" }),
            (
                br#"{"tab":"5f0c3b0e9a4d4a4f8e2b7c1d0a9e6f31"}"#,
                PresenceError::UnsupportedVersion {
                    found: "missing".to_owned(),
                    supported: 1,
                },
            ),
            (
                br#"{"v":2,"tab":"5f0c3b0e9a4d4a4f8e2b7c1d0a9e6f31"}"#,
                PresenceError::UnsupportedVersion {
                    found: "2".to_owned(),
                    supported: 1,
                },
            ),
            (
                br#"{"v":"1","tab":"5f0c3b0e9a4d4a4f8e2b7c1d0a9e6f31"}"#,
                PresenceError::UnsupportedVersion {
                    found: "\"1\"".to_owned(),
                    supported: 1,
                },
            ),
            (
                br#"{"v":1}"#,
                PresenceError::InvalidField {
                    field: "tab",
                    expected: "32 lowercase hexadecimal digits",
                },
            ),
            (
                br#"{"v":1,"tab":"5F0C3B0E9A4D4A4F8E2B7C1D0A9E6F31"}"#,
                PresenceError::InvalidField {
                    field: "tab",
                    expected: "32 lowercase hexadecimal digits",
                },
            ),
            (
                br#"{"v":1,"tab":"short"}"#,
                PresenceError::InvalidField {
                    field: "tab",
                    expected: "32 lowercase hexadecimal digits",
                },
            ),
            (
                br#"{"v":1,"tab":"5f0c3b0e9a4d4a4f8e2b7c1d0a9e6f31","section":7}"#,
                PresenceError::InvalidField {
                    field: "section",
                    expected: "a section name or null",
                },
            ),
            (
                br#"{"v":1,"tab":"5f0c3b0e9a4d4a4f8e2b7c1d0a9e6f31","leaving":"yes"}"#,
                PresenceError::InvalidField {
                    field: "leaving",
                    expected: "true or false",
                },
            ),
        ];

        for (bytes, expected) in cases {
            let text = String::from_utf8_lossy(bytes);
            assert_eq!(
                Presence::decode(bytes).as_ref(),
                Err(expected),
                "payload {text}"
            );
        }
    }

    #[test]
    fn invalid_utf8_is_rejected() {
        let error = Presence::decode(&[0x7b, 0xff, 0xfe, 0x7d]).unwrap_err();

        assert!(
            matches!(error, PresenceError::InvalidJson { .. }),
            "{error}"
        );
    }

    #[test]
    fn deep_nesting_is_rejected_without_panic() {
        let nested = "[".repeat(MAX_PRESENCE_BYTES);

        let error = Presence::decode(nested.as_bytes()).unwrap_err();

        assert!(
            matches!(error, PresenceError::InvalidJson { .. }),
            "{error}"
        );
    }

    #[test]
    fn heading_ids_map_to_sections() {
        assert_eq!(
            Section::from_heading_id("goals-heading"),
            Some(Section::SmartGoals)
        );
        assert_eq!(
            Section::from_heading_id("measurements-heading"),
            Some(Section::ProgressMonitoring)
        );
        assert_eq!(Section::from_heading_id("plan-history-heading"), None);
    }
}
