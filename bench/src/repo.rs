//! The automerge-repo target: `bench/node/server.mjs` (automerge-repo 2.5.6
//! with its WebSocket server adapter and file storage) and clients that
//! speak automerge-repo's wire protocol.
//!
//! The protocol, as `@automerge/automerge-repo-network-websocket` 2.5.6
//! implements it: every frame is one CBOR map with text keys.
//!
//! 1. The client sends `join` with its `senderId` (peer id), `peerMetadata`
//!    and `supportedProtocolVersions: ["1"]`.
//! 2. The server replies `peer` with its own `senderId` and
//!    `selectedProtocolVersion`.
//! 3. Both sides then send `sync` messages: `senderId`, `targetId`,
//!    `documentId` (the Base58Check form of the 16-byte id) and `data`, one
//!    encoded Automerge sync message. A peer without the document sends
//!    `request` instead; the server replies to a request for an unknown
//!    document with `doc-unavailable`.
//!
//! These clients start with the plan, so they send `sync`. They declare
//! themselves ephemeral (`isEphemeral: true`, no `storageId`), so the server
//! keeps no sync state for them on disk.

use std::path::Path;
use std::process::Command;

use automerge::sync::{self, SyncDoc};
use automerge::Automerge;
use ciborium::value::Value;
use tokio_tungstenite::tungstenite::handshake::client::Request;

use crate::bs58check;
use crate::load::{websocket_request, Protocol, ProtocolError, Target};
use crate::process::{free_loopback_addr, ServerProcess};

/// The protocol version of automerge-repo's WebSocket adapters.
const PROTOCOL_VERSION: &str = "1";

/// A running automerge-repo sync server and the ids of its plans.
pub struct RepoTarget {
    url: String,
    document_ids: Vec<String>,
}

/// Starts `node server.mjs` from `node_folder` with its storage in
/// `folder`, for the plans `plan_ids`.
pub async fn start(
    node_folder: &Path,
    folder: &Path,
    plan_ids: &[[u8; 16]],
) -> anyhow::Result<(ServerProcess, RepoTarget)> {
    let addr = free_loopback_addr()?;
    let mut command = Command::new("node");
    command
        .arg(node_folder.join("server.mjs"))
        .arg(addr.port().to_string())
        .arg(folder.join("automerge-repo-data"))
        .current_dir(node_folder);
    let server =
        ServerProcess::start("automerge-repo", command, addr, folder.join("repo.log")).await?;

    let target = RepoTarget {
        url: format!("ws://{addr}"),
        document_ids: plan_ids.iter().map(|id| bs58check::encode(id)).collect(),
    };
    Ok((server, target))
}

impl Target for RepoTarget {
    type Client = RepoClient;

    fn request(&self) -> anyhow::Result<Request> {
        websocket_request(&self.url, &[])
    }

    fn client(&self, index: usize, plan: usize) -> RepoClient {
        RepoClient {
            peer_id: format!("cairn-bench-{index}-{}", uuid::Uuid::new_v4().simple()),
            server_id: None,
            document_id: self.document_ids[plan].clone(),
            state: sync::State::new(),
            errors: Vec::new(),
        }
    }
}

/// One automerge-repo peer with one document.
pub struct RepoClient {
    peer_id: String,
    /// The server's peer id, known after its `peer` message.
    server_id: Option<String>,
    document_id: String,
    state: sync::State,
    errors: Vec<String>,
}

fn text(value: &str) -> Value {
    Value::Text(value.to_owned())
}

fn encode(entries: Vec<(&str, Value)>) -> Vec<u8> {
    let map = Value::Map(entries.into_iter().map(|(k, v)| (text(k), v)).collect());
    let mut frame = Vec::new();
    // ciborium's writer fails only when the `Write` target fails, and a Vec
    // does not.
    ciborium::into_writer(&map, &mut frame).expect("writing CBOR into a Vec cannot fail");
    frame
}

/// Returns the value under `key` of a decoded CBOR map.
fn field<'a>(map: &'a [(Value, Value)], key: &str) -> Option<&'a Value> {
    map.iter()
        .find(|(name, _)| name.as_text() == Some(key))
        .map(|(_, value)| value)
}

fn field_text<'a>(map: &'a [(Value, Value)], key: &str) -> Option<&'a str> {
    field(map, key).and_then(Value::as_text)
}

impl RepoClient {
    fn join(&self) -> Vec<u8> {
        encode(vec![
            ("type", text("join")),
            ("senderId", text(&self.peer_id)),
            (
                "peerMetadata",
                Value::Map(vec![(text("isEphemeral"), Value::Bool(true))]),
            ),
            (
                "supportedProtocolVersions",
                Value::Array(vec![text(PROTOCOL_VERSION)]),
            ),
        ])
    }

    /// Returns the next sync message as a frame, if Automerge has one and
    /// the server's peer id is known.
    fn next_sync(&mut self, doc: &Automerge) -> Vec<Vec<u8>> {
        let Some(server_id) = self.server_id.clone() else {
            return Vec::new();
        };
        let Some(message) = doc.generate_sync_message(&mut self.state) else {
            return Vec::new();
        };
        // A peer without the document requests it with `request`.
        let kind = if doc.get_heads().is_empty() {
            "request"
        } else {
            "sync"
        };
        vec![encode(vec![
            ("type", text(kind)),
            ("senderId", text(&self.peer_id)),
            ("targetId", text(&server_id)),
            ("documentId", text(&self.document_id)),
            ("data", Value::Bytes(message.encode())),
        ])]
    }
}

impl Protocol for RepoClient {
    fn start(&mut self, _doc: &Automerge, _now_ms: u64) -> Vec<Vec<u8>> {
        vec![self.join()]
    }

    fn local_change(&mut self, doc: &Automerge, _now_ms: u64) -> Vec<Vec<u8>> {
        self.next_sync(doc)
    }

    fn receive(
        &mut self,
        frame: &[u8],
        doc: &mut Automerge,
        _now_ms: u64,
    ) -> Result<Vec<Vec<u8>>, ProtocolError> {
        let value: Value = ciborium::from_reader(frame)
            .map_err(|error| ProtocolError::InvalidFrame(error.to_string()))?;
        let Value::Map(map) = value else {
            return Err(ProtocolError::InvalidFrame(
                "the frame is not a CBOR map".to_owned(),
            ));
        };
        let kind = field_text(&map, "type")
            .ok_or_else(|| ProtocolError::InvalidFrame("the frame has no type".to_owned()))?;

        match kind {
            "peer" => {
                let server_id = field_text(&map, "senderId").ok_or_else(|| {
                    ProtocolError::InvalidFrame("the peer message has no senderId".to_owned())
                })?;
                self.server_id = Some(server_id.to_owned());
                Ok(self.next_sync(doc))
            }
            "sync" | "request" => {
                if field_text(&map, "documentId") != Some(self.document_id.as_str()) {
                    return Ok(Vec::new());
                }
                let data = match field(&map, "data") {
                    Some(Value::Bytes(bytes)) => bytes,
                    // cbor-x may tag typed arrays; the payload is the same.
                    Some(Value::Tag(_, inner)) => match inner.as_ref() {
                        Value::Bytes(bytes) => bytes,
                        _ => {
                            return Err(ProtocolError::InvalidFrame(
                                "the sync data is not a byte string".to_owned(),
                            ))
                        }
                    },
                    _ => {
                        return Err(ProtocolError::InvalidFrame(
                            "the sync message has no data".to_owned(),
                        ))
                    }
                };
                let message = sync::Message::decode(data)
                    .map_err(|error| ProtocolError::Sync(error.to_string()))?;
                doc.receive_sync_message(&mut self.state, message)
                    .map_err(|error| ProtocolError::Sync(error.to_string()))?;
                Ok(self.next_sync(doc))
            }
            "error" | "doc-unavailable" => {
                let message = field_text(&map, "message").unwrap_or_default();
                self.errors
                    .push(format!("{kind} {message}").trim().to_owned());
                Ok(Vec::new())
            }
            _ => Ok(Vec::new()),
        }
    }

    fn disconnected(&mut self) {
        self.server_id = None;
        self.state = sync::State::new();
    }

    fn reconnected(&mut self, _doc: &Automerge, _now_ms: u64) -> Vec<Vec<u8>> {
        vec![self.join()]
    }

    fn tick(&mut self, _doc: &Automerge, _now_ms: u64) -> Vec<Vec<u8>> {
        // automerge-repo's clients have no reply timeout either.
        Vec::new()
    }

    fn is_synced(&self, doc: &Automerge) -> bool {
        let mut ours = doc.get_heads();
        ours.sort();
        let Some(theirs) = &self.state.their_heads else {
            return false;
        };
        let mut theirs = theirs.clone();
        theirs.sort();
        theirs == ours
    }

    fn take_errors(&mut self) -> Vec<String> {
        std::mem::take(&mut self.errors)
    }
}
