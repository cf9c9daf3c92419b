//! Feeds arbitrary sync data and envelopes to the server's sans-IO state
//! for one small plan document. `ServerDocument` must never panic: bad
//! input gets an error and leaves the document usable.
//!
//! The input is a list of steps. The first byte of a step picks the step
//! and the peer (two peers take turns); the steps that carry bytes take a
//! length byte and that many bytes:
//!
//! - raw bytes as a sync message;
//! - a valid sync message from a client replica, with some bytes
//!   overwritten or cut short, so mutations reach past the message header;
//! - an envelope frame, handled as the server's connection handles it;
//! - the commit of every pending change (`mark_durable`), the pending
//!   replies, and a peer leaving or joining.

#![no_main]

use std::sync::OnceLock;

use automerge::sync::{self, SyncDoc};
use automerge::Automerge;
use cairn_plan::{PlanDocument, RootCause};
use cairn_sync::{DocumentId, Message, PeerId, ServerDocument};
use libfuzzer_sys::fuzz_target;

/// The server's document and the valid sync messages a client sends it.
struct Fixture {
    id: DocumentId,
    server: Automerge,
    client_messages: Vec<Vec<u8>>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut server = PlanDocument::create();
        server.set_title("Behavior plan").expect("the title is set");

        let mut client = server.fork();
        client
            .set_school("Lincoln Elementary")
            .expect("the school is set");
        client
            .insert_root_cause(&RootCause::new("Unclear recess routines"), None)
            .expect("the root cause is inserted");

        // Run the sync exchange until the client has nothing left to send,
        // keeping each of its messages; the later ones carry changes.
        let server = server.into_automerge();
        let mut client = client.into_automerge();
        let mut server_state = sync::State::new();
        let mut client_state = sync::State::new();
        let mut client_messages = Vec::new();
        for _round in 0..4 {
            if let Some(message) = client.generate_sync_message(&mut client_state) {
                client_messages.push(message.clone().encode());
                let mut scratch = server.clone();
                scratch
                    .receive_sync_message(&mut server_state, message)
                    .expect("the server applies the client's message");
                if let Some(reply) = scratch.generate_sync_message(&mut server_state) {
                    client
                        .receive_sync_message(&mut client_state, reply)
                        .expect("the client applies the server's reply");
                }
            }
        }

        Fixture {
            id: DocumentId::new_random(),
            server,
            client_messages,
        }
    })
}

/// Takes a length byte and that many bytes (fewer at the end of the input).
fn take_chunk<'a>(input: &mut &'a [u8]) -> &'a [u8] {
    let Some((&len, rest)) = input.split_first() else {
        return &[];
    };
    let len = usize::from(len).min(rest.len());
    let (chunk, rest) = rest.split_at(len);
    *input = rest;
    chunk
}

/// A valid client message with `edits` applied: each pair of bytes
/// overwrites one byte, and an odd last byte cuts the message short.
fn mutated_client_message(fixture: &Fixture, pick: u8, edits: &[u8]) -> Vec<u8> {
    let messages = &fixture.client_messages;
    if messages.is_empty() {
        return Vec::new();
    }
    let mut message = messages[usize::from(pick) % messages.len()].clone();
    if message.is_empty() {
        return message;
    }

    let mut pairs = edits.chunks_exact(2);
    for pair in pairs.by_ref() {
        let at = usize::from(pair[0]) * 7 % message.len();
        message[at] = pair[1];
    }
    if let [cut] = pairs.remainder() {
        message.truncate(usize::from(*cut) * 3 % (message.len() + 1));
    }
    message
}

/// Applies a sync message as the document task does: receive it, then
/// take the replies that may go out now.
fn receive(server: &mut ServerDocument, peer: PeerId, data: &[u8]) {
    let _result = server.receive_sync(peer, data);
    let _replies = server.pending_outbound();
}

fuzz_target!(|input: &[u8]| {
    let fixture = fixture();
    let mut server = ServerDocument::new(fixture.id, fixture.server.clone());
    let peers = [PeerId(1), PeerId(2)];
    for peer in peers {
        let _first = server.add_peer(peer);
    }

    let mut input = input;
    while let Some((&step, rest)) = input.split_first() {
        input = rest;
        let peer = peers[usize::from(step >> 7)];

        match step % 6 {
            0 => {
                let data = take_chunk(&mut input);
                receive(&mut server, peer, data);
            }
            1 => {
                let edits = take_chunk(&mut input);
                let data = mutated_client_message(fixture, step >> 3, edits);
                receive(&mut server, peer, &data);
            }
            2 => {
                let frame = take_chunk(&mut input);
                match cairn_sync::decode(frame) {
                    Ok(Message::Sync { data, .. }) => receive(&mut server, peer, &data),
                    Ok(Message::Open { .. }) => {
                        let _first = server.add_peer(peer);
                    }
                    Ok(Message::Close { .. }) => server.remove_peer(peer),
                    Ok(Message::Ephemeral { sender, data, .. }) => {
                        let _relayed = server.relay_ephemeral(peer, sender, data);
                    }
                    Ok(Message::Ack { .. } | Message::Error { .. }) | Err(_) => {}
                }
            }
            3 => {
                let heads = server.document().get_heads();
                let _acks = server.mark_durable(&heads);
            }
            4 => {
                let _replies = server.pending_outbound();
                let _retry = server.undurable_changes();
            }
            _ => {
                if server.has_peer(peer) {
                    server.remove_peer(peer);
                } else {
                    let _first = server.add_peer(peer);
                }
            }
        }
    }
});
