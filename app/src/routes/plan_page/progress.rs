//! Progress monitoring, goal by goal: the goal's status from the trend of
//! its measurements against the aim line, its chart, and its measurements.

use cairn_plan::progress::goal_progress;
use cairn_plan::{EntityId, Measurement};
use leptos::prelude::*;

use super::monitoring::MeasurementRow;
use super::{today, use_plan};
use crate::components::focus::focus_new_entry;
use crate::components::goal_status::GoalStatusBadge;
use crate::components::progress_chart::ProgressChart;
use crate::workspace::use_workspace;

#[component]
pub fn ProgressMonitoring() -> impl IntoView {
    let context = use_plan();
    let goal_ids = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.iter()
                .flat_map(|plan| plan.goals.iter().map(|goal| goal.id.clone()))
                .collect::<Vec<_>>()
        })
    });

    view! {
        <section class="plan-section" aria-labelledby="measurements-heading" data-testid="measurements">
            <h2 id="measurements-heading">"Progress monitoring"</h2>
            <Show when=move || !goal_ids.with(Vec::is_empty) fallback=|| view! { <p>"Add a SMART goal to record measurements against it."</p> }>
                <For each=move || goal_ids.get() key=|id| id.clone() let:id>
                    <GoalProgressPanel goal_id=id/>
                </For>
            </Show>
        </section>
    }
}

/// Shows one goal's status, chart and measurements.
#[component]
fn GoalProgressPanel(goal_id: EntityId) -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();
    let key = goal_id.clone();
    let goal = Memo::new(move |_| {
        context
            .plan
            .with(|plan| plan.as_ref().and_then(|plan| plan.goal(&key).cloned()))
    });
    let key = goal_id.clone();
    let measurement_ids = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.iter()
                .flat_map(|plan| {
                    plan.measurements_of_goal(&key)
                        .map(|measurement| measurement.id.clone())
                })
                .collect::<Vec<_>>()
        })
    });
    let progress = Memo::new(move |_| {
        context.plan.with(|plan| {
            let plan = plan.as_ref()?;
            goal.with(|goal| goal.as_ref().map(|goal| goal_progress(plan, goal)))
        })
    });

    let heading_id = format!("progress-{goal_id}");
    let labelled_by = heading_id.clone();
    let add_goal = goal_id.clone();
    let add = move |_| {
        let last = measurement_ids.get_untracked().last().cloned();
        let measurement = Measurement::new(add_goal.clone(), today(), 0.0);
        workspace.edit(context.id, |doc| {
            doc.insert_measurement(&measurement, last.as_ref())
                .map(|_| ())
        });
    };
    let title = move || {
        goal.with(|goal| {
            goal.as_ref()
                .map(|goal| {
                    if goal.measure.trim().is_empty() {
                        goal.statement.clone()
                    } else {
                        goal.measure.clone()
                    }
                })
                .filter(|text| !text.trim().is_empty())
                .unwrap_or_else(|| "Untitled goal".to_owned())
        })
    };

    view! {
        <section class="goal-progress" aria-labelledby=labelled_by data-testid="goal-progress">
            <h3 id=heading_id>{title}</h3>
            {move || progress.get().map(|progress| {
                let (measure, unit) = goal.with(|goal| goal.as_ref().map(|goal| (goal.measure.clone(), goal.unit.clone())).unwrap_or_default());
                view! {
                    <GoalStatusBadge status=progress.status reason=progress.reason.clone()/>
                    <ProgressChart measure unit progress/>
                }
            })}
            <ol class="entities">
                <For each=move || measurement_ids.get() key=|id| id.clone() let:id>
                    <MeasurementRow id siblings=measurement_ids/>
                </For>
            </ol>
            <button type="button" on:click=move |event| { focus_new_entry(&event); add(event) } data-testid="add-measurement">"Add measurement"</button>
        </section>
    }
}
