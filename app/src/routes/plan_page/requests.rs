//! The plan page's requests to the server's API: the plan's access, its
//! shares, its history and its review.
//!
//! The views that send these requests run only in the browser, after
//! hydration. In the server build each request returns
//! [`RequestError::NeedsConnection`] and never runs.

use cairn_plan::review::{ReviewRequest, ReviewState};
use cairn_plan::Plan;
use cairn_sync::DocumentId;
use serde::Serialize;
use thiserror::Error;

use super::history::HistoryEntry;
use super::review::ReviewActionError;
use super::share::{Member, Person};
use crate::workspace::access::{Access, PlanAccess};

/// A failed request, in the cases the plan page handles apart.
// Only the browser build sends requests, so only it builds most variants.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum RequestError {
    /// The request did not reach the server.
    #[error("the server cannot be reached")]
    NeedsConnection,
    /// The server responded `401`: the session ended.
    #[error("your session ended; sign in again and try once more")]
    SignedOut,
    /// The server responded `404 plan_not_found`.
    #[error("the server has no plan you can open under this id")]
    PlanNotFound,
    /// Any other failure, with the server's message.
    #[error("{0}")]
    Failed(String),
}

#[cfg(feature = "hydrate")]
impl From<crate::browser::api::ApiError> for RequestError {
    fn from(error: crate::browser::api::ApiError) -> Self {
        if error.is_unreachable() {
            RequestError::NeedsConnection
        } else if error.is_signed_out() {
            RequestError::SignedOut
        } else if error.is_plan_not_found() {
            RequestError::PlanNotFound
        } else {
            RequestError::Failed(error.to_string())
        }
    }
}

/// The body of `PUT /api/plans/{id}/members/{person_id}`.
#[derive(Serialize)]
struct ShareBody {
    access: Access,
}

/// Fetches `GET /api/plans/{id}/access`.
pub async fn plan_access(id: DocumentId) -> Result<PlanAccess, RequestError> {
    get(&format!("/api/plans/{id}/access")).await
}

/// Fetches the plan's direct shares, `GET /api/plans/{id}/members`.
pub async fn members(id: DocumentId) -> Result<Vec<Member>, RequestError> {
    get(&format!("/api/plans/{id}/members")).await
}

/// Fetches the people the signed-in person may share with, `GET
/// /api/people`.
pub async fn people() -> Result<Vec<Person>, RequestError> {
    get("/api/people").await
}

/// Shares the plan with a person, or changes their access:
/// `PUT /api/plans/{id}/members/{person_id}`.
pub async fn set_member(
    id: DocumentId,
    person_id: &str,
    access: Access,
) -> Result<(), RequestError> {
    let url = format!("/api/plans/{id}/members/{}", encode_segment(person_id));
    send("PUT", &url, Some(&ShareBody { access })).await
}

/// Removes a person's direct share: `DELETE /api/plans/{id}/members/{person_id}`.
pub async fn remove_member(id: DocumentId, person_id: &str) -> Result<(), RequestError> {
    let url = format!("/api/plans/{id}/members/{}", encode_segment(person_id));
    send::<()>("DELETE", &url, None).await
}

/// Fetches the plan's history entries, newest first:
/// `GET /api/plans/{id}/history`.
pub async fn history(id: DocumentId) -> Result<Vec<HistoryEntry>, RequestError> {
    get(&format!("/api/plans/{id}/history")).await
}

/// Fetches the plan as it was at a history point:
/// `GET /api/plans/{id}/history/{point}`, the plan's JSON export.
pub async fn plan_at(id: DocumentId, point: &str) -> Result<Plan, RequestError> {
    get(&format!(
        "/api/plans/{id}/history/{}",
        encode_segment(point)
    ))
    .await
}

/// Fetches the plan's review status, record of decisions and the actions
/// the person may take: `GET /api/plans/{id}/review`.
pub async fn review(id: DocumentId) -> Result<ReviewState, RequestError> {
    get(&format!("/api/plans/{id}/review")).await
}

/// Takes a review action and returns the plan's new review state:
/// `POST /api/plans/{id}/review`.
pub async fn take_review_action(
    id: DocumentId,
    request: &ReviewRequest,
) -> Result<ReviewState, ReviewActionError> {
    let url = format!("/api/plans/{id}/review");

    #[cfg(feature = "hydrate")]
    {
        let response = crate::browser::api::send_json::<ReviewRequest, ReviewState>(
            "POST",
            &url,
            Some(request),
        )
        .await?;
        response.ok_or_else(|| {
            ReviewActionError::Failed("the server returned no review state".to_owned())
        })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (url, request);
        Err(ReviewActionError::NeedsConnection)
    }
}

/// Percent-encodes a path segment: every byte outside the unreserved
/// characters of RFC 3986.
pub fn encode_segment(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(feature = "hydrate")]
async fn get<T: serde::de::DeserializeOwned>(url: &str) -> Result<T, RequestError> {
    Ok(crate::browser::api::get_json(url).await?)
}

#[cfg(feature = "hydrate")]
async fn send<B: Serialize>(method: &str, url: &str, body: Option<&B>) -> Result<(), RequestError> {
    crate::browser::api::send_json::<B, serde_json::Value>(method, url, body).await?;
    Ok(())
}

#[cfg(not(feature = "hydrate"))]
async fn get<T>(url: &str) -> Result<T, RequestError> {
    let _ = url;
    Err(RequestError::NeedsConnection)
}

#[cfg(not(feature = "hydrate"))]
async fn send<B: Serialize>(method: &str, url: &str, body: Option<&B>) -> Result<(), RequestError> {
    let _ = (method, url, body);
    Err(RequestError::NeedsConnection)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_keeps_ids() {
        assert_eq!(
            encode_segment("67e55044-10b1-426f-9247-bb680e5fe0c8"),
            "67e55044-10b1-426f-9247-bb680e5fe0c8"
        );
        assert_eq!(encode_segment("42"), "42");
    }

    #[test]
    fn segment_encodes_reserved() {
        assert_eq!(encode_segment("a/b c?"), "a%2Fb%20c%3F");
        assert_eq!(encode_segment("é"), "%C3%A9");
    }
}
