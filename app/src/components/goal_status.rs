//! A goal's progress status (on track, at risk, off track, not enough
//! data) with the reason for it.

use cairn_plan::progress::GoalStatus;
use leptos::prelude::*;

#[component]
pub fn GoalStatusBadge(status: GoalStatus, #[prop(into)] reason: String) -> impl IntoView {
    view! {
        <p class="goal-status">
            <span class=format!("status-badge {}", status.as_str()) data-testid="goal-status" data-status=status.as_str()>
                {status.label()}
            </span>
            " "
            <span class="status-reason" data-testid="goal-status-reason">{reason}</span>
        </p>
    }
}
