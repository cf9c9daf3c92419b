//! The `cairn` binary: parses the command line, sets up logging to standard
//! error and runs the command from the `cairn_server` library.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use tracing_subscriber::EnvFilter;

use cairn_server::cli::{self, AdminCommand, Cli, Command};
use cairn_server::shutdown::termination_signal;
use cairn_server::{serve, ServeOptions};

fn main() -> ExitCode {
    init_logging();

    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

#[tokio::main]
async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let database_url = database_url()?;

    let command = cli.command.unwrap_or(Command::Serve(cli.serve));
    match command {
        Command::Serve(args) => {
            let options = ServeOptions {
                addr: args.addr,
                site_root: args.site_root,
                database_url,
            };
            serve(options, termination_signal())
                .await
                .context("the server failed")?;
        }

        Command::Import {
            file,
            district,
            school,
        } => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            cli::import(
                &file,
                district.as_deref(),
                school.as_deref(),
                database_url.as_deref(),
                &mut out,
            )
            .await
            .with_context(|| format!("importing {} failed", file.display()))?;
        }

        Command::Admin(AdminCommand::CreateUser(args)) => {
            let email = args.email.clone();
            let password = cli::read_new_password()?;
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            cli::create_user(args, password, database_url.as_deref(), &mut out)
                .await
                .with_context(|| format!("creating {email} failed"))?;
        }

        Command::Export { plan_id, format } => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            cli::export(plan_id, format, database_url.as_deref(), &mut out)
                .await
                .with_context(|| format!("exporting plan {plan_id} failed"))?;
            out.flush().context("writing the export failed")?;
        }
    }

    Ok(())
}

/// Logs to standard error, at the levels that `RUST_LOG` sets, `info` by
/// default.
fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

/// Reads `DATABASE_URL`, treating unset and empty alike.
fn database_url() -> anyhow::Result<Option<String>> {
    match std::env::var("DATABASE_URL") {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            anyhow::bail!(
                "DATABASE_URL is not valid UTF-8; set it to a file path, a sqlite:// URL or a postgres:// URL"
            )
        }
    }
}
