//! Benchmark of the leaders' dashboard: generates a district of plans,
//! serves it with the real router over a real SQLite file, and times the
//! dashboard routes over HTTP on loopback, signed in as a district admin.
//!
//! ```sh
//! cargo bench -p cairn-server --bench dashboard
//! cargo bench -p cairn-server --bench dashboard -- --plans 100 --schools 10
//! ```
//!
//! The steps:
//! 1. Open a new SQLite file in a temporary folder, and create the
//!    district, its schools and a district admin with a session, as the
//!    integration tests do.
//! 2. Generate the plans (see `plans.rs`) and store each one as an import
//!    does: `Storage::create_document` with the plan's summary, which
//!    writes the plan index row, then the `plans` row and the review status.
//! 3. Serve the real router on `127.0.0.1:0` on a multi-threaded runtime,
//!    as `cairn serve` does. The requests go out from a current-thread
//!    runtime on the main thread, over one kept-alive connection.
//! 4. Time `GET /api/dashboard` unfiltered, with a school filter and with a
//!    status filter, then the drill-down to random plans, and read the
//!    process's memory around the dashboard requests.
//! 5. Time the parts of the district view in the process: reading the
//!    index rows, building the view and writing it as JSON.
//! 6. Time what keeps the index current when a merge is stored: the plan
//!    summary and one `append_changes`.
//! 7. Print the results as Markdown tables on stdout.
//!
//! Progress goes to stderr. `RUST_LOG` sets the server's log filter, which
//! is `warn` unless set.

#[path = "dashboard/content.rs"]
mod content;
#[path = "dashboard/district.rs"]
mod district;
#[path = "dashboard/in_process.rs"]
mod in_process;
#[path = "dashboard/measure.rs"]
mod measure;
#[path = "dashboard/plans.rs"]
mod plans;
#[path = "dashboard/report.rs"]
mod report;
#[path = "dashboard/routes.rs"]
mod routes;

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Instant, SystemTime};

use anyhow::{ensure, Context};
use cairn_server::app;
use chrono::{DateTime, Utc};
use clap::Parser;
use rand::rngs::StdRng;
use rand::SeedableRng;
use tokio::runtime::Runtime;
use tokio::task::JoinHandle;
use tracing_subscriber::EnvFilter;

use district::District;
use in_process::{time_merges, time_view_parts};
use report::Report;
use routes::time_routes;

/// The options of the benchmark.
#[derive(Debug, Parser)]
#[command(about = "Times the leaders' dashboard over generated plans")]
struct Args {
    /// The number of plans to generate.
    #[arg(long, default_value_t = 1000)]
    plans: usize,

    /// The number of schools the plans are spread over.
    #[arg(long, default_value_t = 50)]
    schools: usize,

    /// The number of timed requests of each kind.
    #[arg(long, default_value_t = 30)]
    requests: usize,

    /// The number of untimed requests of each kind sent first.
    #[arg(long, default_value_t = 5)]
    warmups: usize,

    /// The number of stored merges to time.
    #[arg(long, default_value_t = 200)]
    merges: usize,

    /// The seed of the plan generator.
    #[arg(long, default_value_t = 2026)]
    seed: u64,

    /// `cargo bench` passes this flag to every benchmark, and this one
    /// ignores it.
    #[arg(long, hide = true)]
    bench: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    ensure!(args.plans >= 1, "--plans must be at least 1");
    ensure!(args.schools >= 1, "--schools must be at least 1");
    ensure!(args.requests >= 1, "--requests must be at least 1");
    ensure!(args.merges >= 1, "--merges must be at least 1");

    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();

    // The server counts overdue items against its date in UTC when a
    // request has no `today`, so the generated plans use the same date.
    let today = DateTime::<Utc>::from(SystemTime::now()).date_naive();
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the server's runtime failed")?;
    let client_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the client's runtime failed")?;
    let folder = tempfile::tempdir().context("creating a temporary folder failed")?;
    let mut rng = StdRng::seed_from_u64(args.seed);
    let mut report = Report::new(&args, today);

    eprintln!(
        "generating and storing {} plans in {} schools…",
        args.plans, args.schools
    );
    let database = folder.path().join("cairn.db");
    let district = server_runtime.block_on(District::create(&database, args.schools))?;
    let started = Instant::now();
    let stored = server_runtime.block_on(district.store_plans(&mut rng, args.plans, today))?;
    report.generation = started.elapsed();
    report.stored = stored;
    report.database_bytes = database_size(&database);

    eprintln!("starting the server on 127.0.0.1…");
    let (addr, serving) = start_server(&server_runtime, &district)?;

    eprintln!("timing the dashboard routes over HTTP…");
    client_runtime.block_on(time_routes(&args, &district, addr, &mut rng, &mut report))?;

    eprintln!("timing the parts of the district view…");
    server_runtime.block_on(time_view_parts(&args, &district, today, &mut report))?;

    eprintln!("timing {} stored merges…", args.merges);
    server_runtime.block_on(time_merges(&args, &district, &mut rng, today, &mut report))?;

    server_runtime.block_on(async {
        district.state.shutdown.trigger();
        let served = serving.await.context("the server task panicked")?;
        served.context("the server failed")?;
        district.state.hub.shutdown().await;
        district.state.storage.close().await;
        anyhow::Ok(())
    })?;

    report.print();
    Ok(())
}

/// Serves the real router on an ephemeral loopback port.
fn start_server(
    runtime: &Runtime,
    district: &District,
) -> anyhow::Result<(SocketAddr, JoinHandle<std::io::Result<()>>)> {
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .context("binding a loopback port failed")?;
    let addr = listener.local_addr()?;
    let router = app(district.state.clone());
    let shutdown = district.state.shutdown.clone();
    let serving = runtime.spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async move { shutdown.wait().await })
            .await
    });
    Ok((addr, serving))
}

/// Adds up the sizes of the database file and its write-ahead log, in
/// bytes.
fn database_size(path: &Path) -> u64 {
    let wal = path.with_extension("db-wal");
    [path.to_path_buf(), wal]
        .iter()
        .filter_map(|file| std::fs::metadata(file).ok())
        .map(|metadata| metadata.len())
        .sum()
}
