//! The connection pool that the document storage and the account store
//! share: [`DbPool`], over SQLite or PostgreSQL.
//!
//! Both backends run the same SQL through sqlx's `Any` driver. The queries
//! use `$N` placeholders, which PostgreSQL requires and SQLite accepts, and
//! only SQL that both understand. What differs lives here: how a
//! connection is opened and configured, the migrations, and the statement
//! that starts a writing transaction.

use std::path::Path;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyPool, Executor, Transaction};
use tracing::{info, instrument};
use uuid::Uuid;

use super::StorageError;

static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// The maximum number of open SQLite connections. SQLite has one writer
/// at a time, so more connections only help concurrent readers.
const SQLITE_MAX_CONNECTIONS: u32 = 8;

/// The maximum number of open PostgreSQL connections of one instance,
/// besides the one its change listener holds.
const POSTGRES_MAX_CONNECTIONS: u32 = 16;

/// The settings of every SQLite connection: WAL, so readers do not block
/// the writer; `synchronous = FULL`, so a commit survives a crash of the
/// machine; foreign keys checked; and a wait of up to 10 seconds for
/// another connection's write lock before "database is locked".
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                              PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";

/// The database engine behind a [`DbPool`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// One SQLite file, used by one server process.
    Sqlite,
    /// A PostgreSQL database, which several server processes may share.
    Postgres,
}

impl Backend {
    /// The statement that starts a transaction that writes.
    ///
    /// SQLite's `BEGIN IMMEDIATE` takes the write lock up front instead of
    /// failing when a read turns into a write. PostgreSQL locks rows as
    /// statements touch them, so a plain `BEGIN` does.
    fn begin_write(self) -> &'static str {
        match self {
            Self::Sqlite => "BEGIN IMMEDIATE",
            Self::Postgres => "BEGIN",
        }
    }

    /// The statement that starts a transaction that only reads and whose
    /// statements all read one consistent state of the database.
    fn begin_read(self) -> &'static str {
        match self {
            Self::Sqlite => "BEGIN",
            Self::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        }
    }
}

/// A pool of connections to the migrated database, of either backend.
/// Cloning it is cheap and every clone shares the connections.
#[derive(Clone, Debug)]
pub struct DbPool {
    pool: AnyPool,
    backend: Backend,
    /// Identifies this server process in the change notices it sends, so
    /// its listener can skip its own.
    instance: Uuid,
}

impl DbPool {
    /// Opens (creating it and its folder if missing) the SQLite file at
    /// `path` and applies the migrations.
    ///
    /// # Errors
    ///
    /// [`StorageError::CreateFolder`], [`StorageError::InvalidSqliteUrl`]
    /// for a path that is not UTF-8, [`StorageError::Connect`] and
    /// [`StorageError::Migrate`].
    #[instrument(skip_all, fields(path = %path.display()))]
    pub async fn open_sqlite(path: &Path) -> Result<Self, StorageError> {
        let folder = path
            .parent()
            .filter(|folder| !folder.as_os_str().is_empty());
        if let Some(folder) = folder {
            tokio::fs::create_dir_all(folder).await.map_err(|source| {
                StorageError::CreateFolder {
                    path: folder.to_path_buf(),
                    source,
                }
            })?;
        }

        sqlx::any::install_default_drivers();
        let options: AnyConnectOptions = sqlite_url(path)?
            .parse()
            .map_err(|source| StorageError::Connect { source })?;
        let pool = AnyPoolOptions::new()
            .max_connections(SQLITE_MAX_CONNECTIONS)
            .after_connect(|connection, _| {
                Box::pin(async move {
                    connection.execute(SQLITE_PRAGMAS).await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|source| StorageError::Connect { source })?;

        SQLITE_MIGRATOR.run(&pool).await?;
        info!("opened the SQLite database and applied its migrations");

        Ok(Self {
            pool,
            backend: Backend::Sqlite,
            instance: Uuid::new_v4(),
        })
    }

    /// Connects to the PostgreSQL database at `url` and applies the
    /// migrations. The database must exist. Several processes may migrate
    /// at once: sqlx holds an advisory lock while it migrates.
    ///
    /// # Errors
    ///
    /// [`StorageError::Connect`] when the server cannot be reached or
    /// refuses the login, and [`StorageError::Migrate`].
    #[instrument(skip_all)]
    pub async fn open_postgres(url: &str) -> Result<Self, StorageError> {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(POSTGRES_MAX_CONNECTIONS)
            .connect(url)
            .await
            .map_err(|source| StorageError::Connect { source })?;

        POSTGRES_MIGRATOR.run(&pool).await?;
        info!("connected to PostgreSQL and applied its migrations");

        Ok(Self {
            pool,
            backend: Backend::Postgres,
            instance: Uuid::new_v4(),
        })
    }

    /// The database engine.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The sqlx pool, for queries outside the two stores, such as the
    /// checks of a test.
    pub fn sqlx(&self) -> &AnyPool {
        &self.pool
    }

    /// The id of this server process in change notices.
    pub(crate) fn instance(&self) -> Uuid {
        self.instance
    }

    /// Starts a transaction that writes.
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        self.pool.begin_with(self.backend.begin_write()).await
    }

    /// Starts a transaction that reads a consistent state of the
    /// database.
    pub(crate) async fn begin_read(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        self.pool.begin_with(self.backend.begin_read()).await
    }

    /// Closes the connections after the queries under way finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The sqlx URL of the SQLite file at `path`, created if missing. The path
/// is made absolute and percent-encoded, because a URL's host part would
/// otherwise swallow the first folder of a relative path.
fn sqlite_url(path: &Path) -> Result<String, StorageError> {
    let invalid = |reason| StorageError::InvalidSqliteUrl {
        url: path.display().to_string(),
        reason,
    };
    let absolute = std::path::absolute(path)
        .map_err(|_| invalid("the path cannot be made absolute; give an absolute path"))?;
    let Some(text) = absolute.to_str() else {
        return Err(invalid(
            "the path is not valid UTF-8; give a path of UTF-8 characters",
        ));
    };

    let mut url = String::from("sqlite://");
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/._-~".contains(&byte) {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url.push_str("?mode=rwc");
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_url_is_absolute_and_encoded() {
        let url = sqlite_url(Path::new("/var/lib/cairn plans/cairn.db")).ok();
        assert_eq!(
            url.as_deref(),
            Some("sqlite:///var/lib/cairn%20plans/cairn.db?mode=rwc")
        );
    }
}
