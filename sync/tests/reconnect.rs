//! A lost reply stalls nothing and starts no loop.

#[path = "support/sim.rs"]
mod sim;

use cairn_sync::{SyncStatus, REPLY_TIMEOUT_MS};
use sim::{Sim, DOC};

/// The maximum number of frames a restart of one document may take until the
/// network is quiet again. A restart with nothing else to sync takes 4:
/// `Open` and the first `Sync` from the client, then `Ack` and the first
/// `Sync` from the server. The bound leaves room for one more round.
const MAX_FRAMES_AFTER_RESTART: usize = 6;

/// Builds a simulation of two synced clients in which client 0 edits while
/// every frame the server sends it is lost, so its reply and `Ack` never
/// arrive.
fn sim_with_lost_reply() -> Sim {
    let mut sim = Sim::new(7, 2);
    sim.connect(0);
    sim.connect(1);
    sim.run_until_quiet();

    sim.drop_frames_to = Some(0);
    sim.random_edit(0);
    sim.random_edit(0);
    let until = sim.now + 1_000;
    sim.run_until(until);
    sim.drop_frames_to = None;
    sim
}

fn assert_converged(sim: &Sim) {
    let server_heads = sim.server.document.document().get_heads();
    for (index, client) in sim.clients.iter().enumerate() {
        assert_eq!(
            client.doc.get_heads(),
            server_heads,
            "client {index} heads differ"
        );
        assert_eq!(
            client.session.status(&DOC, &client.doc),
            SyncStatus::Saved,
            "client {index} is not saved"
        );
    }
}

#[test]
fn lost_reply_leaves_edit_unacked() {
    let sim = sim_with_lost_reply();

    let client = &sim.clients[0];
    assert_eq!(client.session.unacked_changes(&DOC, &client.doc), 2);
}

#[test]
fn reconnect_after_lost_reply_goes_quiet_quickly() {
    let mut sim = sim_with_lost_reply();
    let delivered_before = sim.frames_delivered;

    sim.reconnect(0);
    sim.run_until_quiet();

    let delivered = sim.frames_delivered - delivered_before;
    assert!(
        delivered <= MAX_FRAMES_AFTER_RESTART,
        "{delivered} frames after the reconnect, expected at most {MAX_FRAMES_AFTER_RESTART}"
    );
    assert_converged(&sim);
}

#[test]
fn reconnected_sync_stays_quiet() {
    let mut sim = sim_with_lost_reply();
    sim.reconnect(0);
    sim.run_until_quiet();
    let sent_before = sim.frames_sent;

    for _ in 0..10 {
        let until = sim.now + REPLY_TIMEOUT_MS;
        sim.run_until(until);
        sim.tick_all();
    }

    assert_eq!(
        sim.frames_sent, sent_before,
        "a settled sync sent more frames"
    );
}

#[test]
fn tick_recovers_lost_reply() {
    let mut sim = sim_with_lost_reply();
    let delivered_before = sim.frames_delivered;

    sim.run_until_quiet();

    let delivered = sim.frames_delivered - delivered_before;
    assert!(
        delivered <= MAX_FRAMES_AFTER_RESTART,
        "{delivered} frames after the timeout, expected at most {MAX_FRAMES_AFTER_RESTART}"
    );
    assert_converged(&sim);
}

#[test]
fn tick_restarts_only_overdue_client() {
    let mut sim = sim_with_lost_reply();
    let due = sim.now + REPLY_TIMEOUT_MS;
    sim.run_until(due);

    let client = &mut sim.clients[0];
    let overdue = client.session.tick(DOC, &client.doc, sim.now);
    let client = &mut sim.clients[1];
    let settled = client.session.tick(DOC, &client.doc, sim.now);

    assert_eq!(overdue.len(), 2, "the overdue client sends Open and Sync");
    assert!(settled.is_empty(), "the settled client sends nothing");
}

#[test]
fn forwarded_change_needs_no_reply() {
    let mut sim = Sim::new(8, 2);
    sim.connect(0);
    sim.connect(1);
    sim.run_until_quiet();

    sim.random_edit(0);
    let until = sim.now + 1_000;
    sim.run_until(until);
    let due = sim.now + REPLY_TIMEOUT_MS;
    sim.run_until(due);

    let receiver = &mut sim.clients[1];
    let resent = receiver.session.tick(DOC, &receiver.doc, sim.now);
    assert!(resent.is_empty(), "the receiving client restarted its sync");
}

/// How long the ticking tests let the simulation run after the fault, in
/// milliseconds: long enough for several timeouts of every size.
const OBSERVE_MS: u64 = 600_000;

#[test]
fn lost_reply_restarts_exactly_once() {
    let mut sim = sim_with_lost_reply();
    let opens_before = sim.clients[0].opens_sent;

    let until = sim.now + OBSERVE_MS;
    sim.run_ticking(until);

    assert_eq!(sim.clients[0].opens_sent - opens_before, 1);
    assert_converged(&sim);
}

#[test]
fn slow_replies_restart_a_few_times_then_stop() {
    let mut sim = Sim::new(11, 2);
    sim.connect(0);
    sim.connect(1);
    sim.run_until_quiet();
    let opens_before = sim.clients[0].opens_sent;

    // Every reply takes 12 seconds, more than the reply timeout.
    sim.latency_ms = 6_000;
    sim.random_edit(0);
    sim.random_edit(0);
    let until = sim.now + OBSERVE_MS;
    sim.run_ticking(until);
    let opens_after_sync = sim.clients[0].opens_sent;
    let until = sim.now + OBSERVE_MS;
    sim.run_ticking(until);

    let restarts = opens_after_sync - opens_before;
    assert!(
        restarts <= 2,
        "{restarts} restarts for replies that were slow but not lost"
    );
    assert_eq!(
        sim.clients[0].opens_sent, opens_after_sync,
        "the client kept restarting after the sync finished"
    );
    assert_converged(&sim);
}

#[test]
fn slow_replies_on_every_edit_stop_restarting() {
    let mut sim = Sim::new(12, 2);
    sim.latency_ms = 6_000;
    sim.connect(0);
    sim.connect(1);
    let until = sim.now + OBSERVE_MS;
    sim.run_ticking(until);
    let opens_before = sim.clients[0].opens_sent;

    for _ in 0..5 {
        sim.random_edit(0);
        let until = sim.now + 60_000;
        sim.run_ticking(until);
    }

    assert_eq!(
        sim.clients[0].opens_sent, opens_before,
        "edits on a connection with slow replies restarted the sync"
    );
    assert_converged(&sim);
}

#[test]
fn duplicated_server_frames_converge_quietly() {
    let mut sim = Sim::new(13, 2);
    sim.connect(0);
    sim.connect(1);
    sim.run_until_quiet();
    let opens_before = sim.clients[1].opens_sent;

    sim.duplicate_frames_to = Some(1);
    for _ in 0..3 {
        sim.random_edit(0);
        sim.random_edit(1);
        let until = sim.now + 2_000;
        sim.run_ticking(until);
    }
    let until = sim.now + OBSERVE_MS;
    sim.run_ticking(until);

    assert_eq!(sim.clients[1].receive_errors, 0);
    assert_eq!(sim.server.errors_sent, 0);
    assert_eq!(
        sim.clients[1].opens_sent, opens_before,
        "duplicated frames restarted the sync"
    );
    assert_converged(&sim);
}

#[test]
fn reordered_server_frames_converge() {
    let mut sim = Sim::new(14, 2);
    sim.connect(0);
    sim.connect(1);
    sim.run_until_quiet();

    sim.hold_frames_to = Some(1);
    for _ in 0..3 {
        sim.random_edit(0);
        let until = sim.now + 1_000;
        sim.run_until(until);
    }
    sim.random_edit(1);
    let until = sim.now + 1_000;
    sim.run_until(until);
    assert!(sim.held_frames() >= 3, "too few frames to reorder");
    sim.release_held_reversed();
    let until = sim.now + OBSERVE_MS;
    sim.run_ticking(until);

    assert_eq!(sim.clients[1].receive_errors, 0);
    assert_converged(&sim);
}

#[test]
fn reconnect_with_nothing_pending_is_saved() {
    let mut sim = Sim::new(15, 2);
    sim.connect(0);
    sim.connect(1);
    sim.random_edit(0);
    sim.run_until_quiet();
    sim.disconnect(0);
    let client = &sim.clients[0];
    assert_eq!(
        client.session.status(&DOC, &client.doc),
        SyncStatus::Offline { unacked: 0 }
    );

    sim.connect(0);
    let client = &sim.clients[0];
    assert_eq!(client.session.status(&DOC, &client.doc), SyncStatus::Saved);
    let until = sim.now + OBSERVE_MS;
    sim.run_ticking(until);
    let sent_before = sim.frames_sent;
    let until = sim.now + OBSERVE_MS;
    sim.run_ticking(until);

    assert_eq!(
        sim.frames_sent, sent_before,
        "a settled sync sent more frames"
    );
    assert_converged(&sim);
}
