//! Benchmark of idle unloading: opens and closes many stored plans through
//! the real hub over a real SQLite file, and reads the process's memory
//! before, at the peak and after every document has unloaded.
//!
//! ```sh
//! cargo bench -p cairn-server --bench unload
//! cargo bench -p cairn-server --bench unload -- --documents 2000 --open-at-once 200
//! ```
//!
//! The steps:
//! 1. Generate a few dozen realistic plans (the dashboard benchmark's
//!    generator) and store each under many ids, so that there are
//!    `--documents` stored plans of realistic size.
//! 2. Start a hub that unloads a document `--idle-ms` after its last peer
//!    leaves. Open and close a few hundred plans once, so that the
//!    allocator and the SQLite pool reach their working size, and wait
//!    until they unload. Read the resident memory: the baseline.
//! 3. Open the plans `--open-at-once` at a time, as that many connections
//!    would. Each joins as a peer and reads the first sync messages, then
//!    leaves. Record the most documents loaded at once.
//! 4. Wait until no document is loaded, and read the resident memory and
//!    the peak since the baseline.
//! 5. Print the results as a Markdown table on stdout.
//!
//! Progress goes to stderr.

#![allow(dead_code)]

#[path = "dashboard/content.rs"]
mod content;
#[path = "dashboard/measure.rs"]
mod measure;
#[path = "dashboard/plans.rs"]
mod plans;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use cairn_server::hub::{Hub, Outgoing, PeerLink};
use cairn_server::storage::{SqlStorage, Storage};
use cairn_sync::DocumentId;
use chrono::NaiveDate;
use clap::Parser;
use rand::rngs::StdRng;
use rand::SeedableRng;
use tokio::sync::{mpsc, Notify};

use measure::{mebibytes, read_memory, reset_peak_memory};

/// Options of the unload benchmark.
#[derive(Debug, Parser)]
struct Options {
    /// The number of stored plans to open and close.
    #[arg(long, default_value_t = 10_000)]
    documents: usize,
    /// The number of plans open at the same time.
    #[arg(long, default_value_t = 500)]
    open_at_once: usize,
    /// The number of distinct generated plans the stored ones copy.
    #[arg(long, default_value_t = 50)]
    distinct_plans: usize,
    /// The idle time after which a document unloads, in milliseconds.
    #[arg(long, default_value_t = 200)]
    idle_ms: u64,
    /// The seed of the plan generator.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Accepted and ignored: `cargo bench` passes it to every benchmark.
    #[arg(long, hide = true)]
    bench: bool,
}

fn main() -> anyhow::Result<()> {
    let options = Options::parse();
    ensure!(options.documents > 0, "--documents must be at least 1");
    ensure!(
        options.open_at_once > 0,
        "--open-at-once must be at least 1"
    );
    ensure!(
        options.distinct_plans > 0,
        "--distinct-plans must be at least 1"
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the Tokio runtime failed")?;
    runtime.block_on(run(options))
}

async fn run(options: Options) -> anyhow::Result<()> {
    let folder = tempfile::tempdir().context("creating a temporary folder failed")?;
    let sqlite = SqlStorage::open_sqlite(&folder.path().join("cairn.db")).await?;
    let storage: Arc<dyn Storage> = Arc::new(sqlite);

    eprintln!("storing {} plans", options.documents);
    let (ids, plan_bytes) = store_plans(&options, storage.as_ref()).await?;

    let hub = Hub::with_idle_unload(Arc::clone(&storage), Duration::from_millis(options.idle_ms));

    eprintln!("warming up");
    let warm_up = &ids[..ids.len().min(options.open_at_once)];
    open_and_close(&hub, warm_up).await?;
    wait_unloaded(&hub).await?;

    let baseline = read_memory()?;
    reset_peak_memory()?;

    eprintln!("opening and closing {} plans", ids.len());
    let started = Instant::now();
    let mut most_loaded = 0;
    for batch in ids.chunks(options.open_at_once) {
        open_and_close(&hub, batch).await?;
        most_loaded = most_loaded.max(hub.loaded_documents());
    }
    let opened_in = started.elapsed();
    let during = read_memory()?;

    let waited = Instant::now();
    wait_unloaded(&hub).await?;
    let unloaded_in = waited.elapsed();
    let after = read_memory()?;

    let mut out = String::new();
    out.push_str("| documents | open at once | plan size (bytes) | most loaded | resident before (MiB) | peak (MiB) | resident after unloading (MiB) | open and close (s) | unload after the last close (s) |\n");
    out.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    out.push_str(&format!(
        "| {} | {} | {} | {} | {} | {} | {} | {:.1} | {:.1} |\n",
        ids.len(),
        options.open_at_once,
        plan_bytes,
        most_loaded,
        mebibytes(baseline.resident),
        mebibytes(during.peak.max(after.peak)),
        mebibytes(after.resident),
        opened_in.as_secs_f64(),
        unloaded_in.as_secs_f64(),
    ));
    #[allow(clippy::print_stdout)]
    {
        print!("{out}");
    }

    hub.shutdown().await;
    storage.close().await;
    Ok(())
}

/// Stores `--documents` plans, copies of `--distinct-plans` generated ones,
/// and returns their ids and the mean size of a stored plan.
async fn store_plans(
    options: &Options,
    storage: &dyn Storage,
) -> anyhow::Result<(Vec<DocumentId>, usize)> {
    let mut rng = StdRng::seed_from_u64(options.seed);
    let today = NaiveDate::from_ymd_opt(2026, 11, 2).context("a valid date")?;
    let mut generated = Vec::with_capacity(options.distinct_plans);
    for _ in 0..options.distinct_plans {
        let plan = plans::generate_plan(&mut rng, "Maple Grove Elementary", today)?;
        let summary = plan.document.snapshot().summary();
        generated.push((plan.document.save(), summary));
    }

    let mut ids = Vec::with_capacity(options.documents);
    let mut total_bytes = 0;
    for index in 0..options.documents {
        let (bytes, summary) = &generated[index % generated.len()];
        let id = plans::document_id(&mut rng);
        storage.create_document(id, bytes, summary).await?;
        total_bytes += bytes.len();
        ids.push(id);
    }
    Ok((ids, total_bytes / options.documents))
}

/// Joins every document of `batch` as its own peer, reads the first
/// messages each task sends, then leaves them all.
async fn open_and_close(hub: &Hub, batch: &[DocumentId]) -> anyhow::Result<()> {
    let mut sessions = Vec::with_capacity(batch.len());
    for &id in batch {
        let (outbound, mut queue) = mpsc::channel::<Outgoing>(16);
        let link = PeerLink {
            outbound,
            overflowed: Arc::new(Notify::new()),
            person: None,
            name: None,
        };
        let session = hub
            .join(id, hub.next_peer_id(), link)
            .await
            .with_context(|| format!("opening document {id} failed"))?;
        let first = queue.recv().await;
        ensure!(first.is_some(), "document {id} sent nothing after the join");
        sessions.push(session);
    }
    for session in sessions {
        session.leave().await;
    }
    Ok(())
}

/// Waits until the hub has no document loaded.
async fn wait_unloaded(hub: &Hub) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(120);
    while hub.loaded_documents() > 0 {
        ensure!(
            Instant::now() < deadline,
            "{} documents were still loaded after two minutes",
            hub.loaded_documents()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}
