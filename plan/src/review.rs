//! Review and approval of a plan.
//!
//! A plan moves through the review cycle
//! `draft -> submitted -> returned or approved -> active -> closed`, and a
//! returned plan goes back to `submitted` when the team sends it again.
//! Each move is a [`ReviewAction`] that someone takes, and the server
//! records it as a [`Decision`] with who took it, when, and the comment.
//! Who may take which action is the server's rule (`docs/review.md`); this
//! module holds the cycle itself and the shapes the server and the app
//! exchange. [`changes_between`] words what changed in a plan since its
//! approval.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use crate::model::{named_enum, PlanStatus};

mod changes;
mod excerpt;
mod field_names;

pub use changes::changes_between;

named_enum! {
    /// A step of the review cycle.
    ReviewAction, "review action" {
        /// The team sends a draft or returned plan for review.
        Submit => "submit",
        /// An approver accepts a submitted plan.
        Approve => "approve",
        /// An approver sends a submitted plan back, with a comment.
        Return => "return",
        /// The team starts carrying out an approved plan.
        Activate => "activate",
        /// An approver ends an active plan, such as at the end of the year.
        Close => "close",
    }
}

impl ReviewAction {
    /// Returns the action as a button names it, such as "Submit for review".
    pub fn label(self) -> &'static str {
        match self {
            ReviewAction::Submit => "Submit for review",
            ReviewAction::Approve => "Approve",
            ReviewAction::Return => "Return to the team",
            ReviewAction::Activate => "Mark active",
            ReviewAction::Close => "Close",
        }
    }

    /// Returns the action as the record of decisions names it, such as
    /// "submitted".
    pub fn past_tense(self) -> &'static str {
        match self {
            ReviewAction::Submit => "submitted",
            ReviewAction::Approve => "approved",
            ReviewAction::Return => "returned",
            ReviewAction::Activate => "marked active",
            ReviewAction::Close => "closed",
        }
    }

    /// Whether the action needs a comment: a returned plan must say why.
    pub fn needs_comment(self) -> bool {
        self == ReviewAction::Return
    }

    /// Whether only an approver (a district admin, or a leader of the
    /// plan's school) may take the action. The others need edit access.
    pub fn needs_approver(self) -> bool {
        matches!(
            self,
            ReviewAction::Approve | ReviewAction::Return | ReviewAction::Close
        )
    }

    /// Returns the status a plan in `from` moves to under this action.
    ///
    /// # Errors
    ///
    /// [`TransitionError`] when the action does not apply to `from`, such
    /// as approving a draft.
    pub fn apply(self, from: PlanStatus) -> Result<PlanStatus, TransitionError> {
        use PlanStatus::*;
        let to = match (self, from) {
            (ReviewAction::Submit, Draft | Returned) => Submitted,
            (ReviewAction::Approve, Submitted) => Approved,
            (ReviewAction::Return, Submitted) => Returned,
            (ReviewAction::Activate, Approved) => Active,
            (ReviewAction::Close, Active) => Closed,
            _ => return Err(TransitionError { action: self, from }),
        };
        Ok(to)
    }

    /// The actions that apply to a plan in `status`.
    pub fn available_from(status: PlanStatus) -> Vec<ReviewAction> {
        ReviewAction::ALL
            .iter()
            .copied()
            .filter(|action| action.apply(status).is_ok())
            .collect()
    }
}

/// An action that does not apply to the plan's current status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[error("a plan that is {from} cannot be {}", .action.past_tense())]
pub struct TransitionError {
    pub action: ReviewAction,
    pub from: PlanStatus,
}

/// A person as the record of decisions names them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionMaker {
    pub id: Uuid,
    pub name: String,
}

/// One recorded step of a plan's review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub action: ReviewAction,
    pub from: PlanStatus,
    pub to: PlanStatus,
    pub by: DecisionMaker,
    pub at: DateTime<Utc>,
    /// Empty when none was given.
    pub comment: String,
}

/// The body of a request to take a review action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRequest {
    pub action: ReviewAction,
    /// The status the person saw. When the plan has moved on meanwhile,
    /// such as when two leaders decide at once, the server refuses the
    /// request instead of applying it to a status they did not see.
    pub expected_status: PlanStatus,
    #[serde(default)]
    pub comment: String,
}

/// One difference between the approved plan and the plan now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeLine {
    /// The part of the plan, such as "SMART goals".
    pub section: String,
    /// The item changed, such as a goal's statement, or empty for a field
    /// of the plan itself.
    pub item: String,
    /// What changed, such as "Target value: 60 → 65" or "Added".
    pub description: String,
}

/// What changed since the plan was last approved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangesSinceApproval {
    pub approved: Decision,
    /// The people who edited the plan after the approval, by name.
    pub editors: Vec<String>,
    pub changes: Vec<ChangeLine>,
}

/// A plan's review status, its record of decisions and what the person
/// asking may do next.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewState {
    pub status: PlanStatus,
    /// Oldest first.
    pub decisions: Vec<Decision>,
    /// The actions the person asking may take now.
    pub allowed: Vec<ReviewAction>,
    /// Set once the plan has been approved.
    pub changes_since_approval: Option<ChangesSinceApproval>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cycle_runs_from_draft_to_closed() {
        let mut status = PlanStatus::Draft;
        for action in [
            ReviewAction::Submit,
            ReviewAction::Return,
            ReviewAction::Submit,
            ReviewAction::Approve,
            ReviewAction::Activate,
            ReviewAction::Close,
        ] {
            status = action.apply(status).expect("each step applies");
        }
        assert_eq!(status, PlanStatus::Closed);
    }

    #[test]
    fn a_step_out_of_order_is_refused_with_both_names() {
        let error = ReviewAction::Approve
            .apply(PlanStatus::Draft)
            .expect_err("a draft cannot be approved");

        assert_eq!(error.to_string(), "a plan that is draft cannot be approved");
        assert!(ReviewAction::Close.apply(PlanStatus::Approved).is_err());
        assert!(ReviewAction::Submit.apply(PlanStatus::Closed).is_err());
    }

    #[test]
    fn each_status_offers_its_next_steps() {
        assert_eq!(
            ReviewAction::available_from(PlanStatus::Submitted),
            [ReviewAction::Approve, ReviewAction::Return]
        );
        assert_eq!(
            ReviewAction::available_from(PlanStatus::Returned),
            [ReviewAction::Submit]
        );
        assert!(ReviewAction::available_from(PlanStatus::Closed).is_empty());
    }

    #[test]
    fn only_returning_needs_a_comment() {
        let needing: Vec<ReviewAction> = ReviewAction::ALL
            .iter()
            .copied()
            .filter(|action| action.needs_comment())
            .collect();
        assert_eq!(needing, [ReviewAction::Return]);
    }
}
