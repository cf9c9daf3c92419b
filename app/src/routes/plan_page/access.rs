//! The signed-in person's access to the plan on its page, and the banner
//! that shows it.
//!
//! The page starts from the access stored on this device, so a viewer's
//! page is read-only offline too. It then requests
//! `GET /api/plans/{id}/access` after hydration and again whenever the
//! connection returns.
//!
//! A plan made offline with its school left for later, by a person with
//! several schools, cannot be registered with the server until they choose
//! one, so the page offers the choice.

use cairn_sync::DocumentId;
use leptos::prelude::*;

use super::requests::{self, RequestError};
use super::use_plan;
use crate::routes::plan_list::{load_school_choices, SchoolChoices};
use crate::workspace::access::{PlanAccess, VIEW_ONLY_MESSAGE};
use crate::workspace::{use_workspace, ConnectionState};

/// Loads the plan's access: first from this device, then from the server.
/// Applies each response to the workspace, which makes a viewer's plan
/// read-only.
pub fn use_plan_access(id: DocumentId) -> RwSignal<Option<PlanAccess>> {
    let workspace = use_workspace();
    let access = RwSignal::new(None::<PlanAccess>);
    let offline = Memo::new(move |_| workspace.connection() == ConnectionState::Offline);
    let awaits_registration = Memo::new(move |_| workspace.awaits_registration(id));

    // The effect runs after hydration, then each time `offline` changes, so
    // it requests the access on its first run and whenever the connection
    // returns.
    // A plan made on this device is unknown to the server until its first
    // change is acknowledged; its maker may edit it, so the request waits
    // for that and runs once the memo turns false.
    Effect::new(move |first_run: Option<()>| {
        let offline = offline.get();
        let awaits_registration = awaits_registration.get();
        if first_run.is_none() {
            if let Some(cached) = workspace.cached_access(id) {
                workspace.set_read_only(id, cached.is_view_only());
                access.set(Some(cached));
            }
        }
        if offline || awaits_registration {
            return;
        }

        leptos::task::spawn_local(async move {
            match requests::plan_access(id).await {
                Ok(answer) => {
                    workspace.apply_access(id, &answer);
                    let _ = access.try_set(Some(answer));
                }
                Err(RequestError::PlanNotFound) => workspace.access_not_found(id),
                Err(RequestError::SignedOut) => workspace.session_ended.set(true),
                // Offline or a server failure: the stored access remains.
                Err(error) => {
                    leptos::logging::warn!("loading the access to plan {id} failed: {error}")
                }
            }
        });
    });

    access
}

/// Shows the banner of a plan the server did not accept, or of a plan the
/// person may only view.
#[component]
pub fn AccessBanner() -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();

    move || {
        if let Some(refusal) = workspace.refusal(context.id) {
            return view! {
                <div class="access-banner refused" role="alert" data-testid="plan-refused">
                    <p>{refusal.message}</p>
                </div>
            }
            .into_any();
        }

        let view_only = context
            .access
            .with(|access| access.as_ref().is_some_and(PlanAccess::is_view_only));
        if view_only {
            view! { <p class="access-banner view-only" role="status" data-testid="view-only">{VIEW_ONLY_MESSAGE}</p> }
                .into_any()
        } else {
            ().into_any()
        }
    }
}

/// Asks for the school of a plan that waits for one before it can be
/// registered.
#[component]
pub fn SchoolNeeded() -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();

    move || {
        workspace
            .needs_school(context.id)
            .then(|| view! { <ChooseSchool/> })
    }
}

#[component]
fn ChooseSchool() -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();
    let choices = RwSignal::new(SchoolChoices::Unknown);
    let creates_plans = RwSignal::new(true);
    let chosen = RwSignal::new(String::new());
    Effect::new(move |_| load_school_choices(choices, creates_plans));

    let options = move || {
        choices
            .with(SchoolChoices::options)
            .into_iter()
            .filter(|(value, _)| !value.is_empty())
            .map(|(value, label)| view! { <option value=value>{label}</option> })
            .collect_view()
    };
    let save = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let school_id = chosen.get_untracked();
        if !school_id.is_empty() {
            workspace.choose_school(context.id, school_id);
        }
    };

    view! {
        <form class="access-banner school-needed" on:submit=save data-testid="school-needed">
            <p>"This plan is not saved on the server yet because it has no school. Choose its school to save it there; until then your changes stay on this device."</p>
            <label class="field">
                <span class="field-label">"School"</span>
                <select data-testid="school-needed-choice" on:change=move |event| chosen.set(event_target_value(&event))>
                    <option value="">"Choose a school"</option>
                    {options}
                </select>
            </label>
            <button type="submit" class="primary" disabled=move || chosen.get().is_empty()>"Save under this school"</button>
        </form>
    }
}
