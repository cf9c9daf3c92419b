//! One plan, every section of it.
//!
//! The page opens the plan in the workspace (from this device's store, or
//! as an empty replica that fills in from the server) and renders each
//! section from the plan's current snapshot. Edits go through
//! [`crate::workspace::Workspace::edit`].
//!
//! The editable sections sit in one `<fieldset>`, which is disabled while
//! the plan is read-only, so the browser disables every input, select,
//! textarea and button in them. The tools above it (exports, print view,
//! history, sharing) and the Review section stay usable.

mod access;
mod actions;
mod goals;
mod header;
pub(crate) mod history;
mod monitoring;
mod progress;
pub(crate) mod requests;
pub(crate) mod review;
mod root_causes;
mod share;
mod timeline;
mod tools;

use cairn_plan::Plan;
use cairn_sync::DocumentId;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::presence::PresenceLine;
use crate::components::sync_status::SyncStatusBadge;
use crate::workspace::access::PlanAccess;
use crate::workspace::{use_workspace, ConnectionState};

/// How long an online plan page waits for a plan's first sync before it
/// reports the plan as not found, in milliseconds.
#[cfg(feature = "hydrate")]
const NOT_FOUND_AFTER_MS: u32 = 5_000;

/// The plan being shown, shared by the sections of the page.
#[derive(Clone, Copy)]
pub struct PlanContext {
    /// The plan's document.
    pub id: DocumentId,
    /// The plan's current snapshot; `None` until it is loaded.
    pub plan: Memo<Option<Plan>>,
    /// The signed-in person's access to the plan, as stored on this device
    /// or last returned by the server; `None` while unknown.
    pub access: RwSignal<Option<PlanAccess>>,
    /// Whether edits are turned off: the person may only view the plan, or
    /// the server did not accept it.
    pub read_only: Memo<bool>,
}

/// The page at `/plans/:id`.
#[component]
pub fn PlanPage() -> impl IntoView {
    let plan_id = use_plan_id();

    move || {
        match plan_id.get() {
        Some(id) => view! { <PlanView id/> }.into_any(),
        None => view! {
            <p class="notice" role="alert">"This address names no plan. Plan addresses look like /plans/ followed by a plan id."</p>
        }
        .into_any(),
    }
    }
}

#[component]
fn PlanView(id: DocumentId) -> impl IntoView {
    let workspace = use_workspace();

    Effect::new(move |_| workspace.open_plan(id));
    on_cleanup(move || workspace.close_plan(id));

    let plan = Memo::new(move |_| workspace.plan(id));
    let access = access::use_plan_access(id);
    let read_only = Memo::new(move |_| workspace.is_read_only(id));
    provide_context(PlanContext {
        id,
        plan,
        access,
        read_only,
    });
    provide_context(review::use_review(
        id,
        review::ReviewTrigger::AfterAccess(access),
    ));

    let waiting_message = use_loading_message();

    // The shortcuts listen on the whole window, because focus can sit on the
    // page body (after a removal, say), where the browser's own undo would
    // otherwise change a text field behind the plan's back.
    let on_key = move |event: leptos::ev::KeyboardEvent| {
        let control = event.ctrl_key() || event.meta_key();
        let Some(step) = tools::history_key(&event.key(), control, event.shift_key()) else {
            return;
        };
        event.prevent_default();
        crate::components::focus::commit_focused_field();
        match step {
            tools::HistoryKey::Undo => workspace.undo(id),
            tools::HistoryKey::Redo => workspace.redo(id),
        }
    };
    #[cfg(feature = "hydrate")]
    {
        let listener = window_event_listener(leptos::ev::keydown, on_key);
        on_cleanup(move || listener.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = on_key;

    view! {
        <article class="plan" data-plan-id=id.to_string()>
            <SyncStatusBadge plan=id/>
            <PresenceLine plan=id/>
            <access::AccessBanner/>
            <access::SchoolNeeded/>
            <Show
                when=move || plan.with(Option::is_some)
                fallback=move || view! { <p class="notice" data-testid="plan-loading">{waiting_message}</p> }
            >
                {view! { <review::notice::ReturnedNotice/> }.into_any()}
                {view! { <tools::PlanTools/> }.into_any()}
                {view! { <review::panel::ReviewPanel/> }.into_any()}
                <fieldset class="plan-body" disabled=move || read_only.get() data-testid="plan-body">
                    <legend class="visually-hidden">"Plan contents"</legend>
                    {view! { <header::PlanHeader/> }.into_any()}
                    {view! { <root_causes::RootCauses/> }.into_any()}
                    {view! { <goals::Goals/> }.into_any()}
                    {view! { <actions::Actions/> }.into_any()}
                    {view! { <monitoring::Resources/> }.into_any()}
                    {view! { <monitoring::Milestones/> }.into_any()}
                    {view! { <timeline::TimelineSection/> }.into_any()}
                    {view! { <progress::ProgressMonitoring/> }.into_any()}
                    {view! { <monitoring::CheckIns/> }.into_any()}
                </fieldset>
            </Show>
        </article>
    }
}

/// Reads the plan id from the route's `:id`; `None` when it is not one.
pub(crate) fn use_plan_id() -> Memo<Option<DocumentId>> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<DocumentId>().ok())
    })
}

/// Returns the message a page shows while its plan is not loaded.
///
/// A plan stored neither on this device nor on the server stays empty. The
/// server replies to an open plan's first sync within a second or two, so a
/// plan still empty after [`NOT_FOUND_AFTER_MS`] while online is reported
/// as missing.
pub(crate) fn use_loading_message() -> impl Fn() -> &'static str + Copy {
    let workspace = use_workspace();
    let waited_long = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        gloo_timers::callback::Timeout::new(NOT_FOUND_AFTER_MS, move || {
            let _ = waited_long.try_set(true);
        })
        .forget();
    });

    move || {
        if workspace.connection() == ConnectionState::Offline {
            "This plan is not stored on this device. It opens when the connection to the server returns."
        } else if waited_long.get() && workspace.connection() == ConnectionState::Online {
            "No plan with this address was found on the server or on this device. Check the address, or ask the plan's team for its link."
        } else {
            "Loading the plan…"
        }
    }
}

/// The plan context provided by the plan page.
///
/// # Panics
///
/// Panics outside a plan page, which always provides it.
pub fn use_plan() -> PlanContext {
    expect_context::<PlanContext>()
}

/// Today's date in the browser's time zone, for new measurements, the
/// timeline and overdue items.
pub fn today() -> chrono::NaiveDate {
    #[cfg(feature = "hydrate")]
    {
        let now = js_sys::Date::new_0();
        if let Some(date) = chrono::NaiveDate::from_ymd_opt(
            now.get_full_year() as i32,
            now.get_month() + 1,
            now.get_date(),
        ) {
            return date;
        }
    }
    chrono::NaiveDate::default()
}

/// Formats an optional date for a date input.
pub fn date_text(date: Option<chrono::NaiveDate>) -> String {
    date.map(|date| date.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Parses a date input's value; an empty input clears the date.
pub fn parse_date(text: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// Formats an optional number for a number input.
pub fn number_text(value: Option<f64>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}

/// Parses a number input's value; an empty input clears the number.
pub fn parse_number(text: &str) -> Option<f64> {
    text.trim().parse().ok()
}
