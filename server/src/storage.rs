//! Durable storage of plan documents, behind the [`Storage`] trait.
//!
//! A document is stored as an optional snapshot (Automerge `save()` output)
//! plus the changes that arrived after it, one row per change. The document
//! tasks of the hub append changes as they arrive and compact them into the
//! snapshot once a document has more than [`COMPACTION_THRESHOLD`] change
//! rows. The plan index, the fields a list of plans shows, is written in the
//! same transaction as the changes it reflects. `docs/storage.md` describes
//! the tables and what is durable when.
//!
//! [`SqlStorage`] implements the trait for both SQLite and PostgreSQL (see
//! [`pool`]). With PostgreSQL, several server processes can share one
//! database: [`listener`] tells each of them about the changes the others
//! stored.

mod database_url;
pub mod listener;
pub mod pool;
mod sql;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use automerge::{Automerge, Change, ChangeHash, ReadDoc};
use cairn_plan::{PlanStatus, PlanSummary};
use cairn_sync::DocumentId;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::accounts::AccountStore;

pub use database_url::DatabaseUrl;
pub use pool::{Backend, DbPool};
pub use sql::SqlStorage;

/// The number of change rows a document may have before the document task
/// compacts them into the snapshot.
///
/// Loading a document parses the snapshot and then every change row on its
/// own, so more rows make loads slower. Compaction rewrites the whole
/// document, so a low threshold makes busy documents write much more. 256
/// rows is a middle ground for plans edited in short bursts; it is a
/// starting point, not a measured optimum.
pub const COMPACTION_THRESHOLD: i64 = 256;

/// The error type of every storage operation.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// `DATABASE_URL` names a database this build cannot use.
    #[error(
        "DATABASE_URL `{scheme}` is not supported (expected sqlite://, postgres:// or a file path)"
    )]
    UnsupportedUrl {
        /// The scheme of the URL, such as `mysql://`. The rest of the URL
        /// is left out because it can contain a password.
        scheme: String,
    },

    /// The database could not be opened or reached.
    #[error("could not open the database that DATABASE_URL names: {source}; check that the server runs, the database exists and the URL's user may log in")]
    Connect {
        /// The error from sqlx. It does not contain the URL.
        source: sqlx::Error,
    },

    /// `DATABASE_URL` names SQLite but not a usable file.
    #[error("DATABASE_URL `{url}` is not a usable SQLite database: {reason}")]
    InvalidSqliteUrl {
        /// The URL as given.
        url: String,
        /// The problem, and the value to give instead.
        reason: &'static str,
    },

    /// `DATABASE_URL` names PostgreSQL but leaves out a required part.
    /// The URL is left out of the message because it can hold a password.
    #[error("DATABASE_URL is not a usable PostgreSQL URL: {reason}; write it as postgres://USER:PASSWORD@HOST:5432/DATABASE")]
    InvalidPostgresUrl {
        /// The part that is missing.
        reason: &'static str,
    },

    /// The folder for the database file could not be created.
    #[error("could not create the database folder {}: {source}; create it or point DATABASE_URL elsewhere", path.display())]
    CreateFolder {
        /// The folder.
        path: PathBuf,
        /// The error from the file system.
        source: std::io::Error,
    },

    /// The database returned an error or could not be reached.
    #[error("database operation failed: {0}")]
    Database(#[from] sqlx::Error),

    /// The schema migrations could not be applied.
    #[error("applying the database migrations failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),

    /// A stored document does not load. Nothing is written over it.
    #[error("stored document {id} is corrupt: {reason}; restore the database from a backup")]
    Corrupt {
        /// The document.
        id: DocumentId,
        /// The part that failed to load, and why.
        reason: String,
    },

    /// A row read back does not hold a valid value.
    #[error(
        "the {table} table holds an invalid row: {reason}; restore the database from a backup"
    )]
    InvalidRow {
        /// The table.
        table: &'static str,
        /// The invalid value, and why.
        reason: String,
    },

    /// A document with this id is already stored.
    #[error("document {id} already exists; create the new plan under a fresh id")]
    AlreadyExists {
        /// The document.
        id: DocumentId,
    },

    /// Someone active already has this email.
    #[error("someone already uses the email {email}; pick another email or change that person")]
    EmailTaken {
        /// The email, lowercased.
        email: String,
    },

    /// The district already has a school of this name.
    #[error("the district already has a school named `{name}`")]
    NameTaken {
        /// The name.
        name: String,
    },
}

/// One change to append: its hash, its raw Automerge encoding and who
/// sent it.
#[derive(Clone, Debug)]
pub struct NewChange {
    /// The change hash.
    pub hash: ChangeHash,
    /// The bytes of `automerge::Change::raw_bytes`.
    pub bytes: Vec<u8>,
    /// The person who sent it, recorded in the change log; `None` for
    /// changes made by the server itself, such as an import.
    pub author: Option<uuid::Uuid>,
}

impl From<&Change> for NewChange {
    fn from(change: &Change) -> Self {
        Self {
            hash: change.hash(),
            bytes: change.raw_bytes().to_vec(),
            author: None,
        }
    }
}

/// One stored change row, as read back.
#[derive(Clone, Debug)]
pub struct StoredChange {
    /// The row's position in arrival order.
    pub seq: i64,
    /// The change hash as stored, lowercase hex.
    pub hash: String,
    /// The raw Automerge encoding of the change.
    pub bytes: Vec<u8>,
}

/// A stored document as read back: the snapshot and the change rows after it.
#[derive(Clone, Debug)]
pub struct StoredDocument {
    /// The document.
    pub id: DocumentId,
    /// Automerge `save()` output of every compacted change, if any.
    pub snapshot: Option<Vec<u8>>,
    /// The `seq` of the last change row ever appended. The snapshot and
    /// `changes` together hold every row up to it.
    pub last_seq: i64,
    /// The change rows not yet compacted, in `seq` order.
    pub changes: Vec<StoredChange>,
}

/// The change rows of a document after a given `seq`, as read back by
/// [`Storage::changes_after`].
#[derive(Clone, Debug)]
pub struct ChangesAfter {
    /// The `seq` of the last change row ever appended.
    pub last_seq: i64,
    /// The rows still stored whose `seq` is above the one asked for, in
    /// `seq` order.
    pub changes: Vec<StoredChange>,
}

impl ChangesAfter {
    /// Returns whether `changes` contains every row after `after_seq`. It does
    /// not when a compaction deleted some of them; the caller then reads
    /// the whole document instead.
    pub fn is_complete(&self, after_seq: i64) -> bool {
        match self.changes.first() {
            Some(first) => first.seq == after_seq + 1,
            None => self.last_seq <= after_seq,
        }
    }
}

impl StoredDocument {
    /// Returns the stored size in bytes: the snapshot and every change row.
    pub fn stored_bytes(&self) -> u64 {
        let snapshot = self.snapshot.as_ref().map_or(0, Vec::len);
        let rows: usize = self.changes.iter().map(|row| row.bytes.len()).sum();
        (snapshot + rows) as u64
    }

    /// Rebuilds the document from the snapshot and the change rows.
    ///
    /// Every row is parsed on its own and checked against its stored hash,
    /// and the result must have no missing dependencies, so a damaged row
    /// is reported instead of silently dropped.
    ///
    /// # Errors
    ///
    /// [`StorageError::Corrupt`] when the snapshot or a row does not parse,
    /// a row's hash does not match its bytes, or a change depends on one
    /// that is stored nowhere.
    pub fn into_automerge(self) -> Result<Automerge, StorageError> {
        let id = self.id;
        let corrupt = |reason: String| StorageError::Corrupt { id, reason };

        let mut document = match &self.snapshot {
            Some(snapshot) => Automerge::load(snapshot)
                .map_err(|error| corrupt(format!("the snapshot does not load: {error}")))?,
            None => Automerge::new(),
        };

        let changes = self
            .changes
            .into_iter()
            .map(|row| row.into_change(id))
            .collect::<Result<Vec<_>, _>>()?;

        document
            .apply_changes(changes)
            .map_err(|error| corrupt(format!("applying the change rows failed: {error}")))?;

        let missing = document.get_missing_deps(&[]);
        if !missing.is_empty() {
            return Err(corrupt(format!(
                "{} change(s) depend on changes that are not stored, such as {}",
                missing.len(),
                missing[0]
            )));
        }

        Ok(document)
    }
}

impl StoredChange {
    /// Parses the row's bytes as a change of document `id` and checks them
    /// against the stored hash.
    ///
    /// # Errors
    ///
    /// [`StorageError::Corrupt`] when the bytes do not parse or their hash
    /// does not match.
    pub fn into_change(self, id: DocumentId) -> Result<Change, StorageError> {
        let corrupt = |reason: String| StorageError::Corrupt { id, reason };

        let change = Change::from_bytes(self.bytes)
            .map_err(|error| corrupt(format!("change row {} does not parse: {error}", self.seq)))?;
        let hash = change.hash().to_string();
        if hash != self.hash {
            return Err(corrupt(format!(
                "change row {} has hash {hash} but is stored as {}",
                self.seq, self.hash
            )));
        }
        Ok(change)
    }
}

/// The result of [`Storage::append_changes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppendOutcome {
    /// The `seq` of the last change row now stored for the document.
    pub last_seq: i64,
    /// The number of change rows the document has after the append.
    pub change_rows: i64,
}

impl AppendOutcome {
    /// Returns whether the document is due for [`Storage::compact`].
    pub fn needs_compaction(&self) -> bool {
        self.change_rows > COMPACTION_THRESHOLD
    }
}

/// One row of the plan index, as the plan list shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlanIndexEntry {
    /// The plan's document id.
    pub id: DocumentId,
    pub title: String,
    pub district: String,
    pub school: String,
    pub school_year: String,
    pub focus_area: String,
    pub status: PlanStatus,
    pub goal_count: i64,
    pub action_count: i64,
    /// When a change to the plan was last stored.
    pub updated_at: DateTime<Utc>,
}

/// Durable storage of documents, their changes and the plan index.
///
/// Every method that writes does so in one transaction: when it returns
/// `Ok`, the write is committed, and when it returns an error, none of it
/// is.
#[async_trait]
pub trait Storage: Send + Sync + 'static {
    /// Reads a document's snapshot and change rows, or `None` when no
    /// document with this id is stored.
    async fn load_document(&self, id: DocumentId) -> Result<Option<StoredDocument>, StorageError>;

    /// Reads the change rows of a document whose `seq` is above
    /// `after_seq`, with the document's last `seq`, or `None` when no
    /// document with this id is stored. Rows that a compaction deleted are
    /// missing, which [`ChangesAfter::is_complete`] detects.
    async fn changes_after(
        &self,
        id: DocumentId,
        after_seq: i64,
    ) -> Result<Option<ChangesAfter>, StorageError>;

    /// Stores a new document whose whole content is `snapshot`, with its
    /// plan index row.
    ///
    /// # Errors
    ///
    /// [`StorageError::AlreadyExists`] when the id is taken.
    async fn create_document(
        &self,
        id: DocumentId,
        snapshot: &[u8],
        summary: &PlanSummary,
    ) -> Result<(), StorageError>;

    /// Appends changes to a document, creating the document row on its first
    /// change, and writes `summary` to the plan index, all in one
    /// transaction. A change whose hash is already stored as a row is
    /// skipped. On PostgreSQL the same transaction sends a change notice to
    /// the other server processes.
    async fn append_changes(
        &self,
        id: DocumentId,
        changes: &[NewChange],
        summary: &PlanSummary,
    ) -> Result<AppendOutcome, StorageError>;

    /// Replaces the snapshot with `snapshot` and deletes the change rows up to
    /// and including `through_seq`, in one transaction. `snapshot` must
    /// contain every change of those rows.
    async fn compact(
        &self,
        id: DocumentId,
        snapshot: &[u8],
        through_seq: i64,
    ) -> Result<(), StorageError>;

    /// Lists the plan index, most recently updated first.
    async fn list_plans(&self) -> Result<Vec<PlanIndexEntry>, StorageError>;

    /// Lists the plans whose index row lacks metrics or was computed under
    /// an older [`cairn_plan::dashboard::METRICS_VERSION`].
    async fn stale_index_entries(&self) -> Result<Vec<DocumentId>, StorageError>;

    /// Rewrites a plan's index row from `summary`, keeping the time of its
    /// last change, if the row is still stale. Does nothing for a plan with
    /// no index row, or whose row a newer change already rewrote.
    async fn refresh_index_entry(
        &self,
        id: DocumentId,
        summary: &PlanSummary,
    ) -> Result<(), StorageError>;

    /// Runs a trivial query, to check that the database is reachable.
    async fn ping(&self) -> Result<(), StorageError>;

    /// Closes the connections after the queries under way finish.
    async fn close(&self);
}

/// Recomputes the plan index rows that lack dashboard metrics or hold an
/// older version of them, as after an upgrade, and returns how many it
/// rewrote. A document that fails to load is logged and skipped, so one
/// damaged plan does not keep the others from their dashboard figures.
///
/// # Errors
///
/// A [`StorageError`] when the list of stale rows cannot be read.
pub async fn refresh_stale_index(storage: &dyn Storage) -> Result<usize, StorageError> {
    let mut refreshed = 0;
    for id in storage.stale_index_entries().await? {
        let summary = match storage.load_document(id).await {
            Ok(Some(stored)) => crate::blocking::run_cpu_bound(|| {
                stored.into_automerge().map(|document| {
                    cairn_plan::PlanDocument::from_automerge(document)
                        .snapshot()
                        .summary()
                })
            }),
            Ok(None) => continue,
            Err(error) => Err(error),
        };
        match summary {
            Ok(summary) => {
                storage.refresh_index_entry(id, &summary).await?;
                refreshed += 1;
            }
            Err(error) => {
                tracing::warn!(document_id = %id, %error, "could not recompute the plan index row");
            }
        }
    }
    Ok(refreshed)
}

/// Opens the database that `DATABASE_URL` names (`None` for the default
/// file `data/cairn.db`) and applies the migrations.
///
/// # Errors
///
/// Any [`StorageError`] from parsing the URL, connecting, creating the
/// file or migrating.
pub async fn open(database_url: Option<&str>) -> Result<Databases, StorageError> {
    let pool = match DatabaseUrl::parse(database_url)? {
        DatabaseUrl::Sqlite { path } => DbPool::open_sqlite(&path).await?,
        DatabaseUrl::Postgres { url } => DbPool::open_postgres(&url).await?,
    };
    Ok(Databases::new(pool))
}

/// The opened database, through its two interfaces.
#[derive(Clone)]
pub struct Databases {
    /// Documents, changes and the plan index.
    pub documents: Arc<dyn Storage>,
    /// Districts, people, sessions and access.
    pub accounts: AccountStore,
    /// The pool both use.
    pub pool: DbPool,
}

impl Databases {
    /// Both stores over `pool`.
    pub fn new(pool: DbPool) -> Self {
        Self {
            documents: Arc::new(SqlStorage::new(pool.clone())),
            accounts: AccountStore::new(pool.clone()),
            pool,
        }
    }
}

/// The current time in milliseconds since the Unix epoch, as stored in
/// the timestamp columns.
pub(crate) fn now_millis() -> i64 {
    let elapsed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
}

/// Converts a stored timestamp back to a date and time. Values out of
/// chrono's range read as the epoch.
pub(crate) fn from_millis(millis: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(millis).unwrap_or_default()
}
