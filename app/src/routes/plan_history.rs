//! A plan as it was at one point of its history, at
//! `/plans/:id/history/:point`: read-only, rendered like the print view,
//! with a banner that gives the time and the person whose changes led to
//! it.
//!
//! The plan comes from `GET /api/plans/{id}/history/{point}` (the plan's
//! JSON export) and the banner's time and name from the history entry with
//! that point in `GET /api/plans/{id}/history`.

use cairn_plan::Plan;
use cairn_sync::DocumentId;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::routes::plan_page::history::{
    as_of_banner, local_time_text, person_name, HistoryEntry, NEEDS_CONNECTION,
};
use crate::routes::plan_page::requests::{self, RequestError};
use crate::routes::plan_page::use_plan_id;
use crate::routes::print_view::PrintedPlan;

/// The page's state.
#[derive(Clone, Debug, PartialEq)]
enum PointState {
    Loading,
    NeedsConnection,
    Failed(String),
    Loaded {
        plan: Box<Plan>,
        /// The history entry of the point, when the history lists it.
        entry: Option<HistoryEntry>,
    },
}

/// Renders the page at `/plans/:id/history/:point`.
#[component]
pub fn PlanHistoryPage() -> impl IntoView {
    let plan_id = use_plan_id();
    let params = use_params_map();
    let point = Memo::new(move |_| params.read().get("point"));

    move || {
        match (plan_id.get(), point.get()) {
        (Some(id), Some(point)) => view! { <PlanAtPoint id point/> }.into_any(),
        _ => view! {
            <p class="notice" role="alert">
                "This address names no point in a plan's history. History addresses look like /plans/PLAN_ID/history/POINT; open them from the plan's History button."
            </p>
        }
        .into_any(),
    }
    }
}

/// Returns the banner for the plan at `point`, naming the entry's time and
/// person when the history lists it.
fn banner_text(point: &str, entry: Option<&HistoryEntry>) -> String {
    match entry {
        Some(entry) => as_of_banner(&local_time_text(entry.last_at), person_name(&entry.person)),
        None => format!("This is the plan as it was at history point {point}. It is read-only."),
    }
}

#[component]
fn PlanAtPoint(id: DocumentId, point: String) -> impl IntoView {
    let state = RwSignal::new(PointState::Loading);

    let requested = point.clone();
    Effect::new(move |_| {
        let point = requested.clone();
        leptos::task::spawn_local(async move {
            let plan = requests::plan_at(id, &point).await;
            let next = match plan {
                Ok(plan) => {
                    // The banner's details are optional: without the list
                    // the page still shows the plan.
                    let entry = requests::history(id)
                        .await
                        .ok()
                        .and_then(|entries| entries.into_iter().find(|entry| entry.point == point));
                    PointState::Loaded {
                        plan: Box::new(plan),
                        entry,
                    }
                }
                Err(RequestError::NeedsConnection) => PointState::NeedsConnection,
                Err(error) => PointState::Failed(error.to_string()),
            };
            let _ = state.try_set(next);
        });
    });

    view! {
        <nav class="print-tools" aria-label="History view tools">
            <a class="button" href=format!("/plans/{id}") data-testid="back-to-plan">"Back to the plan"</a>
        </nav>
        {move || match state.get() {
            PointState::Loading => view! { <p class="notice" data-testid="plan-loading">"Loading the plan as it was…"</p> }.into_any(),
            PointState::NeedsConnection => view! { <p class="notice" role="status">{NEEDS_CONNECTION}</p> }.into_any(),
            PointState::Failed(message) => view! {
                <p class="notice" role="alert">{format!("The plan as it was at this point could not be loaded: {message}.")}</p>
            }
            .into_any(),
            PointState::Loaded { plan, entry } => view! {
                <p class="notice history-banner" role="status" data-testid="history-banner">{banner_text(&point, entry.as_ref())}</p>
                <PrintedPlan plan=*plan show_print_date=false/>
            }
            .into_any(),
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banner_without_entry_names_point() {
        assert_eq!(
            banner_text("17", None),
            "This is the plan as it was at history point 17. It is read-only."
        );
    }

    #[test]
    fn banner_with_entry_names_person() {
        let entry: HistoryEntry = serde_json::from_str(
            r#"{"point": 17, "person": {"id": "u1", "name": "Dana Coach"},
                "first_at": "2026-12-05T15:30:00Z", "last_at": "2026-12-05T15:42:00Z", "changes": 3}"#,
        )
        .unwrap();

        assert_eq!(
            banner_text("17", Some(&entry)),
            "This is the plan as it was on Dec 5, 2026, 3:42 PM, after changes by Dana Coach. It is read-only."
        );
    }
}
