//! The JSON API under `/api`, and `/healthz`.
//!
//! - `GET /api/plans`: the plan index, most recently updated first.
//! - `GET /api/plans/{id}`: the JSON export of a plan's current state, read
//!   through the hub, so it includes changes that are only in memory or in
//!   change rows.
//! - `POST /api/plans/import`: creates a plan from a CSV body and returns
//!   its id and the import report.
//! - `GET /healthz`: 200 when a database query succeeds, 503 when it fails.
//!
//! Every failure is an [`ApiError`], which picks the status, writes
//! `{"error": message, "code": code}` and logs the failure once.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use cairn_plan::{export_json, ImportError, ImportReport, PlanDocument};
use cairn_sync::DocumentId;
use serde::Serialize;
use serde_json::{json, Value};
use tracing::{error, warn};

use crate::hub::HubError;
use crate::import::{import_plan, ImportPlanError};
use crate::storage::{PlanIndexEntry, StorageError};
use crate::AppState;

/// The largest CSV file `POST /api/plans/import` accepts, in bytes. Real
/// plan spreadsheets are a few kilobytes; this leaves room for years of
/// progress monitoring rows.
pub const MAX_IMPORT_BYTES: usize = 4 * 1024 * 1024;

/// The routes of the JSON API.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/plans", get(list_plans))
        .route(
            "/api/plans/import",
            post(import).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route("/api/plans/{id}", get(get_plan))
        .route("/healthz", get(health))
}

/// The error type of the HTTP API.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No plan has this id.
    #[error("plan {id} not found")]
    PlanNotFound {
        /// The id from the path.
        id: DocumentId,
    },

    /// The path segment is not a plan id, so no plan has it.
    #[error(
        "plan `{input}` not found: plan ids are UUIDs such as 67e55044-10b1-426f-9247-bb680e5fe0c8"
    )]
    InvalidPlanId {
        /// The path segment as sent.
        input: String,
    },

    /// The uploaded file contains no plan that can be read.
    #[error("the CSV file could not be imported: {0}")]
    InvalidImport(#[from] ImportError),

    /// The upload could not be read, most often because it is larger than
    /// [`MAX_IMPORT_BYTES`].
    #[error("the CSV file could not be read: {reason} (files up to {} MiB are accepted)", MAX_IMPORT_BYTES / 1024 / 1024)]
    UnreadableUpload {
        /// The HTTP status the body extractor chose.
        status: StatusCode,
        /// The extractor's explanation.
        reason: String,
    },

    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),

    /// The hub could not read a document.
    #[error(transparent)]
    Hub(#[from] HubError),

    /// The health check's query failed.
    #[error("the database does not answer: {0}")]
    Unhealthy(StorageError),
}

impl From<ImportPlanError> for ApiError {
    fn from(error: ImportPlanError) -> Self {
        match error {
            ImportPlanError::Csv(error) => Self::InvalidImport(error),
            ImportPlanError::Storage(error) => Self::Storage(error),
        }
    }
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::PlanNotFound { .. } | ApiError::InvalidPlanId { .. } => StatusCode::NOT_FOUND,
            ApiError::InvalidImport(_) => StatusCode::BAD_REQUEST,
            ApiError::UnreadableUpload { status, .. } => *status,
            ApiError::Hub(HubError::ShuttingDown) | ApiError::Unhealthy(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::Storage(_) | ApiError::Hub(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::PlanNotFound { .. } | ApiError::InvalidPlanId { .. } => "plan_not_found",
            ApiError::InvalidImport(_) => "invalid_import",
            ApiError::UnreadableUpload { .. } => "unreadable_upload",
            ApiError::Hub(HubError::ShuttingDown) => "shutting_down",
            ApiError::Unhealthy(_) => "database_unavailable",
            ApiError::Storage(_) | ApiError::Hub(_) => "internal",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();

        // Server errors are logged with their cause and sent without it, so
        // database details never reach the client.
        let message = if status.is_server_error() {
            error!(error = %self, code = self.code(), "API request failed");
            "the server could not complete the request; try again later".to_owned()
        } else {
            warn!(error = %self, code = self.code(), "API request rejected");
            self.to_string()
        };

        let body = json!({ "error": message, "code": self.code() });
        (status, Json(body)).into_response()
    }
}

/// `GET /api/plans`.
async fn list_plans(State(state): State<AppState>) -> Result<Json<Vec<PlanIndexEntry>>, ApiError> {
    let plans = state.storage.list_plans().await?;
    Ok(Json(plans))
}

/// `GET /api/plans/{id}`.
async fn get_plan(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let id: DocumentId = id
        .parse()
        .map_err(|_| ApiError::InvalidPlanId { input: id.clone() })?;

    let document = state.hub.read(id).await?;
    let Some(document) = document else {
        return Err(ApiError::PlanNotFound { id });
    };

    let plan = PlanDocument::from_automerge(document).snapshot();
    Ok(Json(export_json(&plan)))
}

/// The body of a successful `POST /api/plans/import`.
#[derive(Debug, Serialize)]
struct ImportResponse {
    id: DocumentId,
    report: ImportReportBody,
}

/// [`ImportReport`] as JSON.
#[derive(Debug, Serialize)]
struct ImportReportBody {
    rows_imported: usize,
    rows_skipped: usize,
    skipped: Vec<SkippedRowBody>,
    warnings: Vec<CellWarningBody>,
}

#[derive(Debug, Serialize)]
struct SkippedRowBody {
    line: usize,
    reason: String,
}

#[derive(Debug, Serialize)]
struct CellWarningBody {
    line: usize,
    column: String,
    message: String,
}

impl From<ImportReport> for ImportReportBody {
    fn from(report: ImportReport) -> Self {
        Self {
            rows_imported: report.rows_imported,
            rows_skipped: report.rows_skipped,
            skipped: report
                .skipped
                .into_iter()
                .map(|row| SkippedRowBody {
                    line: row.line,
                    reason: row.reason,
                })
                .collect(),
            warnings: report
                .warnings
                .into_iter()
                .map(|warning| CellWarningBody {
                    line: warning.line,
                    column: warning.column,
                    message: warning.message,
                })
                .collect(),
        }
    }
}

/// `POST /api/plans/import`, with the CSV file as the body.
async fn import(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<ImportResponse>), ApiError> {
    let body = body.map_err(|rejection| ApiError::UnreadableUpload {
        status: rejection.status(),
        reason: rejection.body_text(),
    })?;
    let imported = import_plan(state.storage.as_ref(), &body).await?;
    let response = ImportResponse {
        id: imported.id,
        report: imported.report.into(),
    };
    Ok((StatusCode::CREATED, Json(response)))
}

/// `GET /healthz`.
async fn health(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.storage.ping().await.map_err(ApiError::Unhealthy)?;
    Ok(Json(json!({ "status": "ok" })))
}
