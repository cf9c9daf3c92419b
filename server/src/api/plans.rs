//! Plans: the list, plan records, access, shares, history, the JSON export
//! and CSV import. For a plan the caller may not read, every route returns
//! exactly what it returns for a plan that does not exist.

use std::collections::{HashMap, HashSet};

use automerge::{ChangeHash, ReadDoc};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use cairn_plan::{export_json, ImportReport, PlanDocument};
use cairn_sync::DocumentId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tracing::info;
use uuid::Uuid;

use super::ApiError;
use crate::accounts::{policy, Access, ChangeRecord, Person, PlanMember, PlanRecord};
use crate::auth::CurrentPerson;
use crate::import::import_plan;
use crate::storage::PlanIndexEntry;
use crate::AppState;

/// The largest CSV file `POST /api/plans/import` accepts, in bytes. Real
/// plan spreadsheets are a few kilobytes; this leaves room for years of
/// progress monitoring rows.
pub const MAX_IMPORT_BYTES: usize = 4 * 1024 * 1024;

/// Consecutive changes by one person less than this far apart form one
/// history entry.
pub const HISTORY_GAP_MINUTES: i64 = 10;

/// Builds the routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/plans", get(list_plans).post(create_plan))
        .route(
            "/api/plans/import",
            post(import).layer(DefaultBodyLimit::max(MAX_IMPORT_BYTES)),
        )
        .route("/api/plans/{id}", get(get_plan))
        .route("/api/plans/{id}/access", get(plan_access))
        .route("/api/plans/{id}/members", get(list_members))
        .route(
            "/api/plans/{id}/members/{person_id}",
            put(share_plan).delete(unshare_plan),
        )
        .route("/api/plans/{id}/history", get(history))
        .route("/api/plans/{id}/history/{point}", get(history_point))
}

pub(super) fn parse_plan_id(input: &str) -> Result<DocumentId, ApiError> {
    input.parse().map_err(|_| ApiError::InvalidPlanId {
        input: input.to_owned(),
    })
}

/// A plan the caller may read, with their access to it.
pub(super) struct Readable {
    pub(super) id: DocumentId,
    pub(super) record: PlanRecord,
    pub(super) access: Access,
}

/// Finds a plan the caller may read, or returns the `404` of a plan that
/// does not exist.
pub(super) async fn readable(
    state: &AppState,
    person: &Person,
    id: &str,
) -> Result<Readable, ApiError> {
    let id = parse_plan_id(id)?;
    let not_found = ApiError::PlanNotFound { id };
    let Some(record) = state.accounts.plan(id).await? else {
        return Err(not_found);
    };
    let share = state.accounts.share(id, person.id).await?;
    let access = policy::plan_access(person, &record, share).ok_or(not_found)?;
    Ok(Readable { id, record, access })
}

/// Like [`readable`], and the caller may share the plan.
async fn shareable(state: &AppState, person: &Person, id: &str) -> Result<Readable, ApiError> {
    let plan = readable(state, person, id).await?;
    if !policy::can_share(person, &plan.record) {
        return Err(ApiError::NotAllowed(
            "only a district admin or a leader of the plan's school can share it".to_owned(),
        ));
    }
    Ok(plan)
}

/// A plan list row: the index fields and the caller's access.
#[derive(Debug, Serialize)]
struct PlanListEntry {
    #[serde(flatten)]
    entry: PlanIndexEntry,
    school_id: Option<Uuid>,
    access: Access,
    can_share: bool,
}

/// `GET /api/plans`: the plans the caller may read, most recently updated
/// first.
async fn list_plans(
    State(state): State<AppState>,
    current: CurrentPerson,
) -> Result<Json<Vec<PlanListEntry>>, ApiError> {
    let person = &current.person;
    let records = state
        .accounts
        .plans_of_district(person.district_id, person.id)
        .await?;
    let readable: HashMap<DocumentId, (PlanRecord, Access)> = records
        .into_iter()
        .filter_map(|(id, record, share)| {
            policy::plan_access(person, &record, share).map(|access| (id, (record, access)))
        })
        .collect();

    // The school shown is the one the plan belongs to, which decides
    // access, not the free text of the plan's School field.
    let school_names: HashMap<Uuid, String> = state
        .accounts
        .schools(person.district_id)
        .await?
        .into_iter()
        .map(|school| (school.id, school.name))
        .collect();

    // The status shown is the review status the server records, which
    // only approvers move, not the document's own field.
    let review_statuses = state.accounts.review_statuses(person.district_id).await?;

    let plans = state
        .storage
        .list_plans()
        .await?
        .into_iter()
        .filter_map(|mut entry| {
            let (record, access) = readable.get(&entry.id)?;
            if let Some(status) = review_statuses.get(&entry.id) {
                entry.status = *status;
            }
            if let Some(name) = record.school_id.and_then(|id| school_names.get(&id)) {
                entry.school = name.clone();
            }
            Some(PlanListEntry {
                school_id: record.school_id,
                access: *access,
                can_share: policy::can_share(person, record),
                entry,
            })
        })
        .collect();
    Ok(Json(plans))
}

#[derive(Debug, Deserialize)]
struct NewPlan {
    id: String,
    school_id: Option<Uuid>,
}

#[derive(Debug, Serialize)]
struct PlanAccessBody {
    access: Access,
    can_share: bool,
    school_id: Option<Uuid>,
    school_name: Option<String>,
}

async fn access_body(
    state: &AppState,
    person: &Person,
    record: &PlanRecord,
    access: Access,
) -> Result<PlanAccessBody, ApiError> {
    let school_name = match record.school_id {
        Some(school) => state
            .accounts
            .schools(record.district_id)
            .await?
            .into_iter()
            .find(|candidate| candidate.id == school)
            .map(|school| school.name),
        None => None,
    };
    Ok(PlanAccessBody {
        access,
        can_share: policy::can_share(person, record),
        school_id: record.school_id,
        school_name,
    })
}

/// Checks that the caller may create a plan in `school`, a school of their
/// district.
async fn check_create(
    state: &AppState,
    person: &Person,
    school: Option<Uuid>,
) -> Result<PlanRecord, ApiError> {
    if let Some(school) = school {
        let schools = state.accounts.schools(person.district_id).await?;
        if !schools.iter().any(|candidate| candidate.id == school) {
            return Err(ApiError::Invalid(format!(
                "school {school} is not a school of your district; pick one from the list"
            )));
        }
    }
    policy::can_create_plan(person, school)?;
    Ok(PlanRecord {
        district_id: person.district_id,
        school_id: school,
    })
}

/// `POST /api/plans`: records a plan made in the browser, so that its
/// changes are accepted.
async fn create_plan(
    State(state): State<AppState>,
    current: CurrentPerson,
    Json(request): Json<NewPlan>,
) -> Result<(StatusCode, Json<PlanAccessBody>), ApiError> {
    let id = parse_plan_id(&request.id)?;
    let record = check_create(&state, &current.person, request.school_id).await?;
    state
        .accounts
        .create_plan(id, record, current.person.id)
        .await?;
    state.access_epoch.bump();
    info!(document_id = %id, person = %current.person.id, "registered a new plan");

    let body = access_body(&state, &current.person, &record, Access::Edit).await?;
    Ok((StatusCode::CREATED, Json(body)))
}

/// `GET /api/plans/{id}`: the JSON export of the plan's current state, read
/// through the hub, so it includes changes only in memory or in change
/// rows.
async fn get_plan(
    State(state): State<AppState>,
    current: CurrentPerson,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let plan = readable(&state, &current.person, &id).await?;
    let document = state
        .hub
        .read(plan.id)
        .await?
        .unwrap_or_else(automerge::Automerge::new);
    let snapshot = PlanDocument::from_automerge(document).snapshot();
    Ok(Json(export_json(&snapshot)))
}

/// `GET /api/plans/{id}/access`.
async fn plan_access(
    State(state): State<AppState>,
    current: CurrentPerson,
    Path(id): Path<String>,
) -> Result<Json<PlanAccessBody>, ApiError> {
    let plan = readable(&state, &current.person, &id).await?;
    Ok(Json(
        access_body(&state, &current.person, &plan.record, plan.access).await?,
    ))
}

/// `GET /api/plans/{id}/members`.
async fn list_members(
    State(state): State<AppState>,
    current: CurrentPerson,
    Path(id): Path<String>,
) -> Result<Json<Vec<PlanMember>>, ApiError> {
    let plan = shareable(&state, &current.person, &id).await?;
    Ok(Json(state.accounts.members(plan.id).await?))
}

#[derive(Debug, Deserialize)]
struct ShareRequest {
    access: Access,
}

async fn share_target(state: &AppState, sharer: &Person, id: &str) -> Result<Person, ApiError> {
    let not_found = || ApiError::PersonNotFound(id.to_owned());
    let id = Uuid::parse_str(id).map_err(|_| not_found())?;
    let person = state.accounts.person(id).await?.ok_or_else(not_found)?;
    if person.district_id != sharer.district_id {
        return Err(not_found());
    }
    Ok(person)
}

/// `PUT /api/plans/{id}/members/{person_id}`.
async fn share_plan(
    State(state): State<AppState>,
    current: CurrentPerson,
    Path((id, person_id)): Path<(String, String)>,
    Json(request): Json<ShareRequest>,
) -> Result<StatusCode, ApiError> {
    let plan = shareable(&state, &current.person, &id).await?;
    let person = share_target(&state, &current.person, &person_id).await?;
    if request.access == Access::Edit && person.role == crate::accounts::Role::Viewer {
        return Err(ApiError::Invalid(format!(
            "{} is a viewer, so they can only view plans; share it as view, or change their role first",
            person.email
        )));
    }
    state
        .accounts
        .set_share(plan.id, person.id, request.access)
        .await?;
    state.access_epoch.bump();
    info!(document_id = %plan.id, person = %person.id, access = request.access.as_str(), shared_by = %current.person.id, "shared a plan");
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/plans/{id}/members/{person_id}`.
async fn unshare_plan(
    State(state): State<AppState>,
    current: CurrentPerson,
    Path((id, person_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let plan = shareable(&state, &current.person, &id).await?;
    let person = share_target(&state, &current.person, &person_id).await?;
    state.accounts.remove_share(plan.id, person.id).await?;
    state.access_epoch.bump();
    info!(document_id = %plan.id, person = %person.id, removed_by = %current.person.id, "removed a plan share");
    Ok(StatusCode::NO_CONTENT)
}

/// One entry of a plan's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// The hash of the entry's last change: the plan as it was after the
    /// entry is at this point.
    pub point: String,
    /// The person who made the changes, when known.
    pub person: Option<HistoryPerson>,
    /// When the first change arrived.
    pub first_at: DateTime<Utc>,
    /// When the last change arrived.
    pub last_at: DateTime<Utc>,
    /// How many changes the entry holds.
    pub changes: usize,
}

/// The author of a history entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryPerson {
    /// Their id.
    pub id: Uuid,
    /// Their name.
    pub name: String,
}

/// Groups a change log (oldest first) into history entries (newest
/// first): consecutive changes by one person less than
/// [`HISTORY_GAP_MINUTES`] apart form one entry.
pub fn group_history(log: &[ChangeRecord]) -> Vec<HistoryEntry> {
    let gap = chrono::Duration::minutes(HISTORY_GAP_MINUTES);
    let mut entries: Vec<HistoryEntry> = Vec::new();
    for record in log {
        let person = record.person_id.map(|id| HistoryPerson {
            id,
            name: record.person_name.clone().unwrap_or_default(),
        });
        if let Some(last) = entries.last_mut() {
            let same_person = last.person.as_ref().map(|p| p.id) == record.person_id;
            if same_person && record.received_at - last.last_at < gap {
                last.point = record.hash.clone();
                last.last_at = record.received_at;
                last.changes += 1;
                continue;
            }
        }
        entries.push(HistoryEntry {
            point: record.hash.clone(),
            person,
            first_at: record.received_at,
            last_at: record.received_at,
            changes: 1,
        });
    }
    entries.reverse();
    entries
}

/// `GET /api/plans/{id}/history`.
async fn history(
    State(state): State<AppState>,
    current: CurrentPerson,
    Path(id): Path<String>,
) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    let plan = readable(&state, &current.person, &id).await?;
    let log = state.accounts.change_log(plan.id).await?;
    Ok(Json(group_history(&log)))
}

/// `GET /api/plans/{id}/history/{point}`: the plan as it was once every
/// change received up to `point` had arrived.
async fn history_point(
    State(state): State<AppState>,
    current: CurrentPerson,
    Path((id, point)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let plan = readable(&state, &current.person, &id).await?;
    let not_found = || ApiError::HistoryPointNotFound {
        id: plan.id,
        point: point.clone(),
    };
    let log = state.accounts.change_log(plan.id).await?;
    let position = log
        .iter()
        .position(|record| record.hash == point)
        .ok_or_else(not_found)?;
    let document = state.hub.read(plan.id).await?.ok_or_else(not_found)?;

    let received: Vec<ChangeHash> = log[..=position]
        .iter()
        .filter_map(|record| record.hash.parse().ok())
        .collect();
    let heads = heads_of(&document, &received);
    let past =
        crate::blocking::run_cpu_bound(|| document.fork_at(&heads)).map_err(|_| not_found())?;
    let snapshot = PlanDocument::from_automerge(past).snapshot();
    Ok(Json(export_json(&snapshot)))
}

/// Returns the heads of a set of changes: those no other change of the
/// set depends on.
fn heads_of(document: &automerge::Automerge, changes: &[ChangeHash]) -> Vec<ChangeHash> {
    let mut depended_on: HashSet<ChangeHash> = HashSet::new();
    for hash in changes {
        if let Some(change) = document.get_change_by_hash(hash) {
            depended_on.extend(change.deps().iter().copied());
        }
    }
    changes
        .iter()
        .filter(|hash| !depended_on.contains(hash))
        .copied()
        .collect()
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

#[derive(Debug, Deserialize)]
struct ImportQuery {
    school_id: Option<Uuid>,
}

/// `POST /api/plans/import?school_id=ID`, with the CSV file as the body.
async fn import(
    State(state): State<AppState>,
    current: CurrentPerson,
    Query(query): Query<ImportQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<ImportResponse>), ApiError> {
    let record = check_create(&state, &current.person, query.school_id).await?;
    let body = body.map_err(|rejection| ApiError::UnreadableUpload {
        status: rejection.status(),
        reason: rejection.body_text(),
    })?;
    let imported = import_plan(state.storage.as_ref(), &body).await?;
    state
        .accounts
        .record_plan(imported.id, record, Some(current.person.id))
        .await?;
    // The spreadsheet's status counts only when the importer could have
    // approved the plan; anyone else's import starts as a draft.
    if policy::is_approver(&current.person, &record) {
        state
            .accounts
            .set_review_status(imported.id, imported.status)
            .await?;
    }
    state.access_epoch.bump();

    let response = ImportResponse {
        id: imported.id,
        report: imported.report.into(),
    };
    Ok((StatusCode::CREATED, Json(response)))
}
