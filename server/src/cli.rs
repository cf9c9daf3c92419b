//! The command line of the `cairn` binary and the commands that are not
//! the server: `cairn import`, `cairn export` and
//! `cairn admin create-user`.
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

use crate::accounts::{AccountStore, District, NewPerson, PlanRecord, Role};
use crate::auth::password::{self, PasswordError};
use crate::import::{import_plan, ImportPlanError, ImportedPlan};
use crate::storage::{self, StorageError};

/// Cairn: collaborative, offline-first MTSS action plans.
///
/// The database is the one DATABASE_URL names: a SQLite file path, a
/// sqlite:// URL or a postgres:// URL. Unset, it is data/cairn.db under the
/// current directory, created with its folder on first use.
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

        /// The district the plan belongs to; needed only when the database
        /// has several. With none yet, the plan joins the first district
        /// created.
        #[arg(long)]
        district: Option<String>,

        /// The school the plan belongs to, by name; district level without
        /// it.
        #[arg(long)]
        school: Option<String>,
    },

    /// Manage people from the command line.
    #[command(subcommand)]
    Admin(AdminCommand),

    /// Print a stored plan in an export format.
    Export {
        /// The plan's id, as `cairn import` printed it.
        plan_id: DocumentId,

        /// The export format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
    },
}

/// The commands of `cairn admin`.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a person who can sign in, such as the first district admin.
    /// Reads the password from the terminal (twice) or from the first line
    /// of standard input.
    CreateUser(CreateUserArgs),
}

/// The settings of `cairn admin create-user`.
#[derive(Debug, Clone, Args)]
pub struct CreateUserArgs {
    /// Their email, which they sign in with.
    #[arg(long)]
    pub email: String,

    /// Their role: district-admin, school-leader, coach, team-member or
    /// viewer.
    #[arg(long)]
    pub role: Role,

    /// The name others see; the part of the email before `@` by default.
    #[arg(long)]
    pub name: Option<String>,

    /// The district's name. Needed while the database has no district (it
    /// is created) or has several; with one district, the person joins it.
    #[arg(long)]
    pub district: Option<String>,

    /// A school they lead, coach or belong to, by name; created when the
    /// district has none of that name. Repeat for several.
    #[arg(long = "school")]
    pub schools: Vec<String>,
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

    /// The password could not be read.
    #[error("could not read the password: {0}")]
    ReadPassword(std::io::Error),

    /// The two passwords typed differ.
    #[error("the two passwords differ; run the command again")]
    PasswordsDiffer,

    /// The password is not acceptable.
    #[error(transparent)]
    Password(#[from] PasswordError),

    /// An argument does not fit: no district matches `--district`, or the
    /// email is not an email address. The message names the value and the
    /// fix.
    #[error("{0}")]
    District(String),
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
    district: Option<&str>,
    school: Option<&str>,
    database_url: Option<&str>,
    out: &mut impl Write,
) -> Result<DocumentId, CliError> {
    let csv = tokio::fs::read(path)
        .await
        .map_err(|source| CliError::ReadFile {
            path: path.to_path_buf(),
            source,
        })?;

    let databases = storage::open(database_url).await?;
    let imported = import_into(&databases, &csv, district, school).await;
    databases.documents.close().await;

    let ImportedPlan { id, report, .. } = imported.map_err(|error| match error {
        ImportIntoError::Import(source) => CliError::Import {
            path: path.to_path_buf(),
            source,
        },
        ImportIntoError::Cli(error) => error,
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
    let databases = storage::open(database_url).await?;
    let stored = databases.documents.load_document(id).await;
    databases.documents.close().await;

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

enum ImportIntoError {
    Import(ImportPlanError),
    Cli(CliError),
}

impl From<StorageError> for ImportIntoError {
    fn from(error: StorageError) -> Self {
        Self::Cli(CliError::Storage(error))
    }
}

/// Imports a plan and records its district and school. With no district in
/// the database yet, the plan has no record and joins the first district
/// created.
async fn import_into(
    databases: &storage::Databases,
    csv: &[u8],
    district: Option<&str>,
    school: Option<&str>,
) -> Result<ImportedPlan, ImportIntoError> {
    let accounts = &databases.accounts;
    let districts = accounts.districts().await?;
    let district = if districts.is_empty() && district.is_none() && school.is_none() {
        None
    } else {
        Some(pick_district(&districts, district).map_err(ImportIntoError::Cli)?)
    };
    let school_id = match (&district, school) {
        (Some(district), Some(name)) => {
            Some(find_or_create_school(accounts, district, name).await?)
        }
        _ => None,
    };

    let imported = import_plan(databases.documents.as_ref(), csv)
        .await
        .map_err(ImportIntoError::Import)?;
    if let Some(district) = district {
        let record = PlanRecord {
            district_id: district.id,
            school_id,
        };
        accounts.record_plan(imported.id, record, None).await?;
        // The operator imports on the district's behalf, so the plan keeps
        // the status its spreadsheet gives it.
        accounts
            .set_review_status(imported.id, imported.status)
            .await?;
    }
    Ok(imported)
}

/// The district `--district` names, or the only one when it is not given.
fn pick_district(districts: &[District], name: Option<&str>) -> Result<District, CliError> {
    match name {
        Some(name) => districts
            .iter()
            .find(|district| district.name.eq_ignore_ascii_case(name.trim()))
            .cloned()
            .ok_or_else(|| {
                CliError::District(format!(
                    "no district is named `{name}`; the districts are: {}",
                    names(districts)
                ))
            }),
        None => match districts {
            [only] => Ok(only.clone()),
            [] => Err(CliError::District(
                "the database has no district yet; give its name with --district".to_owned(),
            )),
            _ => Err(CliError::District(format!(
                "the database has several districts; pick one with --district: {}",
                names(districts)
            ))),
        },
    }
}

fn names(districts: &[District]) -> String {
    districts
        .iter()
        .map(|district| district.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

async fn find_or_create_school(
    accounts: &AccountStore,
    district: &District,
    name: &str,
) -> Result<uuid::Uuid, StorageError> {
    let schools = accounts.schools(district.id).await?;
    if let Some(school) = schools
        .iter()
        .find(|school| school.name.eq_ignore_ascii_case(name.trim()))
    {
        return Ok(school.id);
    }
    Ok(accounts.create_school(district.id, name).await?.id)
}

/// Reads a new password: twice from a terminal, once from standard input
/// otherwise.
///
/// # Errors
///
/// [`CliError::ReadPassword`] and [`CliError::PasswordsDiffer`].
pub fn read_new_password() -> Result<String, CliError> {
    use std::io::IsTerminal;

    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password (10 characters or more): ")
            .map_err(CliError::ReadPassword)?;
        let second =
            rpassword::prompt_password("Password again: ").map_err(CliError::ReadPassword)?;
        if first != second {
            return Err(CliError::PasswordsDiffer);
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(CliError::ReadPassword)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

/// Creates a person who can sign in, creating the district (while the
/// database has none) and the named schools, and writes a confirmation to
/// `out`.
///
/// # Errors
///
/// [`CliError`] for an unacceptable password, an ambiguous or missing
/// district, a taken email or a database failure.
pub async fn create_user(
    args: CreateUserArgs,
    password: String,
    database_url: Option<&str>,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let hash = password::hash(password).await?;
    let databases = storage::open(database_url).await?;
    let created = create_user_in(&databases.accounts, args, hash).await;
    databases.documents.close().await;
    let (email, role, district) = created?;

    writeln!(
        out,
        "created {email} as {role} of {district}; they can sign in now"
    )?;
    out.flush()?;
    Ok(())
}

async fn create_user_in(
    accounts: &AccountStore,
    args: CreateUserArgs,
    hash: String,
) -> Result<(String, Role, String), CliError> {
    let email = args.email.trim().to_lowercase();
    if !crate::accounts::model::is_email(&email) {
        return Err(CliError::District(format!(
            "`{}` is not an email address; use the form name@school.org",
            args.email
        )));
    }
    let districts = accounts.districts().await?;
    let district = match (&districts[..], args.district.as_deref()) {
        ([], Some(name)) => accounts.create_district(name).await?,
        (_, name) => pick_district(&districts, name)?,
    };

    let mut school_ids = Vec::new();
    for name in &args.schools {
        school_ids.push(find_or_create_school(accounts, &district, name).await?);
    }
    let name = args
        .name
        .clone()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
    let person = accounts
        .create_person(NewPerson {
            district_id: district.id,
            email,
            name,
            role: args.role,
            school_ids,
            password_hash: Some(hash),
            invite_token_hash: None,
        })
        .await?;
    Ok((person.email, person.role, district.name))
}
