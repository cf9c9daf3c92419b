//! Change notices between server processes that share one PostgreSQL
//! database.
//!
//! 1. The transaction that appends changes to a document also calls
//!    `pg_notify` on [`CHANGES_CHANNEL`] with a [`ChangeNotice`]: the
//!    sending process, the document and its last `seq`. PostgreSQL
//!    delivers it when, and only if, the transaction commits.
//! 2. Every process runs [`listen_for_changes`], one `LISTEN` connection.
//!    For a notice from another process about a document it has loaded, it
//!    sends that document's task a command to read the rows after the last
//!    `seq` it has seen (see [`crate::document_task`]). The task applies them and
//!    forwards them to its own peers.
//! 3. Notices sent while the listening connection is down are lost. After
//!    it reconnects, every loaded document reads what it lacks.
//!
//! SQLite has one server process per file, so it needs none of this.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use cairn_sync::DocumentId;
use sqlx::postgres::PgListener;
use tracing::{debug, info, warn};
use uuid::Uuid;

use crate::hub::Hub;

/// The channel of change notices.
pub const CHANGES_CHANNEL: &str = "cairn_changes";

/// The wait before the first attempt to reconnect the listener. Each
/// failure doubles it, up to [`MAX_RECONNECT_DELAY`].
const FIRST_RECONNECT_DELAY: Duration = Duration::from_millis(250);

/// The maximum wait between two attempts to reconnect the listener.
const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(10);

/// The payload of a change notice: `INSTANCE DOCUMENT LAST_SEQ`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChangeNotice {
    /// The server process that stored the changes.
    pub instance: Uuid,
    /// The document.
    pub document: DocumentId,
    /// The `seq` of the document's last change row after the append.
    pub last_seq: i64,
}

impl fmt::Display for ChangeNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.instance, self.document, self.last_seq)
    }
}

/// A change notice whose payload does not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("change notice `{0}` is not `INSTANCE DOCUMENT LAST_SEQ`")]
pub struct InvalidNotice(String);

impl FromStr for ChangeNotice {
    type Err = InvalidNotice;

    fn from_str(payload: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidNotice(payload.to_owned());
        let mut parts = payload.split(' ');
        let (Some(instance), Some(document), Some(last_seq), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        Ok(Self {
            instance: instance.parse().map_err(|_| invalid())?,
            document: document.parse().map_err(|_| invalid())?,
            last_seq: last_seq.parse().map_err(|_| invalid())?,
        })
    }
}

/// Listens for the change notices of other server processes on the
/// PostgreSQL database at `url` and hands them to `hub`, until the task is
/// aborted. `instance` is this process's id, whose own notices are skipped.
///
/// It never gives up: while the database is unreachable it retries with
/// backoff, and after each reconnection it has every loaded document read
/// what it missed.
pub async fn listen_for_changes(url: String, instance: Uuid, hub: Hub) {
    let mut listener = connect(&url).await;
    info!(
        channel = CHANGES_CHANNEL,
        "listening for changes stored by other server processes"
    );
    // Notices sent before the LISTEN started are lost too.
    hub.catch_up_all().await;

    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => {
                let notice = match notification.payload().parse::<ChangeNotice>() {
                    Ok(notice) => notice,
                    Err(error) => {
                        warn!(%error, "skipped a change notice");
                        continue;
                    }
                };
                if notice.instance == instance {
                    continue;
                }
                debug!(document_id = %notice.document, last_seq = notice.last_seq, "another server process stored changes");
                hub.catch_up(notice.document, Some(notice.last_seq));
            }
            // A lost or failed connection gets a new listener, because
            // retrying on the old one fails for good while sqlx keeps the
            // dead connection.
            Ok(None) => {
                warn!("the change listener lost its connection; reconnecting");
                listener = reconnect(&url).await;
                hub.catch_up_all().await;
            }
            Err(error) => {
                warn!(%error, "the change listener failed; reconnecting");
                listener = reconnect(&url).await;
                hub.catch_up_all().await;
            }
        }
    }
}

/// Connects and starts listening, retrying with backoff until it works.
async fn connect(url: &str) -> PgListener {
    let mut delay = FIRST_RECONNECT_DELAY;
    loop {
        let attempt = async {
            let mut listener = PgListener::connect(url).await?;
            listener.listen(CHANGES_CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        match attempt.await {
            Ok(listener) => return listener,
            Err(error) => {
                warn!(%error, retry_in_ms = delay.as_millis(), "the change listener could not connect");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(MAX_RECONNECT_DELAY);
            }
        }
    }
}

/// Waits [`FIRST_RECONNECT_DELAY`], then connects a new listener, with
/// backoff until it works.
async fn reconnect(url: &str) -> PgListener {
    tokio::time::sleep(FIRST_RECONNECT_DELAY).await;
    let listener = connect(url).await;
    info!("the change listener reconnected; loaded documents read what they missed");
    listener
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notice_round_trips_through_its_payload() {
        let notice = ChangeNotice {
            instance: Uuid::new_v4(),
            document: DocumentId::new_random(),
            last_seq: 42,
        };
        assert_eq!(notice.to_string().parse::<ChangeNotice>(), Ok(notice));
    }

    #[test]
    fn notice_with_extra_parts_is_rejected() {
        assert!("a b c d".parse::<ChangeNotice>().is_err());
    }
}
