//! The envelope: the messages a connection carries and their wire format.
//!
//! A frame is one WebSocket binary message laid out as
//!
//! 1. one byte, the protocol version ([`PROTOCOL_VERSION`]);
//! 2. one CBOR map (RFC 8949) with text keys, the message body.
//!
//! The map always has the key `"type"`, a text string naming the message
//! (`"open"`, `"close"`, `"sync"`, `"ack"`, `"error"` or `"ephemeral"`).
//! The other keys depend on the type:
//!
//! | key         | CBOR type                    | used by                           |
//! |-------------|------------------------------|-----------------------------------|
//! | `"doc"`     | byte string, 16 UUID bytes   | every type (optional in `error`)  |
//! | `"data"`    | byte string                  | `sync`, `ephemeral`               |
//! | `"heads"`   | array of 32-byte byte strings| `ack`                             |
//! | `"code"`    | unsigned integer, `u16` range| `error`                           |
//! | `"message"` | text string                  | `error`                           |
//! | `"sender"`  | text string (optional)       | `ephemeral`                       |
//!
//! A decoder ignores keys it does not know, so a later version can add
//! optional keys without a new protocol version. An absent optional key and
//! a CBOR `null` mean the same.

use ciborium::value::Value;

use crate::document_id::DocumentId;
use crate::error::DecodeError;

/// The protocol version this build sends and accepts, the first byte of
/// every frame.
pub const PROTOCOL_VERSION: u8 = 1;

/// The maximum size of one frame in bytes, the version byte included:
/// 16 MiB.
///
/// [`decode`] rejects a larger frame before parsing it, so a peer cannot make
/// the other side parse an unbounded body. The server should set its
/// WebSocket message limit to the same value.
///
/// NOTE: a sync message carries every change the other peer is missing in one
/// frame, and automerge's first sync with an empty peer sends the whole
/// document. A document whose saved form is larger than this limit therefore
/// cannot be synced to an empty replica. Splitting sync messages is not
/// implemented.
pub const MAX_FRAME_BYTES: usize = 16 * 1024 * 1024;

/// The maximum size of an `ephemeral` message's `data`, in bytes. Presence
/// data names a tab and a place in a plan, so it is far smaller. The server
/// rejects larger data with [`ErrorCode::FrameTooLarge`] and does not relay
/// it.
pub const MAX_EPHEMERAL_BYTES: usize = 4 * 1024;

/// One protocol message. Each frame carries exactly one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// Client to server: start syncing this document on this connection.
    ///
    /// Sending `Open` for a document that is already open restarts its sync
    /// from a fresh sync state on both sides.
    Open {
        /// The document to sync.
        doc: DocumentId,
    },

    /// Client to server: stop syncing this document on this connection.
    Close {
        /// The document to stop syncing.
        doc: DocumentId,
    },

    /// Both directions: one encoded `automerge::sync::Message`.
    Sync {
        /// The document the sync message belongs to.
        doc: DocumentId,
        /// The bytes of `automerge::sync::Message::encode`.
        data: Vec<u8>,
    },

    /// Server to client: every change in the history of `heads` is committed
    /// to the server's database.
    Ack {
        /// The document the heads belong to.
        doc: DocumentId,
        /// The durable heads, as the bytes of `automerge::ChangeHash`es.
        heads: Vec<[u8; 32]>,
    },

    /// Both directions: a request failed.
    Error {
        /// The document the failed request concerned, absent when the frame
        /// could not be attributed to a document.
        doc: Option<DocumentId>,
        /// The kind of failure, for programs.
        code: ErrorCode,
        /// A description of the failure, for people.
        message: String,
    },

    /// Both directions: presence data (cursor, selection, who is viewing).
    /// Relayed to the other peers of the document and never stored.
    Ephemeral {
        /// The document the presence data belongs to.
        doc: DocumentId,
        /// The sending user as the server identifies it. The server replaces
        /// whatever a client put here.
        sender: Option<String>,
        /// Application-defined bytes.
        data: Vec<u8>,
    },
}

impl Message {
    /// Returns the document this message concerns, if any.
    pub fn document_id(&self) -> Option<&DocumentId> {
        match self {
            Message::Open { doc }
            | Message::Close { doc }
            | Message::Sync { doc, .. }
            | Message::Ack { doc, .. }
            | Message::Ephemeral { doc, .. } => Some(doc),
            Message::Error { doc, .. } => doc.as_ref(),
        }
    }

    /// Returns the message type as it appears in the `"type"` key on the
    /// wire, for logs and error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Open { .. } => TYPE_OPEN,
            Message::Close { .. } => TYPE_CLOSE,
            Message::Sync { .. } => TYPE_SYNC,
            Message::Ack { .. } => TYPE_ACK,
            Message::Error { .. } => TYPE_ERROR,
            Message::Ephemeral { .. } => TYPE_EPHEMERAL,
        }
    }
}

/// The kind of failure in a [`Message::Error`], encoded as an unsigned
/// integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// 1: the frame is not a well-formed message (bad CBOR, unknown type,
    /// missing or invalid field).
    Malformed,
    /// 2: the frame's version byte is not one the receiver supports.
    UnsupportedVersion,
    /// 3: the frame is larger than [`MAX_FRAME_BYTES`], or an `Ephemeral`
    /// message's data is larger than [`MAX_EPHEMERAL_BYTES`].
    FrameTooLarge,
    /// 4: the document does not exist.
    NotFound,
    /// 5: the user may not open the document.
    Forbidden,
    /// 6: a `Sync` message's data is not a valid automerge sync message, or
    /// automerge rejected the changes in it.
    InvalidSyncMessage,
    /// 7: the server could not commit changes to its database. They are not
    /// acknowledged and the client keeps them until they are.
    StorageFailed,
    /// 8: any other failure on the sender's side.
    Internal,
    /// 9: the sender sent more messages of a kind than the receiver accepts
    /// in a period. The message was dropped, and later ones are accepted
    /// again once the sender slows down.
    RateLimited,
    /// 10: the connection already has as many documents open as the
    /// receiver allows. The `Open` was refused; close a document first.
    TooManyDocuments,
    /// 11: the changes in a `Sync` message would make the document larger
    /// than the receiver stores. They were not applied, and the sender
    /// keeps them.
    PlanTooLarge,
    /// A code this build does not know, kept so that newer peers can add
    /// codes without breaking older ones.
    Unknown(u16),
}

impl ErrorCode {
    /// Returns the number sent on the wire.
    pub fn as_u16(self) -> u16 {
        match self {
            ErrorCode::Malformed => 1,
            ErrorCode::UnsupportedVersion => 2,
            ErrorCode::FrameTooLarge => 3,
            ErrorCode::NotFound => 4,
            ErrorCode::Forbidden => 5,
            ErrorCode::InvalidSyncMessage => 6,
            ErrorCode::StorageFailed => 7,
            ErrorCode::Internal => 8,
            ErrorCode::RateLimited => 9,
            ErrorCode::TooManyDocuments => 10,
            ErrorCode::PlanTooLarge => 11,
            ErrorCode::Unknown(code) => code,
        }
    }

    /// Returns the code for a number received on the wire. Numbers without a named
    /// variant become [`ErrorCode::Unknown`].
    pub fn from_u16(code: u16) -> Self {
        match code {
            1 => ErrorCode::Malformed,
            2 => ErrorCode::UnsupportedVersion,
            3 => ErrorCode::FrameTooLarge,
            4 => ErrorCode::NotFound,
            5 => ErrorCode::Forbidden,
            6 => ErrorCode::InvalidSyncMessage,
            7 => ErrorCode::StorageFailed,
            8 => ErrorCode::Internal,
            9 => ErrorCode::RateLimited,
            10 => ErrorCode::TooManyDocuments,
            11 => ErrorCode::PlanTooLarge,
            other => ErrorCode::Unknown(other),
        }
    }
}

const TYPE_OPEN: &str = "open";
const TYPE_CLOSE: &str = "close";
const TYPE_SYNC: &str = "sync";
const TYPE_ACK: &str = "ack";
const TYPE_ERROR: &str = "error";
const TYPE_EPHEMERAL: &str = "ephemeral";

const KEY_TYPE: &str = "type";
const KEY_DOC: &str = "doc";
const KEY_DATA: &str = "data";
const KEY_HEADS: &str = "heads";
const KEY_CODE: &str = "code";
const KEY_MESSAGE: &str = "message";
const KEY_SENDER: &str = "sender";

/// Encodes one message as a frame: the version byte followed by the CBOR
/// body.
///
/// The result is not checked against [`MAX_FRAME_BYTES`]. A sender that may
/// produce large messages compares the length itself.
pub fn encode(msg: &Message) -> Vec<u8> {
    let body = body_of(msg);

    let mut frame = vec![PROTOCOL_VERSION];
    // Serializing these values (text, bytes, integers, arrays and maps) can
    // fail only in the writer, and writing to a `Vec` does not fail.
    ciborium::into_writer(&body, &mut frame).expect("writing CBOR into a Vec cannot fail");
    frame
}

/// Decodes one frame.
///
/// The checks run in this order: empty frame, frame size, version byte, CBOR
/// syntax, then the fields of the message type. A `Sync` message's data is
/// not inspected here, because the session that applies it rejects invalid
/// sync messages. Every input yields a message or an error, never a panic:
/// the function indexes nothing directly, and property tests feed it random
/// and corrupted frames.
pub fn decode(frame: &[u8]) -> Result<Message, DecodeError> {
    let Some((&version, body)) = frame.split_first() else {
        return Err(DecodeError::Empty);
    };

    if frame.len() > MAX_FRAME_BYTES {
        return Err(DecodeError::FrameTooLarge {
            size: frame.len(),
            max: MAX_FRAME_BYTES,
        });
    }

    if version != PROTOCOL_VERSION {
        return Err(DecodeError::UnsupportedVersion {
            found: version,
            supported: PROTOCOL_VERSION,
        });
    }

    let mut rest = body;
    let value: Value =
        ciborium::from_reader(&mut rest).map_err(|error| DecodeError::InvalidCbor {
            reason: describe_cbor_error(&error),
        })?;
    if !rest.is_empty() {
        return Err(DecodeError::TrailingBytes { count: rest.len() });
    }

    let fields = Fields::from_value(value)?;
    message_from_fields(&fields)
}

fn body_of(msg: &Message) -> Value {
    let mut entries = vec![entry(KEY_TYPE, Value::Text(msg.kind().to_owned()))];

    match msg {
        Message::Open { doc } | Message::Close { doc } => {
            entries.push(entry(KEY_DOC, doc_value(doc)));
        }

        Message::Sync { doc, data } => {
            entries.push(entry(KEY_DOC, doc_value(doc)));
            entries.push(entry(KEY_DATA, Value::Bytes(data.clone())));
        }

        Message::Ack { doc, heads } => {
            let heads = heads
                .iter()
                .map(|hash| Value::Bytes(hash.to_vec()))
                .collect();
            entries.push(entry(KEY_DOC, doc_value(doc)));
            entries.push(entry(KEY_HEADS, Value::Array(heads)));
        }

        Message::Error { doc, code, message } => {
            if let Some(doc) = doc {
                entries.push(entry(KEY_DOC, doc_value(doc)));
            }
            entries.push(entry(KEY_CODE, Value::Integer(code.as_u16().into())));
            entries.push(entry(KEY_MESSAGE, Value::Text(message.clone())));
        }

        Message::Ephemeral { doc, sender, data } => {
            entries.push(entry(KEY_DOC, doc_value(doc)));
            if let Some(sender) = sender {
                entries.push(entry(KEY_SENDER, Value::Text(sender.clone())));
            }
            entries.push(entry(KEY_DATA, Value::Bytes(data.clone())));
        }
    }

    Value::Map(entries)
}

fn entry(key: &str, value: Value) -> (Value, Value) {
    (Value::Text(key.to_owned()), value)
}

fn doc_value(doc: &DocumentId) -> Value {
    Value::Bytes(doc.as_bytes().to_vec())
}

/// Describes a CBOR decoding error in words, without Rust's debug form.
fn describe_cbor_error(error: &ciborium::de::Error<std::io::Error>) -> String {
    match error {
        ciborium::de::Error::Io(_) => "the frame ends in the middle of a value".to_owned(),
        ciborium::de::Error::Syntax(offset) => format!("invalid CBOR at byte {offset}"),
        ciborium::de::Error::Semantic(_, reason) => truncate_for_message(reason),
        ciborium::de::Error::RecursionLimitExceeded => {
            "the values are nested too deeply".to_owned()
        }
    }
}

/// The maximum length, in characters, of peer-supplied text repeated in an
/// error message. Errors are logged and sent back, so a peer must not be
/// able to make them large.
const MAX_ECHOED_CHARS: usize = 64;

/// Shortens peer-supplied text for an error message.
fn truncate_for_message(text: &str) -> String {
    match text.char_indices().nth(MAX_ECHOED_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

fn message_from_fields(fields: &Fields) -> Result<Message, DecodeError> {
    let kind = match fields.get(KEY_TYPE) {
        Some(Value::Text(kind)) => kind.as_str(),
        Some(other) => {
            return Err(DecodeError::InvalidType {
                found: cbor_type_name(other),
            })
        }
        None => return Err(DecodeError::MissingType),
    };

    match kind {
        TYPE_OPEN => Ok(Message::Open {
            doc: fields.document_id(TYPE_OPEN)?,
        }),

        TYPE_CLOSE => Ok(Message::Close {
            doc: fields.document_id(TYPE_CLOSE)?,
        }),

        TYPE_SYNC => Ok(Message::Sync {
            doc: fields.document_id(TYPE_SYNC)?,
            data: fields.bytes(TYPE_SYNC, KEY_DATA)?,
        }),

        TYPE_ACK => Ok(Message::Ack {
            doc: fields.document_id(TYPE_ACK)?,
            heads: fields.heads(TYPE_ACK)?,
        }),

        TYPE_ERROR => Ok(Message::Error {
            doc: fields.optional_document_id(TYPE_ERROR)?,
            code: fields.error_code(TYPE_ERROR)?,
            message: fields.text(TYPE_ERROR, KEY_MESSAGE)?,
        }),

        TYPE_EPHEMERAL => Ok(Message::Ephemeral {
            doc: fields.document_id(TYPE_EPHEMERAL)?,
            sender: fields.optional_text(TYPE_EPHEMERAL, KEY_SENDER)?,
            data: fields.bytes(TYPE_EPHEMERAL, KEY_DATA)?,
        }),

        other => Err(DecodeError::UnknownMessageType {
            found: truncate_for_message(other),
        }),
    }
}

/// The text-keyed entries of a message body. Entries with other keys are
/// dropped, as unknown keys are.
struct Fields(Vec<(String, Value)>);

impl Fields {
    fn from_value(value: Value) -> Result<Self, DecodeError> {
        let Value::Map(entries) = value else {
            return Err(DecodeError::NotAMap {
                found: cbor_type_name(&value),
            });
        };

        let mut fields: Vec<(String, Value)> = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            let Value::Text(key) = key else {
                continue;
            };
            if fields.iter().any(|(existing, _)| *existing == key) {
                return Err(DecodeError::DuplicateField { field: key });
            }
            fields.push((key, value));
        }
        Ok(Self(fields))
    }

    /// Returns the value of `key`, treating CBOR `null` as absent.
    fn get(&self, key: &str) -> Option<&Value> {
        self.0
            .iter()
            .find(|(existing, _)| existing == key)
            .map(|(_, value)| value)
            .filter(|value| !value.is_null())
    }

    fn document_id(&self, message_type: &'static str) -> Result<DocumentId, DecodeError> {
        self.optional_document_id(message_type)?
            .ok_or(DecodeError::MissingField {
                message_type,
                field: KEY_DOC,
            })
    }

    fn optional_document_id(
        &self,
        message_type: &'static str,
    ) -> Result<Option<DocumentId>, DecodeError> {
        let Some(value) = self.get(KEY_DOC) else {
            return Ok(None);
        };
        let bytes = value
            .as_bytes()
            .and_then(|bytes| <[u8; 16]>::try_from(bytes.as_slice()).ok())
            .ok_or(DecodeError::InvalidField {
                message_type,
                field: KEY_DOC,
                expected: "a byte string of the 16 UUID bytes",
            })?;
        Ok(Some(DocumentId::from_bytes(bytes)))
    }

    fn bytes(
        &self,
        message_type: &'static str,
        field: &'static str,
    ) -> Result<Vec<u8>, DecodeError> {
        match self.get(field) {
            Some(Value::Bytes(bytes)) => Ok(bytes.clone()),
            Some(_) => Err(DecodeError::InvalidField {
                message_type,
                field,
                expected: "a byte string",
            }),
            None => Err(DecodeError::MissingField {
                message_type,
                field,
            }),
        }
    }

    fn text(&self, message_type: &'static str, field: &'static str) -> Result<String, DecodeError> {
        self.optional_text(message_type, field)?
            .ok_or(DecodeError::MissingField {
                message_type,
                field,
            })
    }

    fn optional_text(
        &self,
        message_type: &'static str,
        field: &'static str,
    ) -> Result<Option<String>, DecodeError> {
        match self.get(field) {
            Some(Value::Text(text)) => Ok(Some(text.clone())),
            Some(_) => Err(DecodeError::InvalidField {
                message_type,
                field,
                expected: "a text string",
            }),
            None => Ok(None),
        }
    }

    fn heads(&self, message_type: &'static str) -> Result<Vec<[u8; 32]>, DecodeError> {
        let invalid = DecodeError::InvalidField {
            message_type,
            field: KEY_HEADS,
            expected: "an array of 32-byte byte strings",
        };
        let Some(value) = self.get(KEY_HEADS) else {
            return Err(DecodeError::MissingField {
                message_type,
                field: KEY_HEADS,
            });
        };
        let Some(items) = value.as_array() else {
            return Err(invalid);
        };

        let mut heads = Vec::with_capacity(items.len());
        for item in items {
            let hash = item
                .as_bytes()
                .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok());
            match hash {
                Some(hash) => heads.push(hash),
                None => return Err(invalid),
            }
        }
        Ok(heads)
    }

    fn error_code(&self, message_type: &'static str) -> Result<ErrorCode, DecodeError> {
        let Some(value) = self.get(KEY_CODE) else {
            return Err(DecodeError::MissingField {
                message_type,
                field: KEY_CODE,
            });
        };
        value
            .as_integer()
            .and_then(|code| u16::try_from(code).ok())
            .map(ErrorCode::from_u16)
            .ok_or(DecodeError::InvalidField {
                message_type,
                field: KEY_CODE,
                expected: "an unsigned integer from 0 to 65535",
            })
    }
}

fn cbor_type_name(value: &Value) -> &'static str {
    match value {
        Value::Integer(_) => "integer",
        Value::Bytes(_) => "byte string",
        Value::Float(_) => "float",
        Value::Text(_) => "text string",
        Value::Bool(_) => "bool",
        Value::Null => "null",
        Value::Tag(..) => "tagged value",
        Value::Array(_) => "array",
        Value::Map(_) => "map",
        _ => "value of an unknown kind",
    }
}
