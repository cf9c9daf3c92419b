//! Three clients and one server document converge through a faulty
//! simulated network.

#[path = "support/sim.rs"]
mod sim;

use cairn_sync::SyncStatus;
use rand::Rng;
use sim::{Faults, Sim, DOC};

/// The number of seeds each fault mix runs unless `CAIRN_SYNC_SIM_SEEDS`
/// sets another. Each seed is one independent scenario, so more seeds only
/// cost time.
const DEFAULT_SEEDS: u64 = 16;

/// Random actions per scenario before the network heals.
const STEPS: usize = 150;

const CLIENTS: usize = 3;

fn seeds() -> u64 {
    std::env::var("CAIRN_SYNC_SIM_SEEDS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(DEFAULT_SEEDS)
}

const HARSH: Faults = Faults {
    drop: 0.1,
    duplicate: 0.05,
    max_extra_delay_ms: 200,
    max_commit_delay_ms: 300,
};

/// Runs one scenario: random edits, presence, reconnects and optional server
/// restarts under `faults`, then heals and checks convergence.
fn run_scenario(seed: u64, faults: Faults, restarts: bool) {
    let mut sim = Sim::new(seed, CLIENTS);
    sim.faults = faults;
    for index in 0..CLIENTS {
        sim.connect(index);
    }

    for _ in 0..STEPS {
        let action = sim.rng.random_range(0..100);
        let index = sim.rng.random_range(0..CLIENTS);
        match action {
            0..=39 => sim.random_edit(index),
            40..=44 => sim.send_presence(index),
            45..=49 => sim.disconnect(index),
            50..=54 => sim.connect(index),
            55 if restarts => sim.restart_server(),
            _ => {
                let until = sim.now + sim.rng.random_range(1..400);
                sim.run_until(until);
            }
        }
        sim.tick_all();
    }

    heal(&mut sim);
    check_converged(&sim, seed);
}

/// Stops the faults, reconnects every client and runs until quiet.
fn heal(sim: &mut Sim) {
    sim.faults = Faults::NONE;
    for index in 0..CLIENTS {
        sim.reconnect(index);
    }
    sim.run_until_quiet();
}

fn check_converged(sim: &Sim, seed: u64) {
    let server_doc = sim.server.document.document();
    let server_heads = server_doc.get_heads();
    let server_json = Sim::json(server_doc);

    for (index, client) in sim.clients.iter().enumerate() {
        assert_eq!(
            client.doc.get_heads(),
            server_heads,
            "seed {seed}: client {index} heads differ from the server's"
        );
        assert_eq!(
            Sim::json(&client.doc),
            server_json,
            "seed {seed}: client {index} JSON differs from the server's"
        );
        assert_eq!(
            client.session.unacked_changes(&DOC, &client.doc),
            0,
            "seed {seed}: client {index} has unacknowledged changes"
        );
        assert_eq!(
            client.session.status(&DOC, &client.doc),
            SyncStatus::Saved,
            "seed {seed}: client {index} is not saved"
        );
        assert_eq!(
            client.receive_errors, 0,
            "seed {seed}: client {index} rejected a frame"
        );
    }

    assert_eq!(
        sim.server.document.durable_heads(),
        server_heads.as_slice(),
        "seed {seed}: the server holds changes that are not durable"
    );
    assert_eq!(
        sim.server.load_storage().get_heads(),
        server_heads,
        "seed {seed}: storage is missing changes the server acknowledged"
    );
}

#[test]
fn clients_converge_on_a_reliable_network() {
    for seed in 0..seeds() {
        run_scenario(seed, Faults::NONE, false);
    }
}

#[test]
fn clients_converge_despite_network_faults() {
    for seed in 0..seeds() {
        run_scenario(1000 + seed, HARSH, false);
    }
}

#[test]
fn clients_converge_despite_server_restarts() {
    for seed in 0..seeds() {
        run_scenario(2000 + seed, HARSH, true);
    }
}

#[test]
fn scenarios_make_edits_on_every_client() {
    let mut sim = Sim::new(42, CLIENTS);
    for index in 0..CLIENTS {
        sim.connect(index);
    }
    for step in 0..30 {
        sim.random_edit(step % CLIENTS);
        sim.run_until(sim.now + 50);
    }
    heal(&mut sim);

    for (index, client) in sim.clients.iter().enumerate() {
        assert_eq!(
            client.edits, 10,
            "client {index} made a different number of edits"
        );
    }
    check_converged(&sim, 42);
}
