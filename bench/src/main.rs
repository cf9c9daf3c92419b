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
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use cairn_bench::load::Workload;
use cairn_bench::report::{self, Row};
use cairn_bench::{cairn, echo, load, process, repo};

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
    /// The `cairn` binary to measure.
    #[arg(long)]
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
    /// The command that started the run, for the report.
    #[arg(long)]
    command_line: Option<String>,
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
    let seeding = Workload {
        clients: args.plans,
        warmup: Duration::ZERO,
        duration: Duration::ZERO,
        drain: Duration::ZERO,
        ..workload.clone()
    };
    let cairn_binary = process::absolute(&args.cairn)?;
    let node_folder = process::absolute(&args.node_folder)?;
    let folder = tempfile::tempdir().context("creating a temporary folder")?;

    let (plan_ids, initial_docs) = initial_plans(args.plans)?;
    let mut context = machine_context(&args, &workload, &initial_docs);
    let mut rows = Vec::new();

    progress("cairn: setting up");
    let cairn_folder = folder.path().join("cairn");
    std::fs::create_dir_all(&cairn_folder)?;
    let (server, target) = cairn::start(&cairn_binary, &cairn_folder, &plan_ids).await?;
    let target = Arc::new(target);
    let loaded = load_average();
    let result = async {
        load::run(target.clone(), server.pid(), &seeding, &initial_docs).await?;
        progress("cairn: measuring");
        load::run(target, server.pid(), &workload, &initial_docs).await
    }
    .await;
    let result = result
        .with_context(|| format!("the Cairn run; server log:\n{}", tail(&server.log_text())))?;
    context.push(format!("- Load average before the Cairn run: {loaded}."));
    server.stop()?;
    rows.push(Row::from_load("Cairn", result));

    progress("automerge-repo: setting up");
    let repo_folder = folder.path().join("repo");
    std::fs::create_dir_all(&repo_folder)?;
    let (server, target) = repo::start(&node_folder, &repo_folder, &plan_ids).await?;
    let target = Arc::new(target);
    let loaded = load_average();
    let result = async {
        load::run(target.clone(), server.pid(), &seeding, &initial_docs).await?;
        progress("automerge-repo: measuring");
        load::run(target, server.pid(), &workload, &initial_docs).await
    }
    .await;
    let result = result.with_context(|| {
        format!(
            "the automerge-repo run; server log:\n{}",
            tail(&server.log_text())
        )
    })?;
    context.push(format!(
        "- Load average before the automerge-repo run: {loaded}."
    ));
    server.stop()?;
    rows.push(Row::from_load("automerge-repo", result));

    progress("echo: measuring");
    let server = echo::start(folder.path()).await?;
    let loaded = load_average();
    let result = echo::run(&server, &workload).await?;
    context.push(format!("- Load average before the echo run: {loaded}."));
    server.stop()?;
    let seconds = workload.duration.as_secs_f64();
    rows.push(Row {
        name: "WebSocket echo (floor)".to_owned(),
        measures: "round trip",
        sent_per_second: result.sent as f64 / seconds,
        delivered_per_second: result.received as f64 / seconds,
        usage: result.usage,
        notes: format!(
            "{} messages of 160 bytes timed, {} echoed",
            result.sent, result.received
        ),
        latencies: result.latencies,
    });
    context.push(format!("- Load average at the end: {}.", load_average()));

    let section = report::render(&context, &rows);
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

/// Creates the plans both servers get: random 16-byte ids, and for each a
/// plan from the bundled "pbis-tier-1" template saved with Automerge.
fn initial_plans(count: usize) -> anyhow::Result<(Vec<[u8; 16]>, Vec<Vec<u8>>)> {
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
    Ok((ids, docs))
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
