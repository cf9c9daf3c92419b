//! The command line of the `cairn` binary and the commands that are not
//! the server: `cairn import` and `cairn export`.
//!
//! `main.rs` parses [`Cli`], sets up logging and calls [`import`],
//! [`export`] or [`crate::serve()`]. The commands write their results to
//! the writer they are given (standard output in the binary) and log to
//! standard error.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use cairn_plan::{export_csv, to_json_string_pretty, PlanDocument};
use cairn_sync::DocumentId;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::import::{import_plan, ImportPlanError, ImportedPlan};
use crate::storage::{self, StorageError};

/// Cairn: collaborative, offline-first MTSS action plans.
///
/// The database is the one DATABASE_URL names: a SQLite file path or
/// sqlite:// URL. Unset, it is data/cairn.db under the current directory,
/// created with its folder on first use.
#[derive(Debug, Parser)]
#[command(name = "cairn", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// The command to run; `serve` when none is given.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// The settings of `serve`, for when no command is given.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// The commands of `cairn`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server: the app, the JSON API and the sync WebSocket.
    Serve(ServeArgs),

    /// Import a plan from a spreadsheet's CSV export. Prints the import
    /// report, then the new plan's id as the last line.
    Import {
        /// The CSV file.
        file: PathBuf,
    },

    /// Print a stored plan in an export format.
    Export {
        /// The plan's id, as `cairn import` printed it.
        plan_id: DocumentId,

        /// The export format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
    },
}

/// The settings of `cairn serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// The address and port to listen on, as HOST:PORT. cargo-leptos sets
    /// LEPTOS_SITE_ADDR from its `site-addr` setting.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// The folder with the built site: the WASM bundle under pkg/, the CSS
    /// and the public files.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
}

/// The formats of `cairn export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The plan as JSON, in the shape of the JSON export.
    Json,
    /// The plan as one CSV sheet that `cairn import` reads back into an
    /// equal plan.
    Csv,
}

/// The error type of the `import` and `export` commands.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The input file could not be read.
    #[error("could not read {}: {source}", path.display())]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// The error from the file system.
        source: std::io::Error,
    },

    /// The file could not be imported.
    #[error("{} could not be imported: {source}", path.display())]
    Import {
        /// The file.
        path: PathBuf,
        /// Why.
        source: ImportPlanError,
    },

    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),

    /// No plan has the id.
    #[error("plan {id} not found; check the id that `cairn import` printed, or set DATABASE_URL to the database that holds the plan")]
    PlanNotFound {
        /// The id given.
        id: DocumentId,
    },

    /// Standard output could not be written.
    #[error("could not write the output: {0}")]
    Output(#[from] std::io::Error),
}

/// Imports the CSV file at `path` into the database, then writes the import
/// report and, as the last line, the new plan's id to `out`.
///
/// # Errors
///
/// [`CliError`] when the file cannot be read or imported, or the database
/// fails.
pub async fn import(
    path: &Path,
    database_url: Option<&str>,
    out: &mut impl Write,
) -> Result<DocumentId, CliError> {
    let csv = tokio::fs::read(path)
        .await
        .map_err(|source| CliError::ReadFile {
            path: path.to_path_buf(),
            source,
        })?;

    let storage = storage::open(database_url).await?;
    let imported = import_plan(storage.as_ref(), &csv).await;
    storage.close().await;

    let ImportedPlan { id, report } = imported.map_err(|source| CliError::Import {
        path: path.to_path_buf(),
        source,
    })?;

    write!(out, "{report}")?;
    writeln!(out, "{id}")?;
    out.flush()?;
    Ok(id)
}

/// Writes the stored plan `id` to `out` in `format`.
///
/// # Errors
///
/// [`CliError::PlanNotFound`] for an unknown id, and [`CliError::Storage`]
/// when the database fails or the stored plan does not load.
pub async fn export(
    id: DocumentId,
    format: ExportFormat,
    database_url: Option<&str>,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let storage = storage::open(database_url).await?;
    let stored = storage.load_document(id).await;
    storage.close().await;

    let Some(stored) = stored? else {
        return Err(CliError::PlanNotFound { id });
    };
    let plan = PlanDocument::from_automerge(stored.into_automerge()?).snapshot();

    match format {
        ExportFormat::Json => writeln!(out, "{}", to_json_string_pretty(&plan))?,
        ExportFormat::Csv => write!(out, "{}", export_csv(&plan))?,
    }
    out.flush()?;
    Ok(())
}
