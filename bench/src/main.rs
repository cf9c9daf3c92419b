//! `cairn-bench`: a sync load benchmark that runs the same workload against
//! Cairn's server and automerge-repo's Node sync server in one run, with a
//! bare WebSocket echo server as the floor, and writes the results table to
//! a Markdown page.
//!
//! `scripts/bench-sync` builds everything and runs
//! `cairn-bench run --cairn target/release/cairn --node-folder bench/node
//! --output docs/benchmarks.md`. `cairn-bench echo-server` is the echo
//! server the run starts as a child process.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

use cairn_bench::load::Workload;
use cairn_bench::report::{self, Row, ScenarioRow};
use cairn_bench::{cairn, echo, load, process, repo, scenarios};

/// Sync load benchmark: Cairn against automerge-repo, with an echo floor.
#[derive(Debug, Parser)]
#[command(name = "cairn-bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the workload against every server and write the results.
    Run(RunArgs),
    /// Serve WebSocket echo on an address (started by `run`).
    EchoServer {
        /// The address to listen on, as HOST:PORT.
        #[arg(long)]
        addr: SocketAddr,
    },
}

/// The settings of `cairn-bench run`.
#[derive(Clone, Debug, Args)]
struct RunArgs {
    /// The number of clients, each with its own WebSocket and actor id.
    #[arg(long, default_value_t = 500)]
    clients: usize,
    /// The number of plans; the clients are spread evenly over them.
    #[arg(long, default_value_t = 100)]
    plans: usize,
    /// Milliseconds between two edits of one client.
    #[arg(long, default_value_t = 2000)]
    edit_interval_ms: u64,
    /// Seconds of editing before the measured window.
    #[arg(long, default_value_t = 10)]
    warmup_s: u64,
    /// Seconds of the measured window.
    #[arg(long, default_value_t = 60)]
    duration_s: u64,
    /// Maximum seconds to wait for the window's edits to arrive after it.
    #[arg(long, default_value_t = 30)]
    drain_s: u64,
    /// The servers to measure, in this order.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "cairn,automerge-repo,echo"
    )]
    servers: Vec<Server>,
    /// The number of changes of the offline backlog merged after the load;
    /// 0 skips the backlog and the large-plan measurements.
    #[arg(long, default_value_t = 10_000)]
    backlog_changes: usize,
    /// The minimum saved size in bytes of the large plan that is uploaded,
    /// then loaded from a freshly started server.
    #[arg(long, default_value_t = 1024 * 1024)]
    large_plan_bytes: usize,
    /// The `cairn` binary to measure.
    #[arg(long, default_value = "target/release/cairn")]
    cairn: PathBuf,
    /// The folder with `server.mjs` and the installed npm packages of
    /// automerge-repo.
    #[arg(long)]
    node_folder: PathBuf,
    /// The Markdown page to write the results section into; the section
    /// replaces an earlier one in place.
    #[arg(long)]
    output: Option<PathBuf>,
    /// The commit the `cairn` binary was built from, for the report.
    #[arg(long, default_value = "unknown")]
    cairn_commit: String,
    /// The folder of the built site; the size of each `.wasm` file in it is
    /// reported, raw and compressed with `gzip -9`, when there is one.
    #[arg(long, default_value = "target/site/pkg")]
    wasm_folder: PathBuf,
    /// The command that started the run, for the report.
    #[arg(long)]
    command_line: Option<String>,
}

/// A server `run` can measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Server {
    /// `cairn serve`.
    Cairn,
    /// automerge-repo's Node sync server in `--node-folder`.
    AutomergeRepo,
    /// The WebSocket echo floor.
    Echo,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Runtime::new().context("starting the Tokio runtime")?;
    match cli.command {
        Command::EchoServer { addr } => runtime.block_on(echo::serve(addr)),
        Command::Run(args) => runtime.block_on(run(args)),
    }
}

async fn run(args: RunArgs) -> anyhow::Result<()> {
    if args.clients == 0 || args.plans == 0 || args.plans > args.clients {
        anyhow::bail!(
            "--clients {} and --plans {} are invalid: both must be positive and every plan needs a client",
            args.clients,
            args.plans
        );
    }
    let workload = Workload {
        clients: args.clients,
        plans: args.plans,
        edit_interval: Duration::from_millis(args.edit_interval_ms),
        warmup: Duration::from_secs(args.warmup_s),
        duration: Duration::from_secs(args.duration_s),
        drain: Duration::from_secs(args.drain_s),
    };
    let folder = tempfile::tempdir().context("creating a temporary folder")?;

    let InitialPlans {
        ids: plan_ids,
        docs: initial_docs,
    } = initial_plans(args.plans)?;
    let mut context = machine_context(&args, &workload, &initial_docs);
    let mut rows = Vec::new();

    let mut scenario_rows = Vec::new();
    for server in &args.servers {
        let loaded = load_average();
        let (row, scenarios) = match server {
            Server::Cairn => {
                context.push(format!("- Load average before the Cairn run: {loaded}."));
                measure_cairn(&args, folder.path(), &plan_ids, &initial_docs, &workload).await?
            }
            Server::AutomergeRepo => {
                context.push(format!(
                    "- Load average before the automerge-repo run: {loaded}."
                ));
                measure_repo(&args, folder.path(), &plan_ids, &initial_docs, &workload).await?
            }
            Server::Echo => {
                context.push(format!("- Load average before the echo run: {loaded}."));
                (measure_echo(folder.path(), &workload).await?, None)
            }
        };
        rows.push(row);
        scenario_rows.extend(scenarios);
    }
    context.push(format!("- Load average at the end: {}.", load_average()));

    let mut section = report::render(&context, &rows);
    section.push('\n');
    section.push_str(&wasm_sizes(&args.wasm_folder));
    if !scenario_rows.is_empty() {
        section.push('\n');
        section.push_str(&report::render_scenarios(
            args.backlog_changes,
            args.large_plan_bytes,
            &scenario_rows,
        ));
    }
    match &args.output {
        Some(path) => {
            report::write_section(path, &section)?;
            progress(&format!("wrote the results to {}", path.display()));
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(section.as_bytes())?;
        }
    }
    Ok(())
}

/// Merges an offline backlog into the first plan and uploads a large plan
/// as the last plan, each with one new client. Returns both times and the
/// heads of the large plan.
async fn push_backlog_and_large_plan<T: load::Target>(
    target: &T,
    args: &RunArgs,
    initial_docs: &[Vec<u8>],
) -> anyhow::Result<(Duration, Duration, Vec<automerge::ChangeHash>)> {
    let synced =
        |doc: &automerge::Automerge, client: &T::Client| load::Protocol::is_synced(client, doc);

    let backlog = scenarios::offline_backlog(&initial_docs[0], args.backlog_changes)?;
    let backlog_time =
        scenarios::sync_one(target, 0, automerge::Automerge::load(&backlog)?, synced)
            .await
            .context("merging the offline backlog")?;

    let last = initial_docs.len() - 1;
    let large = scenarios::large_plan(&initial_docs[last], args.large_plan_bytes)?;
    let large_heads = scenarios::heads_of(&large)?;
    let upload_time =
        scenarios::sync_one(target, last, automerge::Automerge::load(&large)?, synced)
            .await
            .context("uploading the large plan")?;

    Ok((backlog_time, upload_time, large_heads))
}

/// Opens plan `plan` with an empty replica on a server that just started,
/// and returns the time until the replica contains `heads`.
async fn cold_load<T: load::Target>(
    target: &T,
    plan: usize,
    heads: &[automerge::ChangeHash],
) -> anyhow::Result<Duration> {
    scenarios::sync_one(target, plan, automerge::Automerge::new(), |doc, _| {
        scenarios::contains_heads(doc, heads)
    })
    .await
    .context("loading the large plan from a restarted server")
}

/// Seeds the plans with one client each, then runs the workload, against
/// `cairn serve`.
async fn measure_cairn(
    args: &RunArgs,
    folder: &Path,
    plan_ids: &[[u8; 16]],
    initial_docs: &[Vec<u8>],
    workload: &Workload,
) -> anyhow::Result<(Row, Option<ScenarioRow>)> {
    progress("cairn: setting up");
    let binary = process::absolute(&args.cairn)?;
    let folder = folder.join("cairn");
    std::fs::create_dir_all(&folder)?;
    let (server, target) = cairn::start(&binary, &folder, plan_ids).await?;
    let target = Arc::new(target);

    let result = seed_and_run(target.clone(), server.pid(), initial_docs, workload).await;
    let result = result
        .with_context(|| format!("the Cairn run; server log:\n{}", tail(&server.log_text())))?;
    let stored = stored_bytes_per_plan(&folder.join("cairn.db"));

    let mut scenarios = None;
    if args.backlog_changes > 0 {
        progress("cairn: offline backlog and large plan");
        let (backlog, upload, large_heads) =
            push_backlog_and_large_plan(target.as_ref(), args, initial_docs).await?;
        server.stop()?;
        let server = cairn::serve(&binary, &folder).await?;
        let restarted = target.moved_to(server.addr);
        let cold_load = cold_load(&restarted, initial_docs.len() - 1, &large_heads).await?;
        server.stop()?;
        scenarios = Some(ScenarioRow::new("Cairn", backlog, upload, cold_load));
    } else {
        server.stop()?;
    }

    let saved = result.mean_saved_bytes;
    let mut row = Row::from_load("Cairn", result);
    match stored {
        Ok(stored) => {
            row.notes.push_str(&format!(
                "; the database stores {stored} bytes per plan (snapshot and change rows) against {saved} bytes of Automerge `save()`"
            ));
        }
        Err(error) => progress(&format!(
            "the stored size per plan is not reported: {error:#}"
        )),
    }
    Ok((row, scenarios))
}

/// Returns the mean number of bytes that Cairn's SQLite database stores per
/// plan: the snapshot plus the change rows not yet compacted into it. Reads
/// with the `sqlite3` command line.
fn stored_bytes_per_plan(database: &Path) -> anyhow::Result<u64> {
    let query = "SELECT (SELECT COALESCE(SUM(LENGTH(snapshot)), 0) FROM documents) \
                 + (SELECT COALESCE(SUM(LENGTH(bytes)), 0) FROM changes), \
                 (SELECT COUNT(*) FROM documents);";
    let output = std::process::Command::new("sqlite3")
        .arg(database)
        .arg(query)
        .output()
        .context("running sqlite3")?;
    if !output.status.success() {
        anyhow::bail!(
            "sqlite3 failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let (bytes, documents) = text
        .trim()
        .split_once('|')
        .with_context(|| format!("sqlite3 returned {text:?}"))?;
    let bytes: u64 = bytes.parse()?;
    let documents: u64 = documents.parse()?;
    Ok(bytes / documents.max(1))
}

/// Returns the total size of the files under `folder`.
fn folder_bytes(folder: &Path) -> anyhow::Result<u64> {
    let mut total = 0;
    for entry in
        std::fs::read_dir(folder).with_context(|| format!("listing {}", folder.display()))?
    {
        let entry = entry?;
        let metadata = entry.metadata()?;
        total += if metadata.is_dir() {
            folder_bytes(&entry.path())?
        } else {
            metadata.len()
        };
    }
    Ok(total)
}

/// Seeds the plans with one client each, then runs the workload, against
/// automerge-repo's sync server.
async fn measure_repo(
    args: &RunArgs,
    folder: &Path,
    plan_ids: &[[u8; 16]],
    initial_docs: &[Vec<u8>],
    workload: &Workload,
) -> anyhow::Result<(Row, Option<ScenarioRow>)> {
    progress("automerge-repo: setting up");
    let node_folder = process::absolute(&args.node_folder)?;
    let folder = folder.join("automerge-repo");
    std::fs::create_dir_all(&folder)?;
    let (server, target) = repo::start(&node_folder, &folder, plan_ids).await?;
    let target = Arc::new(target);

    let result = seed_and_run(target.clone(), server.pid(), initial_docs, workload).await;
    let result = result.with_context(|| {
        format!(
            "the automerge-repo run; server log:\n{}",
            tail(&server.log_text())
        )
    })?;

    // The server writes its documents to files after a debounce, and all
    // of them when it shuts down, so the folder is measured after a stop.
    server.stop()?;
    let stored = folder_bytes(&folder.join("automerge-repo-data"))? / plan_ids.len().max(1) as u64;

    let mut scenarios = None;
    if args.backlog_changes > 0 {
        progress("automerge-repo: offline backlog and large plan");
        let (server, target) = repo::start(&node_folder, &folder, plan_ids).await?;
        let (backlog, upload, large_heads) =
            push_backlog_and_large_plan(&target, args, initial_docs).await?;
        server.stop()?;
        let (server, restarted) = repo::start(&node_folder, &folder, plan_ids).await?;
        let cold_load = cold_load(&restarted, initial_docs.len() - 1, &large_heads).await?;
        server.stop()?;
        scenarios = Some(ScenarioRow::new(
            "automerge-repo",
            backlog,
            upload,
            cold_load,
        ));
    }

    let saved = result.mean_saved_bytes;
    let mut row = Row::from_load("automerge-repo", result);
    row.notes.push_str(&format!(
        "; its storage folder holds {stored} bytes per plan after shutdown against {saved} bytes of Automerge `save()`"
    ));
    Ok((row, scenarios))
}

/// Syncs each plan's initial document to the server with one client per
/// plan, then runs `workload`.
async fn seed_and_run<T: load::Target>(
    target: Arc<T>,
    server_pid: u32,
    initial_docs: &[Vec<u8>],
    workload: &Workload,
) -> anyhow::Result<load::LoadResult> {
    let seeding = Workload {
        clients: workload.plans,
        warmup: Duration::ZERO,
        duration: Duration::ZERO,
        drain: Duration::ZERO,
        ..workload.clone()
    };
    load::run(target.clone(), server_pid, &seeding, initial_docs).await?;

    progress("measuring");
    load::run(target, server_pid, workload, initial_docs).await
}

/// Runs the workload's schedule against the echo server.
async fn measure_echo(folder: &Path, workload: &Workload) -> anyhow::Result<Row> {
    progress("echo: measuring");
    let server = echo::start(folder).await?;
    let result = echo::run(&server, workload).await?;
    server.stop()?;

    let seconds = workload.duration.as_secs_f64();
    Ok(Row {
        name: "WebSocket echo (floor)".to_owned(),
        measures: "round trip",
        sent_per_second: result.sent as f64 / seconds,
        delivered_per_second: result.received as f64 / seconds,
        usage: result.usage,
        notes: format!(
            "{} messages of {} bytes timed, {} echoed",
            result.sent,
            echo::MESSAGE_BYTES,
            result.received
        ),
        latencies: result.latencies,
    })
}

/// Creates the plans both servers get: random 16-byte ids, and for each a
/// plan from the bundled "pbis-tier-1" template saved with Automerge.
fn initial_plans(count: usize) -> anyhow::Result<InitialPlans> {
    let template = cairn_plan::templates::template("pbis-tier-1")
        .context("the bundled template pbis-tier-1 is missing")?;
    let mut ids = Vec::with_capacity(count);
    let mut docs = Vec::with_capacity(count);
    for _ in 0..count {
        let plan = template.plan("2026-27")?;
        let document = cairn_plan::PlanDocument::from_plan(&plan)?;
        ids.push(*uuid::Uuid::new_v4().as_bytes());
        docs.push(document.save());
    }
    Ok(InitialPlans { ids, docs })
}

/// The plans both servers get.
struct InitialPlans {
    /// The 16 bytes of each plan's id.
    ids: Vec<[u8; 16]>,
    /// Each plan saved with Automerge, in the order of `ids`.
    docs: Vec<Vec<u8>>,
}

/// Returns a line with the raw and gzip size of each `.wasm` file in
/// `folder`, or a line stating that there is none.
fn wasm_sizes(folder: &Path) -> String {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "wasm"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    if files.is_empty() {
        return format!(
            "WASM bundle: no `.wasm` file in `{}` at the time of this run (build it with `cargo leptos build --release`).\n",
            folder.display()
        );
    }

    let mut text = String::from("WASM bundle (`gzip -9`):");
    for file in files {
        let raw = std::fs::metadata(&file).map_or(0, |metadata| metadata.len());
        let gzip = std::process::Command::new("gzip")
            .args(["-9", "-c"])
            .arg(&file)
            .output()
            .map_or(0, |output| output.stdout.len());
        text.push_str(&format!(
            " `{}` {raw} bytes raw, {gzip} bytes gzip;",
            file.file_name().unwrap_or_default().to_string_lossy()
        ));
    }
    text.pop();
    text.push_str(".\n");
    text
}

/// Returns the lines that describe the machine, the command and the
/// settings.
fn machine_context(args: &RunArgs, workload: &Workload, initial_docs: &[Vec<u8>]) -> Vec<String> {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|line| line.strip_prefix("MemTotal:"))
                .map(|value| value.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|line| line.strip_prefix("model name"))
                .map(|value| value.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|text| text.trim().to_owned())
        .unwrap_or_else(|_| "unknown".to_owned());
    let command_line = args
        .command_line
        .clone()
        .unwrap_or_else(|| std::env::args().collect::<Vec<_>>().join(" "));
    let per_plan = workload.clients as f64 / workload.plans as f64;
    let total_rate = workload.clients as f64 / workload.edit_interval.as_secs_f64();
    let plan_bytes = initial_docs.first().map_or(0, Vec::len);

    vec![
        format!("Measured on {} (UTC).", command_output("date", &["-u", "+%Y-%m-%d %H:%M"])),
        String::new(),
        format!("- Machine: {cores} cores ({cpu}), {memory} of memory, Linux {kernel}; {}, Node {}.",
            command_output("rustc", &["--version"]),
            command_output("node", &["--version"])),
        format!("- Command: `{command_line}`."),
        format!("- Cairn: the release `cairn` binary of commit {}, SQLite in a temporary folder. automerge-repo 2.5.6 (`bench/node/package-lock.json`) with NodeFS storage in a temporary folder.", args.cairn_commit),
        format!(
            "- Workload: {} clients over {} plans ({per_plan:.0} per plan), one WebSocket and one actor id per client, one edit every {} ms per client ({total_rate:.0} edits/s in all), {} s warm-up, {} s measured, up to {} s drain. Each edit is one change that sets one key in the plan's root map. Every plan starts as the pbis-tier-1 template ({plan_bytes} bytes saved).",
            workload.clients,
            workload.plans,
            workload.edit_interval.as_millis(),
            workload.warmup.as_secs(),
            workload.duration.as_secs(),
            workload.drain.as_secs(),
        ),
    ]
}

/// Runs `program` and returns its trimmed standard output, or `unknown`.
fn command_output(program: &str, args: &[&str]) -> String {
    std::process::Command::new(program)
        .args(args)
        .output()
        .ok()
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Returns the 1-, 5- and 15-minute load averages from `/proc/loadavg`.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// Returns the last 40 lines of a log.
fn tail(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

fn progress(step: &str) {
    eprintln!("cairn-bench: {step}");
}
