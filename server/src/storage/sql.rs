//! The one implementation of [`Storage`], over a [`DbPool`] of either
//! backend.
//!
//! On SQLite the database runs in WAL mode with `synchronous = FULL`, so a
//! committed transaction survives a crash of the process and of the
//! machine, and readers (the plan list, `cairn export`) do not block the
//! writer. On PostgreSQL, appending changes also sends a change notice
//! (see [`super::listener`]) in the same transaction, so other server
//! processes hear of the changes exactly when they are committed.

use std::str::FromStr;

use async_trait::async_trait;
use cairn_plan::dashboard::METRICS_VERSION;
use cairn_plan::{PlanStatus, PlanSummary};
use cairn_sync::DocumentId;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use tracing::info;

use super::listener::{ChangeNotice, CHANGES_CHANNEL};
use super::pool::{Backend, DbPool};
use super::{
    from_millis, now_millis, AppendOutcome, ChangesAfter, NewChange, PlanIndexEntry, Storage,
    StorageError, StoredChange, StoredDocument,
};

/// Documents, changes and the plan index in a SQLite or PostgreSQL
/// database.
#[derive(Clone, Debug)]
pub struct SqlStorage {
    pool: DbPool,
}

impl SqlStorage {
    /// Stores documents in the database of `pool`.
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }

    /// Opens (creating it and its folder if missing) the SQLite file at
    /// `path` and applies the migrations.
    ///
    /// # Errors
    ///
    /// Any error of [`DbPool::open_sqlite`].
    pub async fn open_sqlite(path: &std::path::Path) -> Result<Self, StorageError> {
        Ok(Self::new(DbPool::open_sqlite(path).await?))
    }

    /// The connection pool, for the account store and for queries outside
    /// the [`Storage`] trait.
    pub fn pool(&self) -> &DbPool {
        &self.pool
    }
}

#[async_trait]
impl Storage for SqlStorage {
    async fn load_document(&self, id: DocumentId) -> Result<Option<StoredDocument>, StorageError> {
        let id_text = id.to_string();
        let mut transaction = self.pool.begin_read().await?;

        let row = sqlx::query("SELECT snapshot, last_seq FROM documents WHERE id = $1")
            .bind(&id_text)
            .fetch_optional(&mut *transaction)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let snapshot: Option<Vec<u8>> = row.try_get("snapshot")?;
        let last_seq: i64 = row.try_get("last_seq")?;

        let changes = change_rows_after(&mut transaction, &id_text, 0).await?;
        transaction.commit().await?;

        Ok(Some(StoredDocument {
            id,
            snapshot,
            last_seq,
            changes,
        }))
    }

    async fn changes_after(
        &self,
        id: DocumentId,
        after_seq: i64,
    ) -> Result<Option<ChangesAfter>, StorageError> {
        let id_text = id.to_string();
        let mut transaction = self.pool.begin_read().await?;

        let last_seq: Option<i64> =
            sqlx::query_scalar("SELECT last_seq FROM documents WHERE id = $1")
                .bind(&id_text)
                .fetch_optional(&mut *transaction)
                .await?;
        let Some(last_seq) = last_seq else {
            return Ok(None);
        };

        let changes = change_rows_after(&mut transaction, &id_text, after_seq).await?;
        transaction.commit().await?;

        Ok(Some(ChangesAfter { last_seq, changes }))
    }

    async fn create_document(
        &self,
        id: DocumentId,
        snapshot: &[u8],
        summary: &PlanSummary,
    ) -> Result<(), StorageError> {
        let now = now_millis();
        let mut transaction = self.pool.begin_write().await?;

        let inserted = sqlx::query(
            "INSERT INTO documents (id, snapshot, last_seq, created_at, updated_at) \
             VALUES ($1, $2, 0, $3, $3)",
        )
        .bind(id.to_string())
        .bind(snapshot)
        .bind(now)
        .execute(&mut *transaction)
        .await;
        match inserted {
            Ok(_) => {}
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                return Err(StorageError::AlreadyExists { id });
            }
            Err(error) => return Err(error.into()),
        }

        upsert_plan_index(&mut transaction, id, summary, now).await?;
        transaction.commit().await?;
        Ok(())
    }

    async fn append_changes(
        &self,
        id: DocumentId,
        changes: &[NewChange],
        summary: &PlanSummary,
    ) -> Result<AppendOutcome, StorageError> {
        let id_text = id.to_string();
        let now = now_millis();
        let mut transaction = self.pool.begin_write().await?;

        sqlx::query(
            "INSERT INTO documents (id, snapshot, last_seq, created_at, updated_at) \
             VALUES ($1, NULL, 0, $2, $2) \
             ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at",
        )
        .bind(&id_text)
        .bind(now)
        .execute(&mut *transaction)
        .await?;

        let mut last_seq: i64 = sqlx::query_scalar("SELECT last_seq FROM documents WHERE id = $1")
            .bind(&id_text)
            .fetch_one(&mut *transaction)
            .await?;

        for change in changes {
            let inserted = sqlx::query(
                "INSERT INTO changes (document_id, seq, hash, bytes, received_at) \
                 VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (document_id, hash) DO NOTHING",
            )
            .bind(&id_text)
            .bind(last_seq + 1)
            .bind(change.hash.to_string())
            .bind(&change.bytes)
            .bind(now)
            .execute(&mut *transaction)
            .await?;
            if inserted.rows_affected() == 1 {
                last_seq += 1;
                sqlx::query(
                    "INSERT INTO change_log (document_id, hash, person_id, received_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (document_id, hash) DO NOTHING",
                )
                .bind(&id_text)
                .bind(change.hash.to_string())
                .bind(change.author.map(|author| author.to_string()))
                .bind(now)
                .execute(&mut *transaction)
                .await?;
            }
        }

        sqlx::query("UPDATE documents SET last_seq = $2 WHERE id = $1")
            .bind(&id_text)
            .bind(last_seq)
            .execute(&mut *transaction)
            .await?;

        upsert_plan_index(&mut transaction, id, summary, now).await?;

        if self.pool.backend() == Backend::Postgres {
            let notice = ChangeNotice {
                instance: self.pool.instance(),
                document: id,
                last_seq,
            };
            sqlx::query("SELECT 1 FROM pg_notify($1, $2)")
                .bind(CHANGES_CHANNEL)
                .bind(notice.to_string())
                .execute(&mut *transaction)
                .await?;
        }

        let change_rows: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM changes WHERE document_id = $1")
                .bind(&id_text)
                .fetch_one(&mut *transaction)
                .await?;

        transaction.commit().await?;

        Ok(AppendOutcome {
            last_seq,
            change_rows,
        })
    }

    async fn compact(
        &self,
        id: DocumentId,
        snapshot: &[u8],
        through_seq: i64,
    ) -> Result<(), StorageError> {
        let id_text = id.to_string();
        let mut transaction = self.pool.begin_write().await?;

        // Locks the document's row, so that no append or other compaction
        // of it runs until this transaction ends.
        sqlx::query("UPDATE documents SET updated_at = $2 WHERE id = $1")
            .bind(&id_text)
            .bind(now_millis())
            .execute(&mut *transaction)
            .await?;

        // Another server process may have compacted further meanwhile: then
        // the row after `through_seq` is gone, and its snapshot contains
        // changes that `snapshot` may lack, so it must stay.
        let last_seq: i64 = sqlx::query_scalar("SELECT last_seq FROM documents WHERE id = $1")
            .bind(&id_text)
            .fetch_one(&mut *transaction)
            .await?;
        let next_row: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM changes WHERE document_id = $1 AND seq = $2")
                .bind(&id_text)
                .bind(through_seq + 1)
                .fetch_one(&mut *transaction)
                .await?;
        if last_seq > through_seq && next_row == 0 {
            transaction.commit().await?;
            info!(document_id = %id, through_seq, "skipped a compaction: another server process compacted further");
            return Ok(());
        }

        sqlx::query("UPDATE documents SET snapshot = $2 WHERE id = $1")
            .bind(&id_text)
            .bind(snapshot)
            .execute(&mut *transaction)
            .await?;

        sqlx::query("DELETE FROM changes WHERE document_id = $1 AND seq <= $2")
            .bind(&id_text)
            .bind(through_seq)
            .execute(&mut *transaction)
            .await?;

        transaction.commit().await?;
        Ok(())
    }

    async fn list_plans(&self) -> Result<Vec<PlanIndexEntry>, StorageError> {
        let rows = sqlx::query(
            "SELECT document_id, title, district, school, school_year, focus_area, status, \
                    goal_count, action_count, updated_at \
             FROM plan_index ORDER BY updated_at DESC, rowid DESC",
        )
        .fetch_all(self.pool.sqlx())
        .await?;

        rows.iter().map(plan_index_entry).collect()
    }

    async fn stale_index_entries(&self) -> Result<Vec<DocumentId>, StorageError> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT document_id FROM plan_index WHERE metrics_version < $1 OR metrics IS NULL",
        )
        .bind(METRICS_VERSION)
        .fetch_all(self.pool.sqlx())
        .await?;
        ids.iter()
            .map(|id| {
                DocumentId::from_str(id).map_err(|error| StorageError::InvalidRow {
                    table: "plan_index",
                    reason: error.to_string(),
                })
            })
            .collect()
    }

    async fn refresh_index_entry(
        &self,
        id: DocumentId,
        summary: &PlanSummary,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "UPDATE plan_index SET title = $2, district = $3, school = $4, school_year = $5, \
                 focus_area = $6, status = $7, goal_count = $8, action_count = $9, \
                 metrics = $10, metrics_version = $11 \
             WHERE document_id = $1 AND (metrics_version < $11 OR metrics IS NULL)",
        )
        .bind(id.to_string())
        .bind(&summary.title)
        .bind(&summary.district)
        .bind(&summary.school)
        .bind(&summary.school_year)
        .bind(&summary.focus_area)
        .bind(summary.status.as_str())
        .bind(i64::try_from(summary.goal_count).unwrap_or(i64::MAX))
        .bind(i64::try_from(summary.action_count).unwrap_or(i64::MAX))
        .bind(metrics_json(summary)?)
        .bind(METRICS_VERSION)
        .execute(self.pool.sqlx())
        .await?;
        Ok(())
    }

    async fn ping(&self) -> Result<(), StorageError> {
        sqlx::query("SELECT 1").execute(self.pool.sqlx()).await?;
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}

/// Reads the change rows of a document whose `seq` is above `after_seq`,
/// in `seq` order.
async fn change_rows_after(
    transaction: &mut Transaction<'_, Any>,
    id: &str,
    after_seq: i64,
) -> Result<Vec<StoredChange>, StorageError> {
    let rows = sqlx::query(
        "SELECT seq, hash, bytes FROM changes WHERE document_id = $1 AND seq > $2 ORDER BY seq",
    )
    .bind(id)
    .bind(after_seq)
    .fetch_all(&mut **transaction)
    .await?;

    let mut changes = Vec::with_capacity(rows.len());
    for row in rows {
        changes.push(StoredChange {
            seq: row.try_get("seq")?,
            hash: row.try_get("hash")?,
            bytes: row.try_get("bytes")?,
        });
    }
    Ok(changes)
}

async fn upsert_plan_index(
    transaction: &mut Transaction<'_, Any>,
    id: DocumentId,
    summary: &PlanSummary,
    now: i64,
) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO plan_index (document_id, title, district, school, school_year, focus_area, \
                                 status, goal_count, action_count, updated_at, metrics, \
                                 metrics_version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (document_id) DO UPDATE SET \
             title = excluded.title, district = excluded.district, school = excluded.school, \
             school_year = excluded.school_year, focus_area = excluded.focus_area, \
             status = excluded.status, goal_count = excluded.goal_count, \
             action_count = excluded.action_count, updated_at = excluded.updated_at, \
             metrics = excluded.metrics, metrics_version = excluded.metrics_version",
    )
    .bind(id.to_string())
    .bind(&summary.title)
    .bind(&summary.district)
    .bind(&summary.school)
    .bind(&summary.school_year)
    .bind(&summary.focus_area)
    .bind(summary.status.as_str())
    .bind(i64::try_from(summary.goal_count).unwrap_or(i64::MAX))
    .bind(i64::try_from(summary.action_count).unwrap_or(i64::MAX))
    .bind(now)
    .bind(metrics_json(summary)?)
    .bind(METRICS_VERSION)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// The dashboard metrics of `summary`, as the plan index stores them.
fn metrics_json(summary: &PlanSummary) -> Result<String, StorageError> {
    serde_json::to_string(&summary.metrics).map_err(|error| StorageError::InvalidRow {
        table: "plan_index",
        reason: format!("the plan's metrics do not serialize: {error}"),
    })
}

fn plan_index_entry(row: &AnyRow) -> Result<PlanIndexEntry, StorageError> {
    let invalid = |reason: String| StorageError::InvalidRow {
        table: "plan_index",
        reason,
    };

    let id: String = row.try_get("document_id")?;
    let id = DocumentId::from_str(&id).map_err(|error| invalid(error.to_string()))?;
    let status: String = row.try_get("status")?;
    let status =
        PlanStatus::from_str(&status).map_err(|error| invalid(format!("plan {id}: {error}")))?;

    Ok(PlanIndexEntry {
        id,
        title: row.try_get("title")?,
        district: row.try_get("district")?,
        school: row.try_get("school")?,
        school_year: row.try_get("school_year")?,
        focus_area: row.try_get("focus_area")?,
        status,
        goal_count: row.try_get("goal_count")?,
        action_count: row.try_get("action_count")?,
        updated_at: from_millis(row.try_get("updated_at")?),
    })
}
