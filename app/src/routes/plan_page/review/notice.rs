//! The review status where the team works: the notice of a returned plan at
//! the top of the plan page, with the leader's comment, and the read-only
//! status in the plan header.

use cairn_plan::review::Decision;
use cairn_plan::PlanStatus;
use leptos::prelude::*;

use super::panel::person_name;
use super::{latest_return, status_label, use_review_context, KnownReview};
use crate::routes::plan_page::history::local_time_text;

/// Words the first line of the notice of a returned plan.
pub fn returned_by_text(decision: &Decision, time_text: &str) -> String {
    format!(
        "{} returned this plan to the team on {time_text}.",
        person_name(&decision.by.name)
    )
}

/// Returns the header's text for the review status: its label, or what is
/// missing to know it.
pub fn header_status_text(known: &KnownReview) -> &'static str {
    match known.status() {
        Some(status) => status_label(status),
        None => "Not known yet",
    }
}

/// Shows the notice of a returned plan: who returned it, when, and their
/// comment, so the team sees what to change as soon as the page opens.
#[component]
pub fn ReturnedNotice() -> impl IntoView {
    let review = use_review_context();
    let returned = Memo::new(move |_| {
        review.known.with(|known| {
            let state = known.state()?;
            if state.status != PlanStatus::Returned {
                return None;
            }
            latest_return(state).cloned()
        })
    });

    move || {
        returned.get().map(|decision| {
            let by_text = returned_by_text(&decision, &local_time_text(decision.at));
            let comment = decision.comment.trim().to_owned();
            view! {
                <section class="review-returned" aria-labelledby="review-returned-heading" data-testid="review-returned">
                    <h2 id="review-returned-heading">"Returned for changes"</h2>
                    <p data-testid="review-returned-by">{by_text}</p>
                    {(!comment.is_empty()).then(|| view! {
                        <blockquote class="review-comment-text" data-testid="review-returned-comment">{comment}</blockquote>
                    })}
                    <p>"Make the changes, then submit the plan again under Review."</p>
                </section>
            }
        })
    }
}

/// Shows the plan's review status in the plan header, read-only, because
/// the server's record of decisions sets it and an edit of the plan does
/// not.
#[component]
pub fn ReviewStatusField() -> impl IntoView {
    let review = use_review_context();

    view! {
        <div class="field">
            <span class="field-label" id="plan-review-status-label">"Review status"</span>
            <a
                class="review-status-value"
                href="#plan-review"
                aria-labelledby="plan-review-status-label plan-review-status"
                id="plan-review-status"
                data-testid="plan-review-status"
            >
                {move || review.known.with(header_status_text)}
            </a>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use cairn_plan::review::ReviewState;

    use super::super::latest_return;
    use super::*;

    #[test]
    fn returned_text_names_person_and_time() {
        let state: ReviewState = serde_json::from_str(super::super::tests::state_json()).unwrap();
        let decision = latest_return(&state).unwrap();

        assert_eq!(
            returned_by_text(decision, "Dec 5, 2026, 10:42 AM"),
            "Lee Leader returned this plan to the team on Dec 5, 2026, 10:42 AM."
        );
    }

    #[test]
    fn header_shows_draft_for_plan_only_on_device() {
        assert_eq!(header_status_text(&KnownReview::OnlyOnDevice), "Draft");
        assert_eq!(header_status_text(&KnownReview::Unknown), "Not known yet");
    }
}
