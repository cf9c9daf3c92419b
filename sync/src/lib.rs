//! Cairn's sync protocol: the envelope that carries automerge sync messages
//! over one WebSocket per browser tab, and the sans-IO state machines of both
//! ends.
//!
//! Each plan is one automerge document. A browser keeps full replicas and the
//! server keeps the stored copy. One connection multiplexes many documents:
//!
//! 1. The client sends `Open { doc }` and its first `Sync` for each document
//!    it wants, starting from a fresh `automerge::sync::State`.
//!
//! 2. The server subscribes the connection, replies with `Ack` (the heads it
//!    has stored) and its own first `Sync`.
//!
//! 3. Both sides reply to each `Sync` with the next one until automerge has
//!    nothing left to send.
//!
//! 4. The server commits each new change to its database before it
//!    acknowledges the change with `Ack` and before it forwards the change to
//!    any other peer.
//!
//! 5. After a reconnect, or when a reply is overdue, the client sends `Open`
//!    again, which restarts that document's sync from fresh states on both
//!    sides.
//!
//! Nothing here does IO or reads a clock: [`ClientSession`] and
//! [`ServerDocument`] take messages and the current time in and return
//! messages to send, so the crate builds for native targets and for
//! `wasm32-unknown-unknown`. `docs/protocol.md` in the repository describes
//! the wire format for other implementations.

mod client;
mod document_id;
mod envelope;
mod error;
mod history;
mod server;
mod sync_message;

pub use client::{
    ClientEvent, ClientSession, Received, SyncStatus, MAX_REPLY_TIMEOUT_MS, REPLY_TIMEOUT_MS,
};
pub use document_id::{DocumentId, ParseDocumentIdError};
pub use envelope::{
    decode, encode, ErrorCode, Message, MAX_EPHEMERAL_BYTES, MAX_FRAME_BYTES, PROTOCOL_VERSION,
};
pub use error::{DecodeError, SyncError};
pub use server::{Applied, Outbound, PeerId, ServerDocument};
pub use sync_message::MAX_BLOOM_PROBES;

pub use automerge::ChangeHash;
