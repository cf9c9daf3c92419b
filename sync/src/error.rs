//! The errors of the codec and of the sync sessions.

use crate::document_id::DocumentId;
use crate::envelope::ErrorCode;
use crate::server::PeerId;

/// The error returned by [`crate::decode`] for a frame that is not a valid
/// message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The frame has no bytes at all.
    #[error("empty frame: a frame starts with the protocol version byte")]
    Empty,

    /// The version byte names a protocol version this build does not speak.
    #[error("unsupported protocol version {found}: this build supports version {supported}; update the older side")]
    UnsupportedVersion {
        /// The version byte received.
        found: u8,
        /// The version this build supports.
        supported: u8,
    },

    /// The frame is over [`crate::MAX_FRAME_BYTES`].
    #[error("frame of {size} bytes is over the limit of {max} bytes")]
    FrameTooLarge {
        /// The size of the frame received, in bytes.
        size: usize,
        /// The maximum frame size, in bytes.
        max: usize,
    },

    /// The body after the version byte is not one complete CBOR item.
    #[error("frame body is not valid CBOR: {reason}")]
    InvalidCbor {
        /// The CBOR parser's error message.
        reason: String,
    },

    /// Bytes follow the CBOR item of the body.
    #[error("frame body has {count} bytes after the message; a frame carries exactly one message")]
    TrailingBytes {
        /// The number of bytes after the CBOR item.
        count: usize,
    },

    /// The body is valid CBOR but not a map.
    #[error("frame body is a CBOR {found}; expected a map of message fields")]
    NotAMap {
        /// The CBOR type found.
        found: &'static str,
    },

    /// The body has no `"type"` key.
    #[error("the message has no \"type\" field: expected one of open, close, sync, ack, error or ephemeral")]
    MissingType,

    /// The `"type"` key is not a text string.
    #[error("the \"type\" field is {found}, expected a text string")]
    InvalidType {
        /// The CBOR type found.
        found: &'static str,
    },

    /// The `"type"` key names no known message type.
    #[error("unknown message type {found:?}: expected open, close, sync, ack, error or ephemeral")]
    UnknownMessageType {
        /// The type string received, shortened to 64 characters.
        found: String,
    },

    /// A required key is absent or `null`.
    #[error("the {message_type} message has no field {field:?}")]
    MissingField {
        /// The message type.
        message_type: &'static str,
        /// The missing key.
        field: &'static str,
    },

    /// A key has a value of the wrong CBOR type or size.
    #[error("field {field:?} of the {message_type} message is invalid: expected {expected}")]
    InvalidField {
        /// The message type.
        message_type: &'static str,
        /// The invalid key.
        field: &'static str,
        /// A description of the valid values.
        expected: &'static str,
    },

    /// A key appears twice in the body map.
    #[error("field {field:?} appears more than once in the message")]
    DuplicateField {
        /// The repeated key.
        field: String,
    },
}

impl DecodeError {
    /// Returns the code to send back in a [`crate::Message::Error`].
    pub fn code(&self) -> ErrorCode {
        match self {
            DecodeError::UnsupportedVersion { .. } => ErrorCode::UnsupportedVersion,
            DecodeError::FrameTooLarge { .. } => ErrorCode::FrameTooLarge,
            DecodeError::Empty
            | DecodeError::InvalidCbor { .. }
            | DecodeError::TrailingBytes { .. }
            | DecodeError::NotAMap { .. }
            | DecodeError::MissingType
            | DecodeError::InvalidType { .. }
            | DecodeError::UnknownMessageType { .. }
            | DecodeError::MissingField { .. }
            | DecodeError::InvalidField { .. }
            | DecodeError::DuplicateField { .. } => ErrorCode::Malformed,
        }
    }
}

/// The error returned by [`crate::ServerDocument`] and
/// [`crate::ClientSession`] for a message they cannot apply.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// A `Sync` message's data does not decode as an automerge sync message.
    /// The document and the sync state are unchanged.
    #[error("invalid sync message for document {doc}: {reason}")]
    InvalidSyncMessage {
        /// The document the message was for.
        doc: DocumentId,
        /// The automerge decoder's error message.
        reason: String,
    },

    /// Automerge decoded the sync message but rejected the changes in it.
    #[error("automerge rejected the changes in a sync message for document {doc}: {source}")]
    ChangesRejected {
        /// The document the message was for.
        doc: DocumentId,
        /// The error automerge returned, boxed because it is large.
        #[source]
        source: Box<automerge::AutomergeError>,
    },

    /// [`crate::ServerDocument::receive_sync`] was called for a peer that is
    /// not subscribed.
    #[error(
        "peer {peer} is not subscribed to document {doc}; call add_peer when it opens the document"
    )]
    UnknownPeer {
        /// The document.
        doc: DocumentId,
        /// The peer that is not subscribed.
        peer: PeerId,
    },

    /// [`crate::ClientSession::receive`] got a `Sync` message for an open
    /// document but no replica to apply it to.
    #[error("sync message for open document {doc} arrived without its replica; pass the document that Message::document_id names")]
    DocumentNotProvided {
        /// The document whose replica is missing.
        doc: DocumentId,
    },

    /// A message type arrived in the direction it is never sent.
    #[error("{kind} messages are sent only by the {sender}; this side never receives them")]
    UnexpectedMessage {
        /// The message type received.
        kind: &'static str,
        /// The side that sends this message type.
        sender: &'static str,
    },
}

impl SyncError {
    /// Returns the code to send back in a [`crate::Message::Error`].
    pub fn code(&self) -> ErrorCode {
        match self {
            SyncError::InvalidSyncMessage { .. } | SyncError::ChangesRejected { .. } => {
                ErrorCode::InvalidSyncMessage
            }
            SyncError::UnexpectedMessage { .. } => ErrorCode::Malformed,
            SyncError::UnknownPeer { .. } | SyncError::DocumentNotProvided { .. } => {
                ErrorCode::Internal
            }
        }
    }

    /// Returns the document the error concerns.
    pub fn document_id(&self) -> Option<&DocumentId> {
        match self {
            SyncError::InvalidSyncMessage { doc, .. }
            | SyncError::ChangesRejected { doc, .. }
            | SyncError::UnknownPeer { doc, .. }
            | SyncError::DocumentNotProvided { doc } => Some(doc),
            SyncError::UnexpectedMessage { .. } => None,
        }
    }

    /// Builds the [`crate::Message::Error`] that reports this error to the
    /// peer.
    pub fn to_message(&self) -> crate::Message {
        crate::Message::Error {
            doc: self.document_id().copied(),
            code: self.code(),
            message: self.to_string(),
        }
    }
}
