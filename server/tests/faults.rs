//! A seeded randomized test of the sync hub under faults.
//!
//! Three sync clients (real WebSockets over loopback, driven by
//! `cairn_sync::ClientSession`) edit two plans. Meanwhile connections drop,
//! and clients go offline for a while and come back. The server is killed
//! (its runtime stops with no shutdown) and started again on the same
//! SQLite file. The database fails some loads, writes and compactions, some
//! of them after the write committed. Then the faults stop, everyone
//! reconnects, and the test checks that:
//!
//! 1. every replica, each client's and the stored one reloaded from the
//!    file, has the same heads;
//! 2. the stored document holds every change the server acknowledged with
//!    `Ack`, checked after every step and at the end;
//! 3. the stored document never loses a change once it has it, so it is
//!    never seen empty after it had content, and no client's replica ever
//!    loses a change, including a client that opened the plan while its
//!    load failed.
//!
//! Every decision comes from the seed: the fault rates, the actions of each
//! step, the storage failures in the order the calls arrive. Time for the
//! clients is logical, one second per step. The server's own timers (the
//! retry of a failed write) are real, and so is the order in which the
//! server's tasks run, so a seed replays the same actions but not always
//! the same interleaving.
//!
//! `CAIRN_FAULT_SEEDS` sets how many seeds run (default 4), from
//! `CAIRN_FAULT_FIRST_SEED` (default 1); `CAIRN_FAULT_SEED` runs just one.
//! A failing seed prints the command that runs it alone.

#[path = "support/client.rs"]
mod client;
#[path = "support/crashable.rs"]
mod crashable;
#[path = "support/fault_client.rs"]
mod fault_client;
#[path = "support/faulty_storage.rs"]
mod faulty_storage;
#[path = "support/server.rs"]
mod server;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use automerge::{ActorId, Automerge, ChangeHash, ReadDoc};
use cairn_plan::{PlanDocument, RootCause};
use cairn_server::storage::{SqlStorage, Storage};
use cairn_sync::DocumentId;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crashable::CrashableServer;
use fault_client::FaultClient;
use faulty_storage::{FaultRates, Faults};
use server::database_path;

/// The number of clients.
const CLIENTS: usize = 3;

/// The number of plans they edit.
const PLANS: usize = 2;

/// The number of steps with faults.
const STEPS: usize = 80;

/// How long a client reads after each step before it counts as quiet.
const QUIET: Duration = Duration::from_millis(5);

/// The logical time one step takes, in milliseconds.
const STEP_MS: u64 = 1_000;

/// How long the replicas may take to converge once the faults stop. The
/// server retries a failed write after at most 30 seconds, and a client's
/// restarted sync makes it write sooner, so this only catches a hang.
const CONVERGE_LIMIT: Duration = Duration::from_secs(90);

/// The default number of seeds, small enough for CI.
const DEFAULT_SEEDS: u64 = 4;

#[test]
fn sync_survives_seeded_faults() {
    let seeds = seeds_to_run();
    for seed in seeds {
        let outcome = std::panic::catch_unwind(|| run_seed(seed));
        if let Err(panic) = outcome {
            eprintln!(
                "fault seed {seed} failed; rerun it alone with:\n  \
                 CAIRN_FAULT_SEED={seed} cargo test -p cairn-server --test faults -- --nocapture"
            );
            std::panic::resume_unwind(panic);
        }
    }
}

/// Reads the seeds to run from the environment.
fn seeds_to_run() -> Vec<u64> {
    let number = |name: &str| -> Option<u64> {
        let value = std::env::var(name).ok()?;
        let parsed = value.trim().parse().unwrap_or_else(|_| {
            panic!("{name} is `{value}`, not a whole number; set it to a seed such as 1234")
        });
        Some(parsed)
    };

    if let Some(seed) = number("CAIRN_FAULT_SEED") {
        return vec![seed];
    }
    let first = number("CAIRN_FAULT_FIRST_SEED").unwrap_or(1);
    let count = number("CAIRN_FAULT_SEEDS").unwrap_or(DEFAULT_SEEDS);
    (first..first + count).collect()
}

/// Runs one seed on its own runtime, with a new database.
fn run_seed(seed: u64) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("the clients' runtime starts");
    let summary = runtime.block_on(FaultRun::run(seed, &database_path(&folder)));
    eprintln!("fault seed {seed}: {summary}");
}

/// One seed's run: the server, the clients and what the checks remember.
struct FaultRun {
    seed: u64,
    rng: StdRng,
    path: std::path::PathBuf,
    faults: Arc<Faults>,
    /// `None` while the server is down.
    server: Option<CrashableServer>,
    /// The step at which a downed server starts again.
    server_back_at: usize,
    restarts: usize,
    /// The database read directly, never failing, for the checks.
    checker: SqlStorage,
    plans: Vec<DocumentId>,
    clients: Vec<FaultClient>,
    /// The step at which each offline client reconnects.
    back_online_at: Vec<Option<usize>>,
    /// The heads of each stored document when last checked.
    stored_heads: BTreeMap<DocumentId, Vec<ChangeHash>>,
    /// Each stored document as last loaded, with the fingerprint of its
    /// rows then.
    stored_cache: BTreeMap<DocumentId, (Fingerprint, Option<Automerge>)>,
    edits: usize,
}

impl FaultRun {
    async fn run(seed: u64, path: &Path) -> String {
        let started = Instant::now();
        let mut run = Self::start(seed, path).await;
        run.set_up().await;
        let set_up = started.elapsed();

        run.faults.set_enabled(true);
        for step in 0..STEPS {
            run.step(step).await;
            run.check_step(step).await;
        }
        run.faults.set_enabled(false);
        let stepped = started.elapsed();

        run.converge().await;
        run.check_after_restart().await;
        format!(
            "{}; set-up {:.1} s, steps {:.1} s, convergence {:.1} s",
            run.summary(),
            set_up.as_secs_f64(),
            (stepped - set_up).as_secs_f64(),
            (started.elapsed() - stepped).as_secs_f64()
        )
    }

    async fn start(seed: u64, path: &Path) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let rates = FaultRates {
            load: [0.0, 0.3, 0.6][rng.random_range(0..3)],
            append: rng.random_range(0.05..0.4),
            compact: rng.random_range(0.0..0.6),
            after_commit: rng.random_range(0.0..0.7),
        };
        let faults = Faults::new(rng.random(), rates);

        let server = CrashableServer::start(path, Arc::clone(&faults)).await;
        let checker = SqlStorage::open_sqlite(path)
            .await
            .expect("the checker opens the database");
        let mut plans = Vec::new();
        for _ in 0..PLANS {
            plans.push(server.new_plan().await);
        }
        let cookie = server.cookie().to_owned();
        let clients = (0..CLIENTS)
            .map(|number| FaultClient::new(number, &cookie))
            .collect();

        Self {
            seed,
            rng,
            path: path.to_path_buf(),
            faults,
            server: Some(server),
            server_back_at: 0,
            restarts: 0,
            checker,
            plans,
            clients,
            back_online_at: vec![None; CLIENTS],
            stored_heads: BTreeMap::new(),
            stored_cache: BTreeMap::new(),
            edits: 0,
        }
    }

    /// Client 0 creates every plan and waits until the server stored it;
    /// the other clients start offline with nothing open.
    async fn set_up(&mut self) {
        let addr = self.server().addr();
        assert!(self.clients[0].connect(addr).await, "client 0 connects");
        for index in 0..PLANS {
            let doc = self.plans[index];
            let mut plan = PlanDocument::create();
            plan.set_actor(self.actor(0, index));
            plan.set_title(&format!("Plan {index} of seed {}", self.seed))
                .expect("the title is set");
            self.clients[0].open(doc, Some(plan)).await;
        }

        let deadline = Instant::now() + CONVERGE_LIMIT;
        while !self.plans.iter().all(|&doc| self.clients[0].is_saved(doc)) {
            assert!(
                Instant::now() < deadline,
                "the plans were not stored before the faults"
            );
            self.clients[0].pump(QUIET).await;
        }
        for number in 1..CLIENTS {
            self.back_online_at[number] = Some(0);
        }
    }

    /// A seeded actor id for one client's replica of one plan.
    fn actor(&self, client: usize, plan: usize) -> ActorId {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.seed.to_be_bytes());
        bytes[8] = u8::try_from(client).expect("few clients");
        bytes[9] = u8::try_from(plan).expect("few plans");
        ActorId::from(bytes)
    }

    fn server(&self) -> &CrashableServer {
        self.server.as_ref().expect("the server runs")
    }

    /// One step: a seeded action, then the server and the clients that are
    /// due come back, and every connected client reads what arrived.
    async fn step(&mut self, step: usize) {
        let number = self.rng.random_range(0..CLIENTS);
        let roll = self.rng.random_range(0..100);
        match roll {
            0..45 => self.edit(number).await,
            45..55 => self.open(number).await,
            55..63 => {
                self.clients[number].disconnect();
                self.back_online_at[number] = Some(step + self.rng.random_range(1..=3));
            }
            63..68 => {
                self.clients[number].disconnect();
                self.back_online_at[number] = Some(step + self.rng.random_range(5..=15));
            }
            68..72 => {
                if let Some(server) = self.server.take() {
                    server.kill();
                    self.restarts += 1;
                    self.server_back_at = step + self.rng.random_range(0..=3);
                }
            }
            _ => {}
        }

        if self.server.is_none() && step >= self.server_back_at {
            self.server = Some(CrashableServer::start(&self.path, Arc::clone(&self.faults)).await);
        }
        let addr = self.server.as_ref().map(CrashableServer::addr);

        for number in 0..CLIENTS {
            let retry_opens = self.rng.random_bool(0.5);
            let client = &mut self.clients[number];
            if !client.is_connected() {
                let due = self.back_online_at[number].is_some_and(|at| step >= at);
                if let (true, Some(addr)) = (due, addr) {
                    client.connect(addr).await;
                }
            }
            if client.is_connected() && retry_opens {
                client.retry_failed_opens().await;
            }
            client.tick(STEP_MS).await;
            client.pump(QUIET).await;
        }
    }

    /// Makes 1 to 30 edits to a plan the client has, each its own commit.
    async fn edit(&mut self, number: usize) {
        // Every draw comes before the checks, because whether a replica
        // has received the plan's schema yet depends on timing.
        let doc = self.pick_plan();
        let commits = self.rng.random_range(1..=30);
        let kinds: Vec<u8> = (0..commits).map(|_| self.rng.random_range(0..4)).collect();
        let client = &self.clients[number];
        if !client.has(doc) || !client.replica(doc).is_initialized() {
            return;
        }

        let tag = format!("{}-{}", self.seed, self.edits);
        self.edits += commits;
        self.clients[number]
            .edit(doc, |plan| {
                for (index, kind) in kinds.into_iter().enumerate() {
                    let text = format!("{tag}-{index}");
                    let edited = match kind {
                        0 => plan.set_title(&format!("Title {text}")),
                        1 => plan.set_school(&format!("School {text}")),
                        2 => plan.set_focus_area(&format!("Focus {text}")),
                        _ => plan
                            .insert_root_cause(&RootCause::new(format!("Cause {text}")), None)
                            .map(|_| ()),
                    };
                    edited.expect("the edit applies");
                }
            })
            .await;
    }

    /// Opens a plan the client does not have yet, with an empty replica,
    /// or opens one it has again.
    async fn open(&mut self, number: usize) {
        let doc = self.pick_plan();
        let index = self.plans.iter().position(|&plan| plan == doc);
        let replica = if self.clients[number].has(doc) {
            None
        } else {
            let mut replica = PlanDocument::empty();
            replica.set_actor(self.actor(number, index.expect("a known plan")));
            Some(replica)
        };
        self.clients[number].open(doc, replica).await;
    }

    /// The first plan is edited more, so that it reaches compaction.
    fn pick_plan(&mut self) -> DocumentId {
        if self.rng.random_bool(0.85) {
            self.plans[0]
        } else {
            self.plans[self.rng.random_range(0..PLANS)]
        }
    }

    /// Checks after a step that the stored documents lost nothing and hold
    /// every acknowledged change, and that no replica lost a change.
    async fn check_step(&mut self, step: usize) {
        for number in 0..CLIENTS {
            self.clients[number].assert_no_replica_lost_changes();
        }
        for index in 0..PLANS {
            let doc = self.plans[index];
            let stored = self.load_stored_if_changed(doc).await;
            if let Some(stored) = stored {
                self.assert_stored_kept_changes(doc, stored.as_ref(), step);
                self.stored_cache.get_mut(&doc).expect("just cached").1 = stored;
            }
            let cached = self
                .stored_cache
                .get(&doc)
                .and_then(|(_, stored)| stored.as_ref());
            self.assert_acked_stored(doc, cached, &format!("after step {step}"));
        }
    }

    /// Loads the stored document when its rows changed since the last
    /// load, and returns it; returns `None` when nothing changed. Loading
    /// a document in a debug build takes long, and most steps leave at
    /// least one plan unchanged.
    async fn load_stored_if_changed(&mut self, doc: DocumentId) -> Option<Option<Automerge>> {
        let fingerprint = fingerprint(&self.checker, doc).await;
        if self
            .stored_cache
            .get(&doc)
            .is_some_and(|(cached, _)| *cached == fingerprint)
        {
            return None;
        }
        self.stored_cache.insert(doc, (fingerprint, None));
        Some(load_stored(&self.checker, doc).await)
    }

    fn assert_stored_kept_changes(
        &mut self,
        doc: DocumentId,
        stored: Option<&Automerge>,
        step: usize,
    ) {
        let before = self.stored_heads.get(&doc).cloned().unwrap_or_default();
        let Some(stored) = stored else {
            assert!(
                before.is_empty(),
                "document {doc} vanished from storage at step {step}"
            );
            return;
        };

        if !before.is_empty() {
            assert!(
                !stored.get_heads().is_empty(),
                "document {doc} is stored empty at step {step} after it had content"
            );
        }
        for head in &before {
            assert!(
                stored.get_change_by_hash(head).is_some(),
                "the stored document {doc} lost change {head} at step {step}"
            );
        }
        self.stored_heads.insert(doc, stored.get_heads());
    }

    fn assert_acked_stored(&self, doc: DocumentId, stored: Option<&Automerge>, when: &str) {
        for client in &self.clients {
            for head in client.acked(doc) {
                let found = stored.is_some_and(|stored| stored.get_change_by_hash(&head).is_some());
                assert!(
                    found,
                    "client {} has change {head} of document {doc} acknowledged, but it is not stored {when}",
                    client.number
                );
            }
        }
    }

    /// With the faults stopped: the server runs, every client connects and
    /// opens every plan, and they read until every replica has the same
    /// heads and every change is acknowledged.
    async fn converge(&mut self) {
        if self.server.is_none() {
            self.server = Some(CrashableServer::start(&self.path, Arc::clone(&self.faults)).await);
        }
        let addr = self.server().addr();

        for number in 0..CLIENTS {
            assert!(
                self.clients[number].connect(addr).await,
                "client {number} reconnects"
            );
            for index in 0..PLANS {
                let doc = self.plans[index];
                if !self.clients[number].has(doc) {
                    let mut replica = PlanDocument::empty();
                    replica.set_actor(self.actor(number, index));
                    self.clients[number].open(doc, Some(replica)).await;
                }
            }
        }

        let deadline = Instant::now() + CONVERGE_LIMIT;
        loop {
            let mut frames = 0;
            for client in &mut self.clients {
                if !client.is_connected() {
                    assert!(
                        client.connect(addr).await,
                        "client {} reconnects",
                        client.number
                    );
                }
                client.retry_failed_opens().await;
                frames += client.pump(Duration::from_millis(20)).await;
            }
            if self.converged().await {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the replicas did not converge within {CONVERGE_LIMIT:?}: {}",
                self.describe()
            );

            // Nothing arrives while the server waits to retry a failed
            // write; a sync restarted by the reply timeout makes it write
            // at once.
            if frames == 0 {
                for client in &mut self.clients {
                    client.tick(STEP_MS).await;
                }
            }
        }
    }

    /// Returns whether every client has every plan saved, with the same
    /// heads as every other client and the stored document.
    async fn converged(&self) -> bool {
        for &doc in &self.plans {
            let heads = sorted(self.clients[0].replica(doc).heads());
            for client in &self.clients {
                if !client.is_saved(doc) || sorted(client.replica(doc).heads()) != heads {
                    return false;
                }
            }
            let stored = load_stored(&self.checker, doc).await;
            if stored.map(|stored| sorted(stored.get_heads())) != Some(heads) {
                return false;
            }
        }
        true
    }

    fn describe(&self) -> String {
        let mut lines = Vec::new();
        for &doc in &self.plans {
            for client in &self.clients {
                lines.push(format!(
                    "client {} doc {doc}: connected {}, saved {}, heads {:?}",
                    client.number,
                    client.is_connected(),
                    client.is_saved(doc),
                    client.replica(doc).heads()
                ));
            }
        }
        lines.join("\n")
    }

    /// Kills the server once more, reloads every plan from the file, and
    /// checks it against the clients and their acknowledgements.
    async fn check_after_restart(&mut self) {
        if let Some(server) = self.server.take() {
            server.kill();
        }
        let reopened = SqlStorage::open_sqlite(&self.path)
            .await
            .expect("the database opens again");

        for index in 0..PLANS {
            let doc = self.plans[index];
            let stored = load_stored(&reopened, doc)
                .await
                .unwrap_or_else(|| panic!("document {doc} is not stored"));
            self.assert_stored_kept_changes(doc, Some(&stored), STEPS);
            self.assert_acked_stored(doc, Some(&stored), "after the final restart");
            let heads = sorted(stored.get_heads());
            for client in &self.clients {
                assert_eq!(
                    sorted(client.replica(doc).heads()),
                    heads,
                    "client {} and the stored document {doc} differ",
                    client.number
                );
            }
        }
        reopened.close().await;
    }

    fn summary(&self) -> String {
        let faults = self.faults.counts();
        let mut connects = 0;
        let mut lost = 0;
        let mut failed_opens = 0;
        let mut storage_errors = 0;
        for client in &self.clients {
            let counts = client.counts();
            connects += counts.connects;
            lost += counts.lost_connections;
            failed_opens += counts.failed_opens;
            storage_errors += counts.storage_errors;
        }
        format!(
            "{} commits, {} restarts, {connects} connects, {lost} lost connections, \
             {failed_opens} failed opens, {storage_errors} storage errors sent; \
             storage: {}/{} loads failed, {}/{} appends failed ({} after commit), \
             {}/{} compactions failed",
            self.edits,
            self.restarts,
            faults.failed_loads,
            faults.loads,
            faults.failed_appends,
            faults.appends,
            faults.failed_after_commit,
            faults.failed_compactions,
            faults.compactions,
        )
    }
}

/// Loads a stored document straight from the database. A stored document
/// that does not load fails the test.
async fn load_stored(storage: &SqlStorage, doc: DocumentId) -> Option<Automerge> {
    let stored = storage
        .load_document(doc)
        .await
        .unwrap_or_else(|error| panic!("reading document {doc} failed: {error}"))?;
    let document = stored
        .into_automerge()
        .unwrap_or_else(|error| panic!("the stored document {doc} does not load: {error}"));
    Some(document)
}

/// The state of a stored document's rows: the document row's `last_seq`,
/// `updated_at` and snapshot size, and the number and last `seq` of its
/// change rows. Every append and every compaction changes it.
type Fingerprint = Option<(i64, i64, Option<i64>, i64, Option<i64>)>;

async fn fingerprint(storage: &SqlStorage, doc: DocumentId) -> Fingerprint {
    sqlx::query_as(
        "SELECT d.last_seq, d.updated_at, length(d.snapshot), \
                (SELECT COUNT(*) FROM changes c WHERE c.document_id = d.id), \
                (SELECT MAX(c.seq) FROM changes c WHERE c.document_id = d.id) \
         FROM documents d WHERE d.id = ?1",
    )
    .bind(doc.to_string())
    .fetch_optional(storage.pool().sqlx())
    .await
    .unwrap_or_else(|error| panic!("reading the rows of document {doc} failed: {error}"))
}

fn sorted(mut heads: Vec<ChangeHash>) -> Vec<ChangeHash> {
    heads.sort();
    heads
}
