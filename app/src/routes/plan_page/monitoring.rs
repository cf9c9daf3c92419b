//! The sections shown read-only for now: resources with their budget
//! total, milestones, progress monitoring measurements and check-ins.

use cairn_plan::{EntityId, Plan};
use leptos::prelude::*;

use super::{date_text, use_plan};
use crate::labels;

/// The titles of the actions with these ids, joined for display.
fn action_titles(plan: &Plan, ids: &[EntityId]) -> String {
    plan.actions
        .iter()
        .filter(|action| ids.contains(&action.id))
        .map(|action| action.title.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

#[component]
pub fn Resources() -> impl IntoView {
    let context = use_plan();
    let rows = move || {
        context.plan.with(|plan| {
            let Some(plan) = plan else {
                return Vec::new();
            };
            plan.resources
                .iter()
                .map(|resource| {
                    (
                        labels::resource_kind(resource.kind),
                        resource.description.clone(),
                        resource.amount.map(|amount| format!("${amount}")).unwrap_or_default(),
                        resource.funding_source.clone(),
                        action_titles(plan, &resource.action_ids),
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    let total = move || context.plan.with(|plan| plan.as_ref().map(Plan::total_budget).unwrap_or_default());

    view! {
        <section class="plan-section" aria-labelledby="resources-heading" data-testid="resources">
            <h2 id="resources-heading">"Resources"</h2>
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"Description"</th>
                        <th scope="col">"Amount"</th>
                        <th scope="col">"Funding source"</th>
                        <th scope="col">"For"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || rows().into_iter().map(|(kind, description, amount, source, actions)| view! {
                        <tr>
                            <td>{kind}</td>
                            <td>{description}</td>
                            <td class="number">{amount}</td>
                            <td>{source}</td>
                            <td>{actions}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row" colspan="2">"Total budget"</th>
                        <td class="number" data-testid="total-budget">{move || format!("${}", total())}</td>
                        <td colspan="2"></td>
                    </tr>
                </tfoot>
            </table>
        </section>
    }
}

#[component]
pub fn Milestones() -> impl IntoView {
    let context = use_plan();
    let rows = move || {
        context.plan.with(|plan| {
            let Some(plan) = plan else {
                return Vec::new();
            };
            plan.milestones
                .iter()
                .map(|milestone| (milestone.title.clone(), date_text(milestone.date), milestone.done, action_titles(plan, &milestone.action_ids)))
                .collect::<Vec<_>>()
        })
    };

    view! {
        <section class="plan-section" aria-labelledby="milestones-heading" data-testid="milestones">
            <h2 id="milestones-heading">"Milestones"</h2>
            <Show when=move || !rows().is_empty() fallback=|| view! { <p>"No milestones yet."</p> }>
                <ul>
                    {move || rows().into_iter().map(|(title, date, done, actions)| view! {
                        <li>
                            <strong>{title}</strong>
                            " " {date}
                            {done.then_some(" (done)")}
                            {(!actions.is_empty()).then(|| format!(" for {actions}"))}
                        </li>
                    }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}

#[component]
pub fn Measurements() -> impl IntoView {
    let context = use_plan();
    let rows = move || {
        context.plan.with(|plan| {
            let Some(plan) = plan else {
                return Vec::new();
            };
            plan.measurements
                .iter()
                .map(|measurement| {
                    let goal = plan.goals.iter().find(|goal| goal.id == measurement.goal_id);
                    let measure = goal
                        .map(|goal| if goal.measure.is_empty() { goal.statement.clone() } else { goal.measure.clone() })
                        .unwrap_or_else(|| "(goal removed)".to_owned());
                    let unit = goal.map(|goal| goal.unit.clone()).unwrap_or_default();
                    (measure, date_text(Some(measurement.date)), format!("{}{unit}", measurement.value), measurement.note.clone())
                })
                .collect::<Vec<_>>()
        })
    };

    view! {
        <section class="plan-section" aria-labelledby="measurements-heading" data-testid="measurements">
            <h2 id="measurements-heading">"Progress monitoring"</h2>
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Measure"</th>
                        <th scope="col">"Date"</th>
                        <th scope="col">"Value"</th>
                        <th scope="col">"Note"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || rows().into_iter().map(|(measure, date, value, note)| view! {
                        <tr data-testid="measurement">
                            <td>{measure}</td>
                            <td>{date}</td>
                            <td class="number">{value}</td>
                            <td>{note}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
pub fn CheckIns() -> impl IntoView {
    let context = use_plan();
    let rows = move || {
        context.plan.with(|plan| {
            plan.iter()
                .flat_map(|plan| plan.check_ins.iter())
                .map(|check_in| {
                    (
                        labels::check_in_kind(check_in.kind),
                        date_text(check_in.date),
                        check_in.summary.clone(),
                        check_in.decisions.clone(),
                        check_in.next_steps.clone(),
                    )
                })
                .collect::<Vec<_>>()
        })
    };

    view! {
        <section class="plan-section" aria-labelledby="check-ins-heading" data-testid="check-ins">
            <h2 id="check-ins-heading">"Check-ins"</h2>
            <Show when=move || !rows().is_empty() fallback=|| view! { <p>"No check-ins yet."</p> }>
                <ul>
                    {move || rows().into_iter().map(|(kind, date, summary, decisions, next_steps)| view! {
                        <li>
                            <strong>{kind} " " {date}</strong>
                            <p>{summary}</p>
                            <p>"Decisions: " {decisions}</p>
                            <p>"Next steps: " {next_steps}</p>
                        </li>
                    }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}
