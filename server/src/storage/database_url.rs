//! Parsing of `DATABASE_URL` into the database to open.

use std::fmt;
use std::path::PathBuf;

use super::StorageError;

/// The database file used when `DATABASE_URL` is unset, relative to the
/// current directory.
pub const DEFAULT_SQLITE_PATH: &str = "data/cairn.db";

/// The database that `DATABASE_URL` names.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite database file, created with its folder if missing.
    Sqlite {
        /// The file, absolute or relative to the current directory.
        path: PathBuf,
    },
    /// A PostgreSQL database, which must exist already.
    Postgres {
        /// The URL as given, `postgres://` or `postgresql://`. It can hold
        /// a password, so it is never logged: `Debug` shows only the scheme.
        url: String,
    },
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite { path } => f.debug_struct("Sqlite").field("path", path).finish(),
            Self::Postgres { .. } => f.debug_struct("Postgres").finish_non_exhaustive(),
        }
    }
}

impl DatabaseUrl {
    /// Parses the value of `DATABASE_URL`.
    ///
    /// - unset or empty: the SQLite file [`DEFAULT_SQLITE_PATH`];
    /// - `sqlite://PATH` or `sqlite:PATH`: the SQLite file at `PATH`
    ///   (`sqlite:///abs/cairn.db` is absolute, `sqlite://data/cairn.db`
    ///   relative);
    /// - `postgres://…` or `postgresql://…`: that PostgreSQL database;
    /// - anything without `://`: a SQLite file path.
    ///
    /// # Errors
    ///
    /// [`StorageError::UnsupportedUrl`] for any other scheme, and
    /// [`StorageError::InvalidSqliteUrl`] for an in-memory database, query
    /// options or an empty path.
    pub fn parse(value: Option<&str>) -> Result<Self, StorageError> {
        let value = value.map(str::trim).unwrap_or_default();
        if value.is_empty() {
            return Ok(Self::Sqlite {
                path: PathBuf::from(DEFAULT_SQLITE_PATH),
            });
        }

        if let Some(rest) = value
            .strip_prefix("postgres://")
            .or_else(|| value.strip_prefix("postgresql://"))
        {
            check_postgres_parts(rest)?;
            return Ok(Self::Postgres {
                url: value.to_owned(),
            });
        }

        let path = if let Some(rest) = value.strip_prefix("sqlite://") {
            rest
        } else if let Some(rest) = value.strip_prefix("sqlite:") {
            rest
        } else if let Some((scheme, _)) = value.split_once("://") {
            return Err(unsupported_scheme(scheme));
        } else {
            value
        };

        let invalid = |reason| StorageError::InvalidSqliteUrl {
            url: value.to_owned(),
            reason,
        };
        if path.is_empty() {
            return Err(invalid(
                "the path is empty; give a file such as sqlite://data/cairn.db",
            ));
        }
        if path == ":memory:" || path.contains("mode=memory") {
            return Err(invalid(
                "an in-memory database loses every plan when the server stops; give a file path",
            ));
        }
        if path.contains('?') {
            return Err(invalid(
                "options after `?` are not supported; give only the file path",
            ));
        }

        Ok(Self::Sqlite {
            path: PathBuf::from(path),
        })
    }
}

fn unsupported_scheme(scheme: &str) -> StorageError {
    StorageError::UnsupportedUrl {
        scheme: format!("{scheme}://"),
    }
}

/// Checks that the part of a PostgreSQL URL after the scheme names a host
/// and a database. Without them sqlx falls back to defaults (localhost,
/// and a database named after the user), so the migrations could run in a
/// database the operator never named.
fn check_postgres_parts(rest: &str) -> Result<(), StorageError> {
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host_and_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = host_and_port
        .split_once(':')
        .map_or(host_and_port, |(host, _)| host);
    if host.is_empty() {
        return Err(StorageError::InvalidPostgresUrl {
            reason: "it names no host",
        });
    }

    let database = path.split_once('?').map_or(path, |(name, _)| name);
    if database.is_empty() {
        return Err(StorageError::InvalidPostgresUrl {
            reason: "it names no database",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite_path(value: Option<&str>) -> Option<PathBuf> {
        match DatabaseUrl::parse(value) {
            Ok(DatabaseUrl::Sqlite { path }) => Some(path),
            Ok(DatabaseUrl::Postgres { .. }) | Err(_) => None,
        }
    }

    #[test]
    fn unset_url_is_the_default_file() {
        assert_eq!(sqlite_path(None), Some(PathBuf::from(DEFAULT_SQLITE_PATH)));
    }

    #[test]
    fn sqlite_scheme_with_slashes_is_a_path() {
        assert_eq!(
            sqlite_path(Some("sqlite:///var/lib/cairn.db")),
            Some(PathBuf::from("/var/lib/cairn.db"))
        );
    }

    #[test]
    fn sqlite_scheme_without_slashes_is_a_path() {
        assert_eq!(
            sqlite_path(Some("sqlite:data/x.db")),
            Some(PathBuf::from("data/x.db"))
        );
    }

    #[test]
    fn plain_path_is_a_sqlite_file() {
        assert_eq!(
            sqlite_path(Some("/tmp/cairn.db")),
            Some(PathBuf::from("/tmp/cairn.db"))
        );
    }

    #[test]
    fn unknown_scheme_names_the_scheme_only() {
        let message = DatabaseUrl::parse(Some("foo://user:secret@host/db"))
            .err()
            .map(|error| error.to_string())
            .unwrap_or_default();
        assert_eq!(
            message,
            "DATABASE_URL `foo://` is not supported (expected sqlite://, postgres:// or a file path)"
        );
    }

    #[test]
    fn both_postgres_schemes_name_postgres() {
        for url in [
            "postgres://user@localhost/cairn",
            "postgresql://user@localhost/cairn",
        ] {
            assert_eq!(
                DatabaseUrl::parse(Some(url)).ok(),
                Some(DatabaseUrl::Postgres {
                    url: url.to_owned()
                })
            );
        }
    }

    #[test]
    fn postgres_url_needs_host_and_database() {
        let cases = [
            ("postgres://", "it names no host"),
            ("postgres:///cairn", "it names no host"),
            ("postgres://user:secret@:5432/cairn", "it names no host"),
            ("postgres://postgres@127.0.0.1:5432", "it names no database"),
            (
                "postgresql://user:secret@db.example.org/",
                "it names no database",
            ),
            (
                "postgres://db.example.org/?sslmode=disable",
                "it names no database",
            ),
        ];
        for (url, expected) in cases {
            let message = DatabaseUrl::parse(Some(url)).expect_err(url).to_string();
            assert!(message.contains(expected), "{url}: {message}");
            assert!(!message.contains("secret"), "{url}: {message}");
            assert!(message.contains("postgres://USER:PASSWORD@HOST:5432/DATABASE"));
        }

        let valid = DatabaseUrl::parse(Some("postgres://user:secret@127.0.0.1:5432/cairn"));
        assert!(matches!(valid, Ok(DatabaseUrl::Postgres { .. })));
    }

    #[test]
    fn postgres_url_debug_hides_the_password() {
        let parsed = DatabaseUrl::parse(Some("postgres://user:secret@localhost/test"));
        let shown = format!("{parsed:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn in_memory_database_is_rejected() {
        assert_eq!(sqlite_path(Some("sqlite::memory:")), None);
    }
}
