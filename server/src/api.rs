//! The JSON API under `/api`, and `/healthz`.
//!
//! - [`accounts`]: first-run setup, sign-in, sessions, passwords, schools,
//!   people and invitations;
//! - [`plans`]: the plan list, plan records, access, shares, history, the
//!   JSON export and CSV import;
//! - [`review`]: a plan's review status, its decisions and the changes
//!   since approval;
//! - [`dashboard`]: the district view, the plan drill-down and the live
//!   notices of index changes.
//!
//! `docs/accounts.md` lists every route with who may call it. Every route
//! that needs a session takes [`crate::auth::CurrentPerson`]; the
//! [`refuse_cross_site`] layer refuses state-changing requests from other
//! sites before any handler runs.
//!
//! Every failure is an [`ApiError`], which picks the status, writes
//! `{"error": message, "code": code}` and logs the failure once.

pub mod accounts;
pub mod dashboard;
pub mod plans;
pub mod review;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use cairn_plan::review::TransitionError;
use cairn_plan::{ImportError, PlanStatus};
use cairn_sync::DocumentId;
use serde_json::{json, Value};
use tracing::{error, warn};

use crate::accounts::policy::{CreateDenied, ManageDenied};
use crate::auth::origin;
use crate::auth::password::PasswordError;
use crate::hub::HubError;
use crate::import::ImportPlanError;
use crate::storage::StorageError;
use crate::AppState;

pub use plans::MAX_IMPORT_BYTES;

/// The routes of the JSON API.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(accounts::router())
        .merge(plans::router())
        .merge(review::router())
        .merge(dashboard::router())
        .route("/healthz", get(health))
}

/// The error type of the HTTP API.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No session cookie, or one of an ended session.
    #[error("you are signed out; sign in again")]
    SignedOut,

    /// The email or the password is wrong. The message does not tell which.
    #[error("The email or password is not correct.")]
    InvalidCredentials,

    /// Too many failed sign-ins for the email or the address.
    #[error("Too many failed sign-ins for this email or from this network.")]
    TooManyAttempts {
        /// Seconds until sign-in is allowed again.
        retry_after_seconds: u64,
    },

    /// A state-changing request came from another site.
    #[error("this request came from another site and was refused; use Cairn's own pages")]
    CrossSite,

    /// The person may not do this.
    #[error("{0}")]
    NotAllowed(String),

    /// The request is not valid; the message names the value and the fix.
    #[error("{0}")]
    Invalid(String),

    /// The database already has people, so setup is done.
    #[error("Cairn is already set up; sign in instead")]
    AlreadySetUp,

    /// The invite link is unknown or was used.
    #[error("this invite link is not valid: it was used already or replaced by a newer one; ask for a new link")]
    InviteNotFound,

    /// No person of the district has this id.
    #[error("person {0} not found in your district")]
    PersonNotFound(String),

    /// No plan has this id, or the person may not read it. Both get this
    /// same response.
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

    /// The plan has no stored change with this hash.
    #[error("plan {id} has no history point `{point}`; pick one from the plan's history")]
    HistoryPointNotFound {
        /// The plan.
        id: DocumentId,
        /// The point from the path.
        point: String,
    },

    /// A plan is returned to its team without a comment.
    #[error("returning a plan needs a comment that tells the team what to change")]
    CommentRequired,

    /// The plan's review status is not the one the person saw.
    #[error("the plan is {current} now, not {expected}: someone decided first; reload to see their decision")]
    StatusChanged {
        /// The status the request expected.
        expected: PlanStatus,
        /// The status the plan has.
        current: PlanStatus,
    },

    /// The review action does not apply to the plan's status.
    #[error(transparent)]
    InvalidTransition(#[from] TransitionError),

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

    /// A new password is not acceptable, or hashing failed.
    #[error(transparent)]
    Password(#[from] PasswordError),

    /// The database failed, or refused a duplicate.
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

impl From<ManageDenied> for ApiError {
    fn from(denied: ManageDenied) -> Self {
        Self::NotAllowed(denied.to_string())
    }
}

impl From<CreateDenied> for ApiError {
    fn from(denied: CreateDenied) -> Self {
        Self::NotAllowed(denied.to_string())
    }
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::SignedOut | ApiError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ApiError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::CrossSite | ApiError::NotAllowed(_) => StatusCode::FORBIDDEN,
            ApiError::Invalid(_) | ApiError::InvalidImport(_) | ApiError::CommentRequired => {
                StatusCode::BAD_REQUEST
            }
            ApiError::Password(PasswordError::Length(_)) => StatusCode::BAD_REQUEST,
            ApiError::AlreadySetUp
            | ApiError::StatusChanged { .. }
            | ApiError::InvalidTransition(_)
            | ApiError::Storage(
                StorageError::EmailTaken { .. }
                | StorageError::NameTaken { .. }
                | StorageError::AlreadyExists { .. },
            ) => StatusCode::CONFLICT,
            ApiError::InviteNotFound
            | ApiError::PersonNotFound(_)
            | ApiError::PlanNotFound { .. }
            | ApiError::InvalidPlanId { .. }
            | ApiError::HistoryPointNotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::UnreadableUpload { status, .. } => *status,
            ApiError::Hub(HubError::ShuttingDown) | ApiError::Unhealthy(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::Password(PasswordError::Hash(_))
            | ApiError::Storage(_)
            | ApiError::Hub(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::SignedOut => "signed_out",
            ApiError::InvalidCredentials => "invalid_credentials",
            ApiError::TooManyAttempts { .. } => "too_many_attempts",
            ApiError::CrossSite => "cross_site_request",
            ApiError::NotAllowed(_) => "forbidden",
            ApiError::Invalid(_) | ApiError::Password(PasswordError::Length(_)) => {
                "invalid_request"
            }
            ApiError::AlreadySetUp => "already_set_up",
            ApiError::InviteNotFound => "invite_not_found",
            ApiError::PersonNotFound(_) => "person_not_found",
            ApiError::PlanNotFound { .. } | ApiError::InvalidPlanId { .. } => "plan_not_found",
            ApiError::HistoryPointNotFound { .. } => "history_point_not_found",
            ApiError::CommentRequired => "comment_required",
            ApiError::StatusChanged { .. } => "status_changed",
            ApiError::InvalidTransition(_) => "invalid_transition",
            ApiError::InvalidImport(_) => "invalid_import",
            ApiError::UnreadableUpload { .. } => "unreadable_upload",
            ApiError::Storage(StorageError::EmailTaken { .. }) => "email_taken",
            ApiError::Storage(StorageError::NameTaken { .. }) => "name_taken",
            ApiError::Storage(StorageError::AlreadyExists { .. }) => "plan_exists",
            ApiError::Hub(HubError::ShuttingDown) => "shutting_down",
            ApiError::Unhealthy(_) => "database_unavailable",
            ApiError::Password(PasswordError::Hash(_))
            | ApiError::Storage(_)
            | ApiError::Hub(_) => "internal",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();

        // Server errors are logged with their cause and sent without it, so
        // database details never reach the client. No message here holds a
        // password, a token or plan content.
        let message = if status.is_server_error() {
            error!(error = %self, code = self.code(), "API request failed");
            "the server could not complete the request; try again later".to_owned()
        } else {
            warn!(error = %self, code = self.code(), "API request rejected");
            self.to_string()
        };

        let mut body = json!({ "error": message, "code": self.code() });
        if let ApiError::TooManyAttempts {
            retry_after_seconds,
        } = self
        {
            body["retry_after_seconds"] = json!(retry_after_seconds);
            let mut response = (status, Json(body)).into_response();
            if let Ok(value) = retry_after_seconds.to_string().parse() {
                response.headers_mut().insert("retry-after", value);
            }
            return response;
        }
        (status, Json(body)).into_response()
    }
}

/// Refuses a state-changing request that the browser says comes from
/// another site (see [`origin::is_same_site_request`]).
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if origin::is_same_site_request(&state.sessions, request.method(), request.headers()) {
        next.run(request).await
    } else {
        ApiError::CrossSite.into_response()
    }
}

/// `GET /healthz`.
async fn health(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.storage.ping().await.map_err(ApiError::Unhealthy)?;
    Ok(Json(json!({ "status": "ok" })))
}
