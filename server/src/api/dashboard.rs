//! The leaders' dashboard: the district view, the drill-down to one plan,
//! and the live notices that tell open dashboards to fetch again.
//!
//! Every figure comes from the plan index rows of the plans the caller may
//! read; no route here loads a document. The view itself is built by the
//! pure functions of [`cairn_plan::dashboard`]. `docs/dashboard.md`
//! states the rules of each figure.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use axum::{Json, Router};
use cairn_plan::dashboard::{
    build, plan_detail, DashboardFilters, DashboardView, IndexedPlan, PlanDetail, PlanMetrics,
};
use cairn_plan::PlanStatus;
use cairn_sync::DocumentId;
use chrono::NaiveDate;
use futures::Stream;
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use super::ApiError;
use crate::accounts::{policy, IndexRow, Person};
use crate::auth::CurrentPerson;
use crate::storage::{from_millis, now_millis};
use crate::AppState;

/// How long notices are gathered before one event goes out, so a burst of
/// edits to many plans makes one refetch instead of dozens.
const COALESCE: Duration = Duration::from_millis(500);

/// How often an idle event stream sends a comment, so proxies keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(20);

/// Builds the routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/dashboard", get(district_view))
        .route("/api/dashboard/plans/{id}", get(plan_view))
        .route("/api/events", get(events))
}

/// The query of `GET /api/dashboard`: the filters, and the caller's date.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DashboardQuery {
    school_id: Option<Uuid>,
    focus_area: Option<String>,
    status: Option<PlanStatus>,
    school_year: Option<String>,
    /// The caller's local date, which decides what is overdue.
    today: Option<NaiveDate>,
}

/// The query of `GET /api/dashboard/plans/{id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct DetailQuery {
    today: Option<NaiveDate>,
}

/// `GET /api/dashboard`.
async fn district_view(
    State(state): State<AppState>,
    current: CurrentPerson,
    Query(query): Query<DashboardQuery>,
) -> Result<Json<DashboardView>, ApiError> {
    let today = today(query.today);
    let filters = DashboardFilters {
        school_id: query.school_id,
        focus_area: query.focus_area.filter(|text| !text.is_empty()),
        status: query.status,
        school_year: query.school_year.filter(|text| !text.is_empty()),
    };
    let plans = readable_index(&state, &current.person, &filters).await?;
    let view = crate::blocking::run_cpu_bound(|| build(&plans, &filters, today));
    Ok(Json(view))
}

/// `GET /api/dashboard/plans/{id}`.
async fn plan_view(
    State(state): State<AppState>,
    current: CurrentPerson,
    Path(id): Path<String>,
    Query(query): Query<DetailQuery>,
) -> Result<Json<PlanDetail>, ApiError> {
    let person = &current.person;
    let id = super::plans::parse_plan_id(&id)?;

    // The row carries the plan's record and the person's share, so one
    // query both finds the plan and decides whether they may read it.
    let row = state
        .accounts
        .index_row(person.district_id, person.id, id)
        .await?
        .filter(|row| policy::plan_access(person, &row.record, row.share).is_some())
        .ok_or(ApiError::PlanNotFound { id })?;
    let schools = school_names(&state, person).await?;
    let mut indexed = indexed_plan(&row, &schools);
    indexed.metrics = row.metrics();
    Ok(Json(plan_detail(&indexed, today(query.today))))
}

/// Returns the caller's date when it is within a day of the server's
/// (time zones span less than that), or else the server's date in UTC.
fn today(requested: Option<NaiveDate>) -> NaiveDate {
    let server = from_millis(now_millis()).date_naive();
    match requested {
        Some(date) if date.signed_duration_since(server).num_days().abs() <= 1 => date,
        _ => server,
    }
}

/// Reads the index rows of every plan `person` may read, with their school
/// names. Only the plans that pass `filters` get their metrics: the others
/// serve only to list the filter options.
async fn readable_index(
    state: &AppState,
    person: &Person,
    filters: &DashboardFilters,
) -> Result<Vec<IndexedPlan>, ApiError> {
    let rows = state
        .accounts
        .index_rows(person.district_id, person.id)
        .await?;
    let schools = school_names(state, person).await?;
    Ok(rows
        .into_iter()
        .filter(|row| policy::plan_access(person, &row.record, row.share).is_some())
        .map(|row| {
            let mut plan = indexed_plan(&row, &schools);
            if filters.matches(&plan) {
                plan.metrics = row.metrics();
            }
            plan
        })
        .collect())
}

/// Reads the names of the schools of `person`'s district, by id.
async fn school_names(
    state: &AppState,
    person: &Person,
) -> Result<HashMap<Uuid, String>, ApiError> {
    Ok(state
        .accounts
        .schools(person.district_id)
        .await?
        .into_iter()
        .map(|school| (school.id, school.name))
        .collect())
}

/// Turns an index row into the plan a dashboard shows, with empty metrics:
/// the caller parses them only for the plans it shows.
fn indexed_plan(row: &IndexRow, schools: &HashMap<Uuid, String>) -> IndexedPlan {
    let school = row
        .record
        .school_id
        .and_then(|id| schools.get(&id).cloned())
        .unwrap_or_default();
    IndexedPlan {
        id: row.id.to_string(),
        title: row.title.clone(),
        school_id: row.record.school_id,
        school,
        focus_area: row.focus_area.clone(),
        school_year: row.school_year.clone(),
        status: row.review_status,
        last_edit: row.updated_at,
        metrics: PlanMetrics::default(),
    }
}

/// `GET /api/events`: a stream of `plans` events, each naming the plans
/// the caller may read whose index changed, as
/// `{"plans": ["<id>", ...]}`.
///
/// NOTE: over HTTP/1.1 a browser keeps at most six connections per site,
/// and each open event stream uses one, so a person with many Cairn tabs
/// open can run out. Carrying the notices over the sync WebSocket, which
/// does not count toward that limit, would remove the problem.
///
/// The stream checks the session before each event. It ends when the
/// session has ended or the server shuts down. The browser's `EventSource`
/// then reconnects on its own and meets the usual sign-in check.
async fn events(
    State(state): State<AppState>,
    current: CurrentPerson,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = state.hub.index_events().subscribe();
    let stream = futures::stream::unfold(
        (state, current.session_hash, receiver),
        |(state, session_hash, mut receiver)| async move {
            loop {
                let changed = tokio::select! {
                    changed = gather(&mut receiver) => changed?,
                    () = state.shutdown.wait() => return None,
                };

                // The person is read again for every event, so a role or a
                // share changed meanwhile counts, and an ended session ends
                // the stream.
                let person = state
                    .accounts
                    .session_person(&session_hash)
                    .await
                    .ok()
                    .flatten()?;
                let plans = readable_among(&state, &person, changed).await.ok()?;
                if plans.is_empty() {
                    continue;
                }
                let data = serde_json::json!({ "plans": plans }).to_string();
                let event = Event::default().event("plans").data(data);
                return Some((Ok(event), (state, session_hash, receiver)));
            }
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}

/// The plans [`gather`] collected notices for.
enum Changed {
    /// These plans changed.
    Plans(HashSet<DocumentId>),
    /// The stream fell behind and missed notices: any plan may have changed.
    Any,
}

/// Waits for the next notice, then gathers the notices of the following
/// [`COALESCE`]. Returns `None` when the channel closed.
async fn gather(receiver: &mut tokio::sync::broadcast::Receiver<DocumentId>) -> Option<Changed> {
    let mut plans = HashSet::new();
    match receiver.recv().await {
        Ok(id) => {
            plans.insert(id);
        }
        Err(RecvError::Lagged(_)) => return Some(Changed::Any),
        Err(RecvError::Closed) => return None,
    }

    let deadline = tokio::time::Instant::now() + COALESCE;
    loop {
        match tokio::time::timeout_at(deadline, receiver.recv()).await {
            Err(_elapsed) => return Some(Changed::Plans(plans)),
            Ok(Ok(id)) => {
                plans.insert(id);
            }
            Ok(Err(RecvError::Lagged(_))) => return Some(Changed::Any),
            Ok(Err(RecvError::Closed)) => return None,
        }
    }
}

/// Returns the ids among `changed` of the plans `person` may read, as text.
async fn readable_among(
    state: &AppState,
    person: &Person,
    changed: Changed,
) -> Result<Vec<String>, ApiError> {
    let records = state
        .accounts
        .plans_of_district(person.district_id, person.id)
        .await?;
    let mut plans: Vec<String> = records
        .into_iter()
        .filter(|(id, record, share)| {
            let changed_here = match &changed {
                Changed::Plans(plans) => plans.contains(id),
                Changed::Any => true,
            };
            changed_here && policy::plan_access(person, record, *share).is_some()
        })
        .map(|(id, _, _)| id.to_string())
        .collect();
    plans.sort();
    Ok(plans)
}
