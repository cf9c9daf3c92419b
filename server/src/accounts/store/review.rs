//! Review status, the record of decisions, and the plan index rows that
//! dashboards read.

use std::collections::HashMap;
use std::str::FromStr;

use cairn_plan::dashboard::PlanMetrics;
use cairn_plan::review::ReviewAction;
use cairn_plan::PlanStatus;
use cairn_sync::DocumentId;
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;
use tracing::warn;

use super::{invalid, parse_uuid, plan_from_row, AccountStore};
use crate::accounts::model::{Access, PersonId, PlanRecord};
use crate::storage::{from_millis, now_millis, StorageError};

/// One recorded step of a plan's review.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionRecord {
    pub action: ReviewAction,
    pub from: PlanStatus,
    pub to: PlanStatus,
    /// The person who took it; `None` once they were deleted.
    pub person_id: Option<PersonId>,
    pub person_name: Option<String>,
    pub comment: String,
    /// The document's heads when the step was taken, lowercase hex.
    pub heads: Vec<String>,
    pub decided_at: DateTime<Utc>,
}

/// A decision to record.
#[derive(Clone, Debug)]
pub struct NewDecision<'a> {
    pub action: ReviewAction,
    pub from: PlanStatus,
    pub to: PlanStatus,
    pub person_id: PersonId,
    pub comment: &'a str,
    pub heads: &'a [String],
}

/// A plan of a district with its index row, for dashboards.
#[derive(Clone, Debug)]
pub struct IndexRow {
    pub id: DocumentId,
    pub record: PlanRecord,
    /// The direct share the person asking has, if any.
    pub share: Option<Access>,
    pub review_status: PlanStatus,
    pub title: String,
    pub school_year: String,
    pub focus_area: String,
    pub updated_at: DateTime<Utc>,
    /// The JSON of the plan's [`PlanMetrics`], or `None` until the index
    /// row has metrics, such as right after an upgrade, before the server
    /// recomputes them. It is parsed by [`IndexRow::metrics`] only for the
    /// plans a dashboard shows, because parsing is most of a dashboard's
    /// cost.
    pub metrics_json: Option<String>,
}

impl IndexRow {
    /// Parses the plan's dashboard metrics. A row without them, or whose
    /// JSON does not parse, gives empty metrics, so one bad row does not
    /// fail a whole dashboard.
    pub fn metrics(&self) -> PlanMetrics {
        let Some(json) = &self.metrics_json else {
            return PlanMetrics::default();
        };
        match serde_json::from_str(json) {
            Ok(metrics) => metrics,
            Err(error) => {
                warn!(plan = %self.id, %error, "invalid metrics JSON in the plan index; showing the plan without figures");
                PlanMetrics::default()
            }
        }
    }
}

impl AccountStore {
    /// Reads the review status of a plan, or `None` when it has no record.
    pub async fn review_status(
        &self,
        document: DocumentId,
    ) -> Result<Option<PlanStatus>, StorageError> {
        let status: Option<String> =
            sqlx::query_scalar("SELECT review_status FROM plans WHERE document_id = $1")
                .bind(document.to_string())
                .fetch_optional(self.pool.sqlx())
                .await?;
        status
            .map(|status| parse_status("plans", &status))
            .transpose()
    }

    /// Reads the review status of every plan of a district.
    pub async fn review_statuses(
        &self,
        district: uuid::Uuid,
    ) -> Result<HashMap<DocumentId, PlanStatus>, StorageError> {
        let rows =
            sqlx::query("SELECT document_id, review_status FROM plans WHERE district_id = $1")
                .bind(district.to_string())
                .fetch_all(self.pool.sqlx())
                .await?;
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("document_id")?;
                let id = DocumentId::from_str(&id)
                    .map_err(|error| invalid("plans", error.to_string()))?;
                Ok((id, parse_status("plans", row.try_get("review_status")?)?))
            })
            .collect()
    }

    /// Sets the review status of a plan without recording a decision, as
    /// an import does when it keeps the status of the spreadsheet.
    pub async fn set_review_status(
        &self,
        document: DocumentId,
        status: PlanStatus,
    ) -> Result<(), StorageError> {
        sqlx::query("UPDATE plans SET review_status = $2 WHERE document_id = $1")
            .bind(document.to_string())
            .bind(status.as_str())
            .execute(self.pool.sqlx())
            .await?;
        Ok(())
    }

    /// Records a decision and moves the plan to its status, in one
    /// transaction, if the plan is still in `decision.from`. Returns
    /// `false`, and changes nothing, when the status moved meanwhile.
    pub async fn record_decision(
        &self,
        document: DocumentId,
        decision: NewDecision<'_>,
    ) -> Result<bool, StorageError> {
        let id = document.to_string();
        let mut transaction = self.pool.begin_write().await?;

        let moved = sqlx::query(
            "UPDATE plans SET review_status = $3 WHERE document_id = $1 AND review_status = $2",
        )
        .bind(&id)
        .bind(decision.from.as_str())
        .bind(decision.to.as_str())
        .execute(&mut *transaction)
        .await?;
        if moved.rows_affected() != 1 {
            return Ok(false);
        }

        let heads = serde_json::to_string(decision.heads)
            .map_err(|error| invalid("plan_decisions", error.to_string()))?;
        sqlx::query(
            "INSERT INTO plan_decisions (document_id, action, from_status, to_status, person_id, \
                                         comment, heads, decided_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(decision.action.as_str())
        .bind(decision.from.as_str())
        .bind(decision.to.as_str())
        .bind(decision.person_id.to_string())
        .bind(decision.comment)
        .bind(heads)
        .bind(now_millis())
        .execute(&mut *transaction)
        .await?;

        transaction.commit().await?;
        Ok(true)
    }

    /// Lists the decisions about a plan, oldest first.
    pub async fn decisions(
        &self,
        document: DocumentId,
    ) -> Result<Vec<DecisionRecord>, StorageError> {
        let rows = sqlx::query(
            "SELECT d.action, d.from_status, d.to_status, d.person_id, p.name, d.comment, \
                    d.heads, d.decided_at \
             FROM plan_decisions d LEFT JOIN people p ON p.id = d.person_id \
             WHERE d.document_id = $1 ORDER BY d.decided_at, d.rowid",
        )
        .bind(document.to_string())
        .fetch_all(self.pool.sqlx())
        .await?;
        rows.iter().map(decision_from_row).collect()
    }

    /// Lists every plan of a district with its index row and the direct
    /// share of `person` on each.
    pub async fn index_rows(
        &self,
        district: uuid::Uuid,
        person: PersonId,
    ) -> Result<Vec<IndexRow>, StorageError> {
        let rows = sqlx::query(&format!("{INDEX_ROWS} WHERE p.district_id = $1"))
            .bind(district.to_string())
            .bind(person.to_string())
            .fetch_all(self.pool.sqlx())
            .await?;
        rows.iter().map(index_row).collect()
    }

    /// Reads the index row of one plan of a district, with the direct share
    /// of `person` on it, or `None` when the district has no such plan.
    pub async fn index_row(
        &self,
        district: uuid::Uuid,
        person: PersonId,
        document: DocumentId,
    ) -> Result<Option<IndexRow>, StorageError> {
        let row = sqlx::query(&format!(
            "{INDEX_ROWS} WHERE p.district_id = $1 AND p.document_id = $3"
        ))
        .bind(district.to_string())
        .bind(person.to_string())
        .bind(document.to_string())
        .fetch_optional(self.pool.sqlx())
        .await?;
        row.as_ref().map(index_row).transpose()
    }
}

/// The plans joined with their index rows and the share of person `$2`. A
/// plan recorded before its first change was stored has no index row yet
/// and reads as an empty plan last changed when it was recorded.
const INDEX_ROWS: &str = "SELECT p.document_id, p.district_id, p.school_id, p.review_status, \
        m.access, COALESCE(i.title, '') AS title, COALESCE(i.school_year, '') AS school_year, \
        COALESCE(i.focus_area, '') AS focus_area, \
        COALESCE(i.updated_at, p.created_at) AS updated_at, i.metrics \
     FROM plans p \
     LEFT JOIN plan_index i ON i.document_id = p.document_id \
     LEFT JOIN plan_members m ON m.document_id = p.document_id AND m.person_id = $2";

fn parse_status(table: &'static str, value: &str) -> Result<PlanStatus, StorageError> {
    PlanStatus::from_str(value).map_err(|error| invalid(table, error.to_string()))
}

fn decision_from_row(row: &AnyRow) -> Result<DecisionRecord, StorageError> {
    let table = "plan_decisions";
    let action: String = row.try_get("action")?;
    let person: Option<String> = row.try_get("person_id")?;
    let heads: String = row.try_get("heads")?;
    Ok(DecisionRecord {
        action: ReviewAction::from_str(&action)
            .map_err(|error| invalid(table, error.to_string()))?,
        from: parse_status(table, row.try_get("from_status")?)?,
        to: parse_status(table, row.try_get("to_status")?)?,
        person_id: person.map(|id| parse_uuid(table, &id)).transpose()?,
        person_name: row.try_get("name")?,
        comment: row.try_get("comment")?,
        heads: serde_json::from_str(&heads).map_err(|error| invalid(table, error.to_string()))?,
        decided_at: from_millis(row.try_get("decided_at")?),
    })
}

fn index_row(row: &AnyRow) -> Result<IndexRow, StorageError> {
    let id: String = row.try_get("document_id")?;
    let id = DocumentId::from_str(&id).map_err(|error| invalid("plans", error.to_string()))?;
    let access: Option<String> = row.try_get("access")?;
    Ok(IndexRow {
        id,
        record: plan_from_row(row)?,
        share: access.as_deref().and_then(Access::parse),
        review_status: parse_status("plans", row.try_get("review_status")?)?,
        title: row.try_get("title")?,
        school_year: row.try_get("school_year")?,
        focus_area: row.try_get("focus_area")?,
        updated_at: from_millis(row.try_get("updated_at")?),
        metrics_json: row.try_get("metrics")?,
    })
}
