//! A plan's review: its status, the record of decisions, the steps the
//! caller may take next, and what changed since the plan was approved.
//!
//! The review status is the server's record (`plans.review_status`), not
//! the document's `status` field, so only the people the rules in
//! [`policy::can_review`] allow can move it. `docs/review.md` describes the
//! cycle and the routes.

use automerge::{Automerge, ChangeHash};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use cairn_plan::review::{
    changes_between, ChangesSinceApproval, Decision, DecisionMaker, ReviewAction, ReviewRequest,
    ReviewState,
};
use cairn_plan::{Plan, PlanDocument, PlanStatus};
use cairn_sync::DocumentId;
use tracing::{info, warn};

use super::plans::{readable, Readable};
use super::ApiError;
use crate::accounts::{policy, DecisionRecord, NewDecision, Person};
use crate::auth::CurrentPerson;
use crate::AppState;

/// The maximum length of a decision's comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 4000;

/// The name shown for a decision by a person no longer in the district.
const FORMER_MEMBER: &str = "A former member";

/// Builds the routes of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/plans/{id}/review", get(review).post(decide))
}

/// `GET /api/plans/{id}/review`.
async fn review(
    State(state): State<AppState>,
    current: CurrentPerson,
    Path(id): Path<String>,
) -> Result<Json<ReviewState>, ApiError> {
    let plan = readable(&state, &current.person, &id).await?;
    Ok(Json(review_state(&state, &current.person, &plan).await?))
}

/// `POST /api/plans/{id}/review`: takes one step of the review cycle.
async fn decide(
    State(state): State<AppState>,
    current: CurrentPerson,
    Path(id): Path<String>,
    body: Result<Json<ReviewRequest>, JsonRejection>,
) -> Result<Json<ReviewState>, ApiError> {
    let person = &current.person;
    let plan = readable(&state, person, &id).await?;
    let Json(request) = body.map_err(|rejection| {
        ApiError::Invalid(format!(
            "the review request could not be read: {}; send {{\"action\", \"expected_status\", \"comment\"}}",
            rejection.body_text()
        ))
    })?;

    policy::can_review(person, &plan.record, plan.access, request.action)
        .map_err(|denied| ApiError::NotAllowed(denied.to_string()))?;

    let status = current_status(&state, &plan).await?;
    if status != request.expected_status {
        return Err(ApiError::StatusChanged {
            expected: request.expected_status,
            current: status,
        });
    }
    let next = request.action.apply(status)?;

    let comment = request.comment.trim();
    if request.action.needs_comment() && comment.is_empty() {
        return Err(ApiError::CommentRequired);
    }
    let length = comment.chars().count();
    if length > MAX_COMMENT_CHARS {
        return Err(ApiError::Invalid(format!(
            "the comment is {length} characters long; shorten it to {MAX_COMMENT_CHARS} or fewer"
        )));
    }

    let heads = current_heads(&state, plan.id).await?;
    let decision = NewDecision {
        action: request.action,
        from: status,
        to: next,
        person_id: person.id,
        comment,
        heads: &heads,
    };
    if !state.accounts.record_decision(plan.id, decision).await? {
        return Err(ApiError::StatusChanged {
            expected: request.expected_status,
            current: current_status(&state, &plan).await?,
        });
    }

    info!(plan = %plan.id, action = %request.action, to = %next, "recorded a review decision");
    state.hub.index_events().publish(plan.id);
    Ok(Json(review_state(&state, person, &plan).await?))
}

async fn current_status(state: &AppState, plan: &Readable) -> Result<PlanStatus, ApiError> {
    state
        .accounts
        .review_status(plan.id)
        .await?
        .ok_or(ApiError::PlanNotFound { id: plan.id })
}

/// Reads the heads of the stored document as lowercase hex. A plan with no
/// stored change yet has none.
async fn current_heads(state: &AppState, id: DocumentId) -> Result<Vec<String>, ApiError> {
    let document = state.hub.read(id).await?;
    Ok(document
        .map(|document| {
            document
                .get_heads()
                .iter()
                .map(ToString::to_string)
                .collect()
        })
        .unwrap_or_default())
}

/// Builds the review state of `plan` for `person`.
async fn review_state(
    state: &AppState,
    person: &Person,
    plan: &Readable,
) -> Result<ReviewState, ApiError> {
    let status = current_status(state, plan).await?;
    let records = state.accounts.decisions(plan.id).await?;

    let allowed = ReviewAction::available_from(status)
        .into_iter()
        .filter(|action| policy::can_review(person, &plan.record, plan.access, *action).is_ok())
        .collect();

    let approval = records
        .iter()
        .rev()
        .find(|record| record.action == ReviewAction::Approve);
    let changes_since_approval = match approval {
        Some(approval) if status != PlanStatus::Submitted => {
            Some(changes_since(state, plan.id, approval).await?)
        }
        _ => None,
    };

    Ok(ReviewState {
        status,
        decisions: records.iter().map(decision).collect(),
        allowed,
        changes_since_approval,
    })
}

fn decision(record: &DecisionRecord) -> Decision {
    Decision {
        action: record.action,
        from: record.from,
        to: record.to,
        by: DecisionMaker {
            id: record.person_id.unwrap_or_default(),
            name: record
                .person_name
                .clone()
                .unwrap_or_else(|| FORMER_MEMBER.to_owned()),
        },
        at: record.decided_at,
        comment: record.comment.clone(),
    }
}

/// Compares the plan as approved with the plan now, and names the people
/// whose changes arrived after the approval.
async fn changes_since(
    state: &AppState,
    id: DocumentId,
    approval: &DecisionRecord,
) -> Result<ChangesSinceApproval, ApiError> {
    let mut editors: Vec<String> = Vec::new();
    for record in state.accounts.change_log(id).await? {
        if record.received_at <= approval.decided_at {
            continue;
        }
        let name = record
            .person_name
            .unwrap_or_else(|| FORMER_MEMBER.to_owned());
        if !editors.contains(&name) {
            editors.push(name);
        }
    }

    let changes = match state.hub.read(id).await? {
        None => Vec::new(),
        Some(document) => {
            let heads: Vec<ChangeHash> = approval
                .heads
                .iter()
                .filter_map(|head| head.parse().ok())
                .collect();
            crate::blocking::run_cpu_bound(|| {
                let approved = plan_at(&document, &heads);
                let now = PlanDocument::from_automerge(document).snapshot();
                changes_between(&approved, &now)
            })
        }
    };

    Ok(ChangesSinceApproval {
        approved: decision(approval),
        editors,
        changes,
    })
}

/// Rebuilds the plan as it was at `heads`. A document without those
/// changes (storage never loses acknowledged ones) gives the empty plan.
fn plan_at(document: &Automerge, heads: &[ChangeHash]) -> Plan {
    match document.fork_at(heads) {
        Ok(past) => PlanDocument::from_automerge(past).snapshot(),
        Err(error) => {
            warn!(%error, "the document is missing the heads recorded with its approval");
            Plan::default()
        }
    }
}
