//! The plan's review on its page: the review status, the record of
//! decisions, and the actions the signed-in person may take.
//!
//! The server's record of decisions, not the document's `status` field,
//! sets a plan's review status. The plan page loads it from
//! `GET /api/plans/{id}/review` after each response of the plan's access
//! route (after hydration and when the connection returns), when the tab
//! is shown or focused again, when the server's event stream reports a
//! change to the plan, and when an action fails because the plan moved on.
//! An action is `POST /api/plans/{id}/review`, which returns the new state.
//!
//! Each state the server returns is stored on this device under
//! `cairn.review.<id>`, with the time it was loaded, so the page shows it
//! offline with that time. A plan made on this device that the server has
//! no record of yet is a draft.
//!
//! - [`panel`]: the Review section with the status, the decisions, the
//!   action buttons and the changes since approval.
//! - [`notice`]: the notice of a returned plan at the top of the page, and
//!   the read-only status in the plan header.

pub mod notice;
pub mod panel;

use cairn_plan::review::{Decision, ReviewAction, ReviewState};
use cairn_plan::PlanStatus;
use cairn_sync::DocumentId;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::requests::{self, RequestError};
#[cfg(feature = "hydrate")]
use crate::server_events::ServerEvent;
use crate::workspace::access::{PlanAccess, RefusalReason};
use crate::workspace::{use_workspace, ConnectionState, Workspace};

/// A review state with the time the server returned it, in the shape it
/// is stored on this device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoadedReview {
    pub state: ReviewState,
    pub loaded_at: DateTime<Utc>,
}

/// What the page knows of the plan's review.
// Only the browser build reads the device's store, so only it builds `Saved`.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
pub enum KnownReview {
    /// Nothing yet: no response from the server, and no copy on this device.
    Unknown,
    /// The plan exists only on this device and the server has no record of
    /// it yet, so it is a draft that nobody can review yet.
    OnlyOnDevice,
    /// The server's response in this page.
    Current(LoadedReview),
    /// The copy stored on this device, shown until the server responds.
    Saved(LoadedReview),
}

impl KnownReview {
    /// Returns the review state with the time it was loaded, from the
    /// server or from this device.
    pub fn loaded(&self) -> Option<&LoadedReview> {
        match self {
            KnownReview::Current(loaded) | KnownReview::Saved(loaded) => Some(loaded),
            KnownReview::Unknown | KnownReview::OnlyOnDevice => None,
        }
    }

    /// Returns the review state, from the server or from this device.
    pub fn state(&self) -> Option<&ReviewState> {
        self.loaded().map(|loaded| &loaded.state)
    }

    /// Returns the review status: a plan only on this device is a draft.
    pub fn status(&self) -> Option<PlanStatus> {
        match self {
            KnownReview::OnlyOnDevice => Some(PlanStatus::Draft),
            known => known.state().map(|state| state.status),
        }
    }
}

/// A failed review action, in the cases the panel shows apart.
// Only the browser build sends requests, so only it builds most variants.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ReviewActionError {
    /// The request did not reach the server.
    #[error("the server cannot be reached")]
    NeedsConnection,
    /// The server responded `401`: the session ended.
    #[error("your session ended; sign in again and try once more")]
    SignedOut,
    /// `400 comment_required`: returning a plan needs a comment.
    #[error("{0}")]
    CommentRequired(String),
    /// `409 status_changed`: someone decided first. The message names the
    /// plan's current status.
    #[error("{0}")]
    StatusChanged(String),
    /// `409 invalid_transition`: the action does not apply to the status.
    #[error("{0}")]
    InvalidTransition(String),
    /// `403 forbidden`: the person may not take the action.
    #[error("{0}")]
    NotAllowed(String),
    /// `404 plan_not_found`.
    #[error("the server has no plan you can open under this id")]
    PlanNotFound,
    /// Any other failure, with the server's message.
    #[error("{0}")]
    Failed(String),
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
impl ReviewActionError {
    /// Sorts an error response of the review route by its status and
    /// `code`.
    pub fn from_response(status: u16, code: Option<&str>, message: &str) -> Self {
        let message = message.to_owned();
        match (status, code) {
            (401, _) => ReviewActionError::SignedOut,
            (_, Some("comment_required")) => ReviewActionError::CommentRequired(message),
            (_, Some("status_changed")) => ReviewActionError::StatusChanged(message),
            (_, Some("invalid_transition")) => ReviewActionError::InvalidTransition(message),
            (403, Some("forbidden" | "not_allowed")) => ReviewActionError::NotAllowed(message),
            (404, Some("plan_not_found")) => ReviewActionError::PlanNotFound,
            _ => ReviewActionError::Failed(message),
        }
    }

    /// Words the error for the panel's alert, after the action's label.
    pub fn message(&self, action: ReviewAction) -> String {
        let label = action.label();
        match self {
            ReviewActionError::NeedsConnection => format!(
                "{label} failed: the server cannot be reached. Review decisions need a connection to the server."
            ),
            ReviewActionError::CommentRequired(message) if message.trim().is_empty() => {
                "Write a comment that tells the team what to change, then return the plan."
                    .to_owned()
            }
            ReviewActionError::CommentRequired(message) => sentence(message),
            ReviewActionError::StatusChanged(message) if message.trim().is_empty() => {
                "Someone else decided first. Refresh to see the review as it stands.".to_owned()
            }
            ReviewActionError::StatusChanged(message) => sentence(message),
            error => format!("{label} failed: {}", sentence(&error.to_string())),
        }
    }
}

#[cfg(feature = "hydrate")]
impl From<crate::browser::api::ApiError> for ReviewActionError {
    fn from(error: crate::browser::api::ApiError) -> Self {
        use crate::browser::api::ApiError;

        match error {
            ApiError::Unreachable(_) => ReviewActionError::NeedsConnection,
            ApiError::Status {
                status,
                code,
                message,
            } => ReviewActionError::from_response(status, code.as_deref(), &message),
            ApiError::Body(reason) => ReviewActionError::Failed(format!(
                "the server's response could not be read: {reason}"
            )),
        }
    }
}

/// Makes a sentence of a message: a capital first letter and a full stop.
pub fn sentence(message: &str) -> String {
    let message = message.trim();
    let mut letters = message.chars();
    let mut text: String = match letters.next() {
        Some(first) => first.to_uppercase().chain(letters).collect(),
        None => return String::new(),
    };
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

/// Returns the label of a review status, such as "Submitted".
pub fn status_label(status: PlanStatus) -> &'static str {
    crate::labels::plan_status(status)
}

/// Returns the latest decision that returned the plan, for the notice of a
/// returned plan.
pub fn latest_return(state: &ReviewState) -> Option<&Decision> {
    state
        .decisions
        .iter()
        .rev()
        .find(|decision| decision.action == ReviewAction::Return)
}

/// The plan's review, shared by the plan header, the notice of a returned
/// plan and the Review section; `Copy`, provided as context.
#[derive(Clone, Copy)]
pub struct ReviewContext {
    plan: DocumentId,
    workspace: Workspace,
    /// What the page knows of the review, tracked.
    pub known: RwSignal<KnownReview>,
    /// The reason the latest request for the review failed, or `None`
    /// after a response.
    pub load_failure: RwSignal<Option<RequestError>>,
    /// Whether a request for the review is under way, so a focus and a
    /// visibility change at once send one request.
    loading: StoredValue<bool>,
    /// The number of states shown so far. A response to a request that
    /// started before the latest state was shown is older, so it is dropped.
    shown_count: StoredValue<u64>,
}

impl ReviewContext {
    /// Requests the plan's review from the server again, unless a request
    /// is under way, the tab is offline, the server has no record of the
    /// plan yet, or the server no longer gives the plan to this person.
    pub fn refresh(self) {
        let offline = untrack(|| self.workspace.connection()) == ConnectionState::Offline;
        let unregistered = untrack(|| self.workspace.awaits_registration(self.plan));
        let gone = untrack(|| self.workspace.refusal(self.plan))
            .is_some_and(|refusal| refusal.reason == RefusalReason::NotFound);
        if self.loading.get_value() || offline || unregistered || gone {
            return;
        }

        self.loading.set_value(true);
        let shown_before = self.shown_count.get_value();
        leptos::task::spawn_local(async move {
            let result = requests::review(self.plan).await;
            self.loading.try_set_value(false);

            // An action's response shown meanwhile is newer than this one.
            if self.shown_count.try_get_value() == Some(shown_before) {
                self.receive(result);
            }
        });
    }

    /// Applies the server's response to a request for the review.
    fn receive(self, result: Result<ReviewState, RequestError>) {
        match result {
            Ok(state) => self.show(state),
            Err(error) => {
                if error == RequestError::SignedOut {
                    self.workspace.session_ended.set(true);
                }
                leptos::logging::warn!("loading the review of plan {} failed: {error}", self.plan);
                let _ = self.load_failure.try_set(Some(error));
            }
        }
    }

    /// Shows a review state the server returned and stores it on this
    /// device.
    pub fn show(self, state: ReviewState) {
        let loaded = LoadedReview {
            state,
            loaded_at: now(),
        };

        #[cfg(feature = "hydrate")]
        if let Err(error) = crate::browser::store::save_review(&self.plan, &loaded) {
            self.workspace.report(error.to_string());
        }

        self.shown_count.try_update_value(|count| *count += 1);
        let _ = self.load_failure.try_set(None);
        let _ = self.known.try_set(KnownReview::Current(loaded));
    }

    /// Returns whether the tab is offline, tracked.
    pub fn offline(self) -> bool {
        self.workspace.connection() == ConnectionState::Offline
    }
}

/// Returns the current time from the browser's clock.
#[cfg(feature = "hydrate")]
fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// Returns the Unix epoch: the server build sends no review requests, so it
/// never needs the time.
#[cfg(not(feature = "hydrate"))]
fn now() -> DateTime<Utc> {
    DateTime::default()
}

/// The occasions on which a page requests the plan's review, besides a
/// focus or a visibility change of the tab.
#[derive(Clone, Copy)]
pub enum ReviewTrigger {
    /// Each time the plan's access is known: from this device's copy, and
    /// from each response of the access route, which the plan page requests
    /// after hydration and when the connection returns. A plan this person
    /// may no longer read gets `404` from the access route and is then
    /// refused, so its review is not requested.
    AfterAccess(RwSignal<Option<PlanAccess>>),
    /// After hydration and each time the connection returns, for a page
    /// without the access route, such as the print view.
    OnConnection,
}

/// Loads the plan's review: first the copy stored on this device, then the
/// server's, on the occasions `trigger` names, when the tab is focused or
/// shown again, and when the server's event stream names the plan.
pub fn use_review(plan: DocumentId, trigger: ReviewTrigger) -> ReviewContext {
    let workspace = use_workspace();
    let review = ReviewContext {
        plan,
        workspace,
        known: RwSignal::new(KnownReview::Unknown),
        load_failure: RwSignal::new(None),
        loading: StoredValue::new(false),
        shown_count: StoredValue::new(0),
    };
    let offline = Memo::new(move |_| workspace.connection() == ConnectionState::Offline);
    let awaits_registration = Memo::new(move |_| workspace.awaits_registration(plan));

    // The effect runs after hydration, then on each change of what it
    // reads: the access or the connection, as `trigger` says, and the
    // registration of a plan made here, which is a draft until then.
    // `refresh` itself skips the request while offline.
    Effect::new(move |first_run: Option<()>| {
        let awaits_registration = awaits_registration.get();
        let ready = match trigger {
            ReviewTrigger::AfterAccess(access) => access.with(Option::is_some),
            ReviewTrigger::OnConnection => !offline.get(),
        };

        if awaits_registration {
            review.known.set(KnownReview::OnlyOnDevice);
            return;
        }
        if first_run.is_none() {
            show_stored(review);
        }
        if ready {
            review.refresh();
        }
    });

    #[cfg(feature = "hydrate")]
    {
        let on_focus = window_event_listener(leptos::ev::focus, move |_| review.refresh());
        let on_visible = window_event_listener_untyped("visibilitychange", move |_| {
            if !document().hidden() {
                review.refresh();
            }
        });
        on_cleanup(move || {
            on_focus.remove();
            on_visible.remove();
        });

        // Another person's decision reaches the server's event stream as a
        // change to this plan, so it shows without waiting for a focus.
        let plan_id = plan.to_string();
        crate::browser::events::use_server_events(move |event| match event {
            ServerEvent::PlansChanged(changed) if !changed.includes(&plan_id) => {}
            ServerEvent::PlansChanged(_) | ServerEvent::Reconnected => review.refresh(),
        });
    }

    review
}

/// Shows the copy of the review stored on this device, if there is one.
fn show_stored(review: ReviewContext) {
    #[cfg(feature = "hydrate")]
    if let Some(saved) = crate::browser::store::load_review(&review.plan) {
        review.known.set(KnownReview::Saved(saved));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = review;
}

/// The review context provided by the plan page.
///
/// # Panics
///
/// Panics outside a plan page, which always provides it.
pub fn use_review_context() -> ReviewContext {
    expect_context::<ReviewContext>()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn state_json() -> &'static str {
        r#"{
            "status": "returned",
            "decisions": [
                {"action": "submit", "from": "draft", "to": "submitted",
                 "by": {"id": "7d3f0a52-4b8e-4d7a-9a43-2f7b1c9e6a10", "name": "Casey Coach"},
                 "at": "2026-12-03T14:00:00Z", "comment": ""},
                {"action": "return", "from": "submitted", "to": "returned",
                 "by": {"id": "0b6c9f1e-8f43-4d35-b1a4-5d2e7c8a9b21", "name": "Lee Leader"},
                 "at": "2026-12-05T15:42:00Z", "comment": "Add a baseline to the attendance goal."}
            ],
            "allowed": ["submit"],
            "changes_since_approval": null
        }"#
    }

    #[test]
    fn review_state_parses() {
        let state: ReviewState = serde_json::from_str(state_json()).unwrap();

        assert_eq!(state.status, PlanStatus::Returned);
        assert_eq!(state.decisions.len(), 2);
        assert_eq!(state.allowed, [ReviewAction::Submit]);
    }

    #[test]
    fn latest_return_is_found() {
        let state: ReviewState = serde_json::from_str(state_json()).unwrap();

        let decision = latest_return(&state).unwrap();

        assert_eq!(decision.by.name, "Lee Leader");
        assert_eq!(decision.comment, "Add a baseline to the attendance goal.");
    }

    #[test]
    fn loaded_review_round_trips() {
        let stored = LoadedReview {
            state: serde_json::from_str(state_json()).unwrap(),
            loaded_at: DateTime::parse_from_rfc3339("2026-12-05T16:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        };

        let text = serde_json::to_string(&stored).unwrap();

        assert_eq!(serde_json::from_str::<LoadedReview>(&text).unwrap(), stored);
    }

    #[test]
    fn plan_only_on_device_is_draft() {
        assert_eq!(KnownReview::OnlyOnDevice.status(), Some(PlanStatus::Draft));
        assert_eq!(KnownReview::Unknown.status(), None);
    }

    #[test]
    fn error_codes_sort_errors() {
        assert_eq!(
            ReviewActionError::from_response(
                400,
                Some("comment_required"),
                "A comment is required"
            ),
            ReviewActionError::CommentRequired("A comment is required".to_owned())
        );
        assert_eq!(
            ReviewActionError::from_response(409, Some("status_changed"), "the plan is approved"),
            ReviewActionError::StatusChanged("the plan is approved".to_owned())
        );
        assert_eq!(
            ReviewActionError::from_response(409, Some("invalid_transition"), "no"),
            ReviewActionError::InvalidTransition("no".to_owned())
        );
        assert_eq!(
            ReviewActionError::from_response(403, Some("forbidden"), "no"),
            ReviewActionError::NotAllowed("no".to_owned())
        );
        assert_eq!(
            ReviewActionError::from_response(403, Some("cross_site_request"), "no"),
            ReviewActionError::Failed("no".to_owned())
        );
        assert_eq!(
            ReviewActionError::from_response(404, Some("plan_not_found"), "not found"),
            ReviewActionError::PlanNotFound
        );
        assert_eq!(
            ReviewActionError::from_response(401, Some("signed_out"), "sign in"),
            ReviewActionError::SignedOut
        );
        assert_eq!(
            ReviewActionError::from_response(500, None, "storage failed"),
            ReviewActionError::Failed("storage failed".to_owned())
        );
    }

    #[test]
    fn status_changed_shows_server_message() {
        let error = ReviewActionError::StatusChanged(
            "the plan is approved now, not submitted: someone decided first".to_owned(),
        );

        assert_eq!(
            error.message(ReviewAction::Return),
            "The plan is approved now, not submitted: someone decided first."
        );
        assert_eq!(
            ReviewActionError::StatusChanged(String::new()).message(ReviewAction::Return),
            "Someone else decided first. Refresh to see the review as it stands."
        );
    }

    #[test]
    fn offline_message_says_why() {
        assert_eq!(
            ReviewActionError::NeedsConnection.message(ReviewAction::Approve),
            "Approve failed: the server cannot be reached. Review decisions need a connection to the server."
        );
    }

    #[test]
    fn sentence_adds_capital_and_stop() {
        assert_eq!(sentence("a comment is required"), "A comment is required.");
        assert_eq!(sentence("Done!"), "Done!");
        assert_eq!(sentence("  "), "");
    }
}
