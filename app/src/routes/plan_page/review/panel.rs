//! The Review section of the plan page: the review status, the buttons of
//! the actions the person may take with a comment box, the record of
//! decisions, and the changes since approval.
//!
//! The section sits outside the plan's `<fieldset>`, because a review
//! decision is not an edit of the plan. The buttons come from the server's
//! `allowed` list, so a person who may only view the plan sees the record
//! and no buttons. With no connection the buttons are disabled and say why.

use cairn_plan::review::{ChangeLine, ChangesSinceApproval, Decision, ReviewAction, ReviewRequest};
use cairn_plan::PlanStatus;
use leptos::prelude::*;

use super::{sentence, status_label, use_review_context, KnownReview, ReviewActionError};
use crate::routes::plan_page::history::local_time_text;
use crate::routes::plan_page::requests::{self, RequestError};
use crate::routes::plan_page::use_plan;
use crate::workspace::access::PlanAccess;
use crate::workspace::use_workspace;

/// The hint next to a disabled Return button.
pub const COMMENT_NEEDED: &str =
    "Write a comment to return the plan, so the team knows what to change.";

/// The reason the action buttons are disabled offline.
pub const NEEDS_CONNECTION: &str =
    "You are offline. Review decisions need a connection to the server.";

/// Describes a decision as "Returned by NAME on TIME".
pub fn describe_decision(decision: &Decision, time_text: &str) -> String {
    format!(
        "{} by {} on {time_text}",
        sentence_case(decision.action.past_tense()),
        person_name(&decision.by.name)
    )
}

/// Returns a person's name, or a stand-in when the server has none.
pub fn person_name(name: &str) -> &str {
    let name = name.trim();
    if name.is_empty() {
        "a person without a name"
    } else {
        name
    }
}

fn sentence_case(text: &str) -> String {
    let mut letters = text.chars();
    match letters.next() {
        Some(first) => first.to_uppercase().chain(letters).collect(),
        None => String::new(),
    }
}

/// Joins names as "A", "A and B" or "A, B and C".
pub fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Words the note on a review loaded earlier: shown when the page shows a
/// copy saved on this device, or when the latest request failed. Returns
/// `None` for a review the server returned in this page while online.
pub fn saved_copy_note(
    known: &KnownReview,
    offline: bool,
    failure: Option<&RequestError>,
    time_text: &str,
) -> Option<String> {
    let saved = matches!(known, KnownReview::Saved(_));
    let as_of = format!("This is the review as of {time_text}, saved on this device.");

    match failure {
        _ if offline => Some(format!(
            "You are offline. {as_of} It may have changed since."
        )),
        Some(RequestError::NeedsConnection) => Some(format!(
            "The server cannot be reached. {as_of} It may have changed since."
        )),
        Some(error) => Some(format!(
            "The review could not be loaded from the server: {} {as_of}",
            sentence(&error.to_string())
        )),
        None if saved => Some(format!("{as_of} Loading the current review…")),
        None => None,
    }
}

/// Words the state of a review the page has no copy of.
pub fn missing_review_text(offline: bool, failure: Option<&RequestError>) -> String {
    match failure {
        _ if offline => {
            "You are offline, and this device has no saved copy of the plan's review.".to_owned()
        }
        Some(RequestError::NeedsConnection) => {
            "The server cannot be reached, and this device has no saved copy of the plan's review."
                .to_owned()
        }
        Some(error) => format!(
            "The plan's review could not be loaded: {}",
            sentence(&error.to_string())
        ),
        None => "Loading the review…".to_owned(),
    }
}

/// Groups the lines of changes by section, keeping the order of the plan.
pub fn group_by_section(changes: &[ChangeLine]) -> Vec<(String, Vec<ChangeLine>)> {
    let mut groups: Vec<(String, Vec<ChangeLine>)> = Vec::new();
    for change in changes {
        match groups.last_mut() {
            Some((section, lines)) if *section == change.section => lines.push(change.clone()),
            _ => groups.push((change.section.clone(), vec![change.clone()])),
        }
    }
    groups
}

/// Words one line of changes as "ITEM — DESCRIPTION", or the description
/// alone for a field of the plan itself.
pub fn change_text(change: &ChangeLine) -> String {
    if change.item.is_empty() {
        change.description.clone()
    } else {
        format!("{} — {}", change.item, change.description)
    }
}

/// Shows the Review section.
#[component]
pub fn ReviewPanel() -> impl IntoView {
    view! {
        <section class="review-panel" id="plan-review" aria-labelledby="plan-review-heading" data-testid="review-panel">
            <h2 id="plan-review-heading">"Review"</h2>
            <ReviewStatusLine/>
            <ReviewActions/>
            <DecisionList/>
            <ChangesSinceApprovalView/>
        </section>
    }
}

/// Shows the review status, with a note when it is a copy saved on this
/// device.
#[component]
fn ReviewStatusLine() -> impl IntoView {
    let review = use_review_context();

    move || {
        let known = review.known.get();
        let offline = review.offline();
        let failure = review.load_failure.get();

        match &known {
            KnownReview::Unknown => view! {
                <p class="review-status-line" data-testid="review-status-line">{missing_review_text(offline, failure.as_ref())}</p>
            }
            .into_any(),
            KnownReview::OnlyOnDevice => view! {
                <p class="review-status-line" data-testid="review-status-line">
                    "Status: Draft. This plan is saved only on this device until the server registers it, and can be submitted for review after that."
                </p>
            }
            .into_any(),
            KnownReview::Current(loaded) | KnownReview::Saved(loaded) => {
                let note = saved_copy_note(&known, offline, failure.as_ref(), &local_time_text(loaded.loaded_at));
                view! {
                    <p class="review-status-line" data-testid="review-status-line">
                        "Status: " <strong data-testid="review-status">{status_label(loaded.state.status)}</strong>
                    </p>
                    {note.map(|note| view! { <p class="review-saved-copy" role="status" data-testid="review-saved-copy">{note}</p> })}
                }
                .into_any()
            }
        }
    }
}

/// Shows the buttons of the actions the person may take, the comment box,
/// and the outcome of the latest action.
#[component]
fn ReviewActions() -> impl IntoView {
    let review = use_review_context();
    let context = use_plan();
    let workspace = use_workspace();
    let comment = RwSignal::new(String::new());
    let pending = RwSignal::new(None::<ReviewAction>);
    let failure = RwSignal::new(None::<(ReviewAction, ReviewActionError)>);
    let done = RwSignal::new(None::<String>);

    let view_only = Memo::new(move |_| {
        context
            .access
            .with(|access| access.as_ref().is_some_and(PlanAccess::is_view_only))
    });
    let allowed = Memo::new(move |_| {
        if view_only.get() {
            return Vec::new();
        }
        review.known.with(|known| {
            known
                .state()
                .map(|state| state.allowed.clone())
                .unwrap_or_default()
        })
    });
    let offline = Memo::new(move |_| review.offline());
    let comment_missing = Memo::new(move |_| comment.with(|text| text.trim().is_empty()));

    let take = move |action: ReviewAction| {
        let Some(expected_status) = review.known.with_untracked(KnownReview::status) else {
            return;
        };
        let request = ReviewRequest {
            action,
            expected_status,
            comment: comment.get_untracked().trim().to_owned(),
        };
        failure.set(None);
        done.set(None);
        pending.set(Some(action));

        leptos::task::spawn_local(async move {
            let result = requests::take_review_action(context.id, &request).await;
            let _ = pending.try_set(None);
            match result {
                Ok(state) => {
                    let status = state.status;
                    review.show(state);
                    let _ = comment.try_set(String::new());
                    let _ = done.try_set(Some(format!(
                        "The plan's review status is now {}.",
                        status_label(status)
                    )));
                }
                Err(error) => {
                    if error == ReviewActionError::SignedOut {
                        workspace.session_ended.set(true);
                    }
                    let _ = failure.try_set(Some((action, error)));
                }
            }
        });
    };

    let refresh = move |_| {
        failure.set(None);
        review.refresh();
    };

    view! {
        <Show when=move || !allowed.with(Vec::is_empty)>
            <div class="review-actions" data-testid="review-actions">
                <label class="field review-comment">
                    <span class="field-label">"Comment"</span>
                    <textarea
                        data-testid="review-comment"
                        aria-describedby="review-comment-hint"
                        prop:value=move || comment.get()
                        on:input=move |event| comment.set(event_target_value(&event))
                    ></textarea>
                </label>
                <p id="review-comment-hint" class="field-hint">
                    {move || if allowed.with(|allowed| allowed.contains(&ReviewAction::Return)) {
                        "Required to return the plan. It goes into the record with your decision."
                    } else {
                        "Optional. It goes into the record with your decision."
                    }}
                </p>
                <div class="review-buttons">
                    <For each=move || allowed.get() key=|action| *action let:action>
                        <ActionButton action pending offline comment_missing on_take=Callback::new(take)/>
                    </For>
                </div>
                <Show when=move || offline.get()>
                    <p id="review-offline-reason" class="review-offline" data-testid="review-offline">{NEEDS_CONNECTION}</p>
                </Show>
                <Show when=move || !offline.get() && comment_missing.get() && allowed.with(|allowed| allowed.contains(&ReviewAction::Return))>
                    <p id="review-comment-needed" class="field-hint" data-testid="review-comment-needed">{COMMENT_NEEDED}</p>
                </Show>
                <p class="review-done" role="status" data-testid="review-done">{move || done.get()}</p>
                <div class="review-error" role="alert" data-testid="review-error">
                    {move || failure.get().map(|(action, error)| {
                        let stale = matches!(error, ReviewActionError::StatusChanged(_));
                        view! {
                            <p>{error.message(action)}</p>
                            {stale.then(|| view! {
                                <button type="button" on:click=refresh data-testid="review-refresh">"Refresh"</button>
                            })}
                        }
                    })}
                </div>
            </div>
        </Show>
    }
}

/// Shows one action's button. Return stays disabled until the comment box
/// has text, and every button while offline or while an action is under
/// way.
#[component]
fn ActionButton(
    action: ReviewAction,
    pending: RwSignal<Option<ReviewAction>>,
    offline: Memo<bool>,
    comment_missing: Memo<bool>,
    on_take: Callback<ReviewAction>,
) -> impl IntoView {
    let blocked_by_comment = move || action.needs_comment() && comment_missing.get();
    let disabled = move || pending.get().is_some() || offline.get() || blocked_by_comment();
    let described_by = move || {
        if offline.get() {
            Some("review-offline-reason")
        } else if blocked_by_comment() {
            Some("review-comment-needed")
        } else {
            None
        }
    };
    let class = match action {
        ReviewAction::Approve | ReviewAction::Submit => "primary",
        _ => "",
    };
    let text = move || {
        if pending.get() == Some(action) {
            format!("{}…", action.label())
        } else {
            action.label().to_owned()
        }
    };

    view! {
        <button
            type="button"
            class=class
            disabled=disabled
            aria-describedby=described_by
            on:click=move |_| on_take.run(action)
            data-testid=format!("review-{}", action.as_str())
        >
            {text}
        </button>
    }
}

/// Lists the record of decisions, oldest first.
#[component]
fn DecisionList() -> impl IntoView {
    let review = use_review_context();
    let decisions = Memo::new(move |_| {
        review.known.with(|known| {
            known
                .state()
                .map(|state| state.decisions.clone())
                .unwrap_or_default()
        })
    });
    let has_state = Memo::new(move |_| review.known.with(|known| known.state().is_some()));

    view! {
        <Show when=move || has_state.get()>
            <h3>"Decisions"</h3>
            {move || {
                let decisions = decisions.get();
                if decisions.is_empty() {
                    view! { <p>"No decisions yet. The team submits the plan for review when it is ready."</p> }.into_any()
                } else {
                    view! {
                        <ol class="review-decisions">
                            {decisions.into_iter().map(|decision| view! { <DecisionRow decision/> }).collect_view()}
                        </ol>
                    }
                    .into_any()
                }
            }}
        </Show>
    }
}

#[component]
fn DecisionRow(decision: Decision) -> impl IntoView {
    let text = describe_decision(&decision, &local_time_text(decision.at));
    let comment = decision.comment.trim().to_owned();

    view! {
        <li data-testid="review-decision">
            <span>{text}</span>
            {(!comment.is_empty()).then(|| view! { <blockquote class="review-comment-text">{comment}</blockquote> })}
        </li>
    }
}

/// Lists the changes since the latest approval of an approved or active
/// plan.
#[component]
fn ChangesSinceApprovalView() -> impl IntoView {
    let review = use_review_context();
    let changes = Memo::new(move |_| {
        review.known.with(|known| {
            let state = known.state()?;
            let approved_or_active =
                matches!(state.status, PlanStatus::Approved | PlanStatus::Active);
            approved_or_active
                .then(|| state.changes_since_approval.clone())
                .flatten()
        })
    });

    move || {
        changes
            .get()
            .map(|changes| view! { <ChangesList changes/> })
    }
}

#[component]
fn ChangesList(changes: ChangesSinceApproval) -> impl IntoView {
    let approved = describe_decision(&changes.approved, &local_time_text(changes.approved.at));
    let editors = (!changes.editors.is_empty())
        .then(|| format!(" Edited since by {}.", join_names(&changes.editors)));
    let groups = group_by_section(&changes.changes);

    view! {
        <section class="review-changes" aria-labelledby="review-changes-heading" data-testid="review-changes">
            <h3 id="review-changes-heading">"Changes since approval"</h3>
            <p data-testid="review-changes-summary">{approved} "." {editors}</p>
            {if groups.is_empty() {
                view! { <p>"No changes since approval."</p> }.into_any()
            } else {
                groups
                    .into_iter()
                    .map(|(section, lines)| view! {
                        <h4>{section}</h4>
                        <ul>
                            {lines.iter().map(|line| view! { <li data-testid="review-change">{change_text(line)}</li> }).collect_view()}
                        </ul>
                    })
                    .collect_view()
                    .into_any()
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use cairn_plan::review::ReviewState;
    use chrono::{DateTime, Utc};

    use super::super::LoadedReview;
    use super::*;

    fn state() -> ReviewState {
        serde_json::from_str(super::super::tests::state_json()).unwrap()
    }

    fn line(section: &str, item: &str, description: &str) -> ChangeLine {
        ChangeLine {
            section: section.to_owned(),
            item: item.to_owned(),
            description: description.to_owned(),
        }
    }

    fn loaded() -> LoadedReview {
        LoadedReview {
            state: state(),
            loaded_at: DateTime::<Utc>::default(),
        }
    }

    #[test]
    fn decision_names_action_person_and_time() {
        let state = state();

        assert_eq!(
            describe_decision(&state.decisions[1], "Dec 5, 2026, 10:42 AM"),
            "Returned by Lee Leader on Dec 5, 2026, 10:42 AM"
        );
    }

    #[test]
    fn names_join_with_and() {
        let names = |list: &[&str]| {
            list.iter()
                .map(|name| (*name).to_owned())
                .collect::<Vec<_>>()
        };

        assert_eq!(join_names(&names(&["Casey Coach"])), "Casey Coach");
        assert_eq!(
            join_names(&names(&["Casey Coach", "Terry Teammate", "Lee Leader"])),
            "Casey Coach, Terry Teammate and Lee Leader"
        );
    }

    #[test]
    fn changes_group_by_section_in_order() {
        let changes = [
            line("Plan", "", "Title: “A” → “B”"),
            line("SMART goals", "Reduce referrals", "Target value: 60 → 65"),
            line("SMART goals", "Raise attendance", "Added"),
            line("Actions", "Teach expectations", "Moved"),
        ];

        let groups = group_by_section(&changes);

        let sections: Vec<&str> = groups.iter().map(|(section, _)| section.as_str()).collect();
        assert_eq!(sections, ["Plan", "SMART goals", "Actions"]);
        assert_eq!(groups[1].1.len(), 2);
    }

    #[test]
    fn change_text_leaves_out_empty_item() {
        assert_eq!(
            change_text(&line("Plan", "", "Title: “A” → “B”")),
            "Title: “A” → “B”"
        );
        assert_eq!(
            change_text(&line("SMART goals", "Reduce referrals", "Added")),
            "Reduce referrals — Added"
        );
    }

    #[test]
    fn current_review_online_has_no_note() {
        let known = KnownReview::Current(loaded());

        assert_eq!(
            saved_copy_note(&known, false, None, "Dec 5, 2026, 4:00 PM"),
            None
        );
    }

    #[test]
    fn offline_review_is_labelled_saved() {
        let known = KnownReview::Current(loaded());

        assert_eq!(
            saved_copy_note(&known, true, None, "Dec 5, 2026, 4:00 PM").as_deref(),
            Some("You are offline. This is the review as of Dec 5, 2026, 4:00 PM, saved on this device. It may have changed since.")
        );
    }

    #[test]
    fn failed_load_names_the_error() {
        let known = KnownReview::Saved(loaded());
        let failure = RequestError::Failed("storage failed".to_owned());

        assert_eq!(
            saved_copy_note(&known, false, Some(&failure), "Dec 5, 2026, 4:00 PM").as_deref(),
            Some("The review could not be loaded from the server: Storage failed. This is the review as of Dec 5, 2026, 4:00 PM, saved on this device.")
        );
    }

    #[test]
    fn saved_copy_shows_while_loading() {
        let known = KnownReview::Saved(loaded());

        let note = saved_copy_note(&known, false, None, "Dec 5, 2026, 4:00 PM").unwrap();

        assert!(note.ends_with("Loading the current review…"), "{note}");
    }

    #[test]
    fn missing_review_offline_says_so() {
        assert_eq!(
            missing_review_text(true, None),
            "You are offline, and this device has no saved copy of the plan's review."
        );
        assert_eq!(missing_review_text(false, None), "Loading the review…");
    }

    #[test]
    fn unnamed_person_gets_stand_in() {
        assert_eq!(person_name("  "), "a person without a name");
        assert_eq!(person_name(" Lee Leader "), "Lee Leader");
    }
}
