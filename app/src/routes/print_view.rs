//! The print view of a plan at `/plans/:id/print`: the whole plan as a
//! clean, read-only document for a board meeting, which the browser's print
//! to PDF turns into a file. The print style sheet hides the site header
//! and the buttons.

use cairn_plan::progress::goal_progress;
use cairn_plan::smart::check_goal;
use cairn_plan::timeline::timeline;
use cairn_plan::totals::resource_totals;
use cairn_plan::{Action, ActionKind, EntityId, Plan, PlanStatus};
use cairn_sync::DocumentId;
use leptos::prelude::*;

use crate::components::goal_status::GoalStatusBadge;
use crate::components::progress_chart::ProgressChart;
use crate::components::resource_totals::{format_amount, ResourceTotalsView};
use crate::components::smart_marks::SmartMarks;
use crate::components::timeline_table::TimelineTable;
use crate::labels;
use crate::routes::plan_page::review::{use_review, ReviewTrigger};
use crate::routes::plan_page::{today, use_loading_message, use_plan_id};
use crate::workspace::use_workspace;

/// Renders the page at `/plans/:id/print`.
#[component]
pub fn PrintPage() -> impl IntoView {
    let plan_id = use_plan_id();

    move || match plan_id.get() {
        Some(id) => view! { <PrintLoader id/> }.into_any(),
        None => {
            view! { <p class="notice" role="alert">"This address names no plan."</p> }.into_any()
        }
    }
}

#[component]
fn PrintLoader(id: DocumentId) -> impl IntoView {
    let workspace = use_workspace();
    Effect::new(move |_| workspace.open_plan(id));
    on_cleanup(move || workspace.close_plan(id));
    let plan = Memo::new(move |_| workspace.plan(id));
    let review = use_review(id, ReviewTrigger::OnConnection);
    let review_status = Signal::derive(move || review.known.with(|known| known.status()));

    let waiting_message = use_loading_message();

    view! {
        <nav class="print-tools" aria-label="Print view tools">
            <a class="button" href=format!("/plans/{id}")>"Back to the plan"</a>
            <button type="button" class="primary" on:click=move |_| print_page() data-testid="print">"Print or save as PDF"</button>
        </nav>
        {move || match plan.get() {
            Some(plan) => view! { <PrintedPlan plan review_status/> }.into_any(),
            None => view! { <p class="notice" data-testid="plan-loading">{waiting_message}</p> }.into_any(),
        }}
    }
}

fn print_page() {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}

/// Joins the plan's place, school year, focus area and review status,
/// leaving out the ones that are empty or not known.
fn summary_line(plan: &Plan, place: &str, review_status: Option<PlanStatus>) -> String {
    let school_year = (!plan.school_year.trim().is_empty())
        .then(|| format!("School year {}", plan.school_year.trim()));
    let parts = [
        Some(place.trim().to_owned()),
        school_year,
        Some(plan.focus_area.trim().to_owned()),
        review_status.map(|status| format!("Status: {}", labels::plan_status(status))),
    ];
    parts
        .into_iter()
        .flatten()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

fn or_dash(text: &str) -> String {
    if text.trim().is_empty() {
        "—".to_owned()
    } else {
        text.trim().to_owned()
    }
}

fn date_or_dash(date: Option<chrono::NaiveDate>) -> String {
    date.map(|date| date.format("%b %-d, %Y").to_string())
        .unwrap_or_else(|| "—".to_owned())
}

fn number_or_dash(value: Option<f64>, unit: &str) -> String {
    value
        .map(|value| format!("{value}{unit}"))
        .unwrap_or_else(|| "—".to_owned())
}

/// Joins the goal numbers of `ids` for a table cell, such as "Goal 1, Goal 3".
fn titles_of(ids: &[EntityId], plan: &Plan) -> String {
    let titles: Vec<String> = ids
        .iter()
        .filter_map(|id| plan.goals.iter().position(|goal| &goal.id == id))
        .map(|index| format!("Goal {}", index + 1))
        .collect();
    if titles.is_empty() {
        "—".to_owned()
    } else {
        titles.join(", ")
    }
}

/// Lists each action a check-in discussed with the status it gave.
fn reviews_text(check_in: &cairn_plan::CheckIn, plan: &Plan) -> String {
    let reviews: Vec<String> = check_in
        .action_reviews
        .iter()
        .filter_map(|review| {
            let action = plan
                .actions
                .iter()
                .find(|action| action.id == review.action_id)?;
            Some(format!(
                "{}: {}",
                or_dash(&action.title),
                labels::action_status(review.status)
            ))
        })
        .collect();
    if reviews.is_empty() {
        "—".to_owned()
    } else {
        reviews.join("; ")
    }
}

/// The whole plan as a read-only document, also used for the plan as it
/// was at a history point.
#[component]
pub(crate) fn PrintedPlan(
    plan: Plan,
    /// Shows the "Printed" date under the title; off for a past version.
    #[prop(default = true)]
    show_print_date: bool,
    /// The plan's review status from the server's record. Left out when it
    /// is not known, as for a past version: the document's own `status`
    /// field is not the review status.
    #[prop(optional)]
    review_status: Option<Signal<Option<PlanStatus>>>,
) -> impl IntoView {
    let today = today();
    let place = if plan.school.is_empty() {
        plan.district.clone()
    } else {
        format!("{}, {}", plan.school, plan.district)
    };

    let root_causes = plan
        .root_causes
        .iter()
        .map(|cause| view! { <li><p>{or_dash(&cause.statement)}</p><p class="evidence">"Evidence: " {or_dash(&cause.evidence)}</p></li> })
        .collect_view();

    let goals = plan
        .goals
        .iter()
        .enumerate()
        .map(|(index, goal)| {
            let progress = goal_progress(&plan, goal);
            let check = check_goal(&plan, goal);
            view! {
                <section class="printed-goal" data-testid="printed-goal">
                    <h3>{format!("Goal {}", index + 1)}</h3>
                    <p>{or_dash(&goal.statement)}</p>
                    <dl class="facts">
                        <dt>"Measure"</dt><dd>{or_dash(&goal.measure)}</dd>
                        <dt>"Baseline"</dt><dd>{format!("{} ({})", number_or_dash(goal.baseline_value, &goal.unit), date_or_dash(goal.baseline_date))}</dd>
                        <dt>"Target"</dt><dd>{format!("{} by {}", number_or_dash(goal.target_value, &goal.unit), date_or_dash(goal.target_date))}</dd>
                        <dt>"Monitoring"</dt><dd>{or_dash(&goal.monitoring_frequency)}</dd>
                    </dl>
                    <SmartMarks check/>
                    <GoalStatusBadge status=progress.status reason=progress.reason.clone()/>
                    <ProgressChart measure=goal.measure.clone() unit=goal.unit.clone() progress/>
                </section>
            }
        })
        .collect_view();

    let action_rows = |kind: ActionKind| {
        plan.actions_of_kind(kind)
            .map(|action: &Action| {
                view! {
                    <tr>
                        <td>{or_dash(&action.title)}</td>
                        <td>{or_dash(&action.owner)}</td>
                        <td>{date_or_dash(action.start_date)}</td>
                        <td>{date_or_dash(action.due_date)}</td>
                        <td>{labels::action_status(action.status)}</td>
                        <td>{titles_of(&action.goal_ids, &plan)}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let action_table = |caption: &'static str, kind: ActionKind| {
        view! {
            <table>
                <caption>{caption}</caption>
                <thead><tr><th scope="col">"Action"</th><th scope="col">"Owner"</th><th scope="col">"Start"</th><th scope="col">"Due"</th><th scope="col">"Status"</th><th scope="col">"Goals"</th></tr></thead>
                <tbody>{action_rows(kind)}</tbody>
            </table>
        }
    };

    let resources = plan
        .resources
        .iter()
        .map(|resource| {
            view! {
                <tr>
                    <td>{or_dash(&resource.description)}</td>
                    <td>{labels::resource_kind(resource.kind)}</td>
                    <td class="number">{resource.amount.map(|amount| format_amount(amount, &plan.currency)).unwrap_or_else(|| "—".to_owned())}</td>
                    <td>{or_dash(&resource.funding_source)}</td>
                </tr>
            }
        })
        .collect_view();

    let milestones = plan
        .milestones
        .iter()
        .map(|milestone| {
            let date = milestone.date.map(|date| date.format("%b %-d, %Y").to_string()).unwrap_or_else(|| "No date".to_owned());
            view! { <li>{date} ": " {or_dash(&milestone.title)} {milestone.done.then_some(" (reached)")}</li> }
        })
        .collect_view();

    let check_ins = plan
        .check_ins
        .iter()
        .map(|check_in| {
            view! {
                <section class="printed-check-in">
                    <h3>{format!("{} on {}", labels::check_in_kind(check_in.kind), date_or_dash(check_in.date))}</h3>
                    <dl class="facts">
                        <dt>"Attendees"</dt><dd>{or_dash(&check_in.attendees)}</dd>
                        <dt>"Summary"</dt><dd>{or_dash(&check_in.summary)}</dd>
                        <dt>"Decisions"</dt><dd>{or_dash(&check_in.decisions)}</dd>
                        <dt>"Next steps"</dt><dd>{or_dash(&check_in.next_steps)}</dd>
                        <dt>"Actions discussed"</dt><dd>{reviews_text(check_in, &plan)}</dd>
                    </dl>
                </section>
            }
        })
        .collect_view();

    let totals = resource_totals(&plan);
    let timeline = timeline(&plan, today);

    view! {
        <article class="print-view" data-testid="print-view">
            <header>
                <h1>{or_dash(&plan.title)}</h1>
                <p>{
                    let plan = plan.clone();
                    move || summary_line(&plan, &place, review_status.and_then(|status| status.get()))
                }</p>
                <p>"Team: " {or_dash(&plan.team)}</p>
                {show_print_date.then(|| view! { <p class="printed-on">{format!("Printed {}", today.format("%B %-d, %Y"))}</p> })}
            </header>
            <section><h2>"Root causes"</h2><ol>{root_causes}</ol></section>
            <section><h2>"SMART goals and progress"</h2>{goals}</section>
            <section>
                <h2>"Actions"</h2>
                {action_table("Primary actions", ActionKind::Primary)}
                {action_table("Support structures", ActionKind::Support)}
            </section>
            <section>
                <h2>"Resources"</h2>
                <table>
                    <caption>"Resources"</caption>
                    <thead><tr><th scope="col">"Resource"</th><th scope="col">"Kind"</th><th scope="col">"Amount"</th><th scope="col">"Funding source"</th></tr></thead>
                    <tbody>{resources}</tbody>
                </table>
                <ResourceTotalsView totals/>
            </section>
            <section><h2>"Timeline"</h2><TimelineTable timeline/></section>
            <section><h2>"Milestones"</h2><ul>{milestones}</ul></section>
            <section><h2>"Check-ins"</h2>{check_ins}</section>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        Plan {
            school_year: "2026-27".to_owned(),
            focus_area: "Behavior (Tier 1)".to_owned(),
            status: PlanStatus::Draft,
            ..Plan::default()
        }
    }

    #[test]
    fn summary_shows_review_status() {
        let line = summary_line(&plan(), "Lincoln Elementary", Some(PlanStatus::Approved));

        assert_eq!(
            line,
            "Lincoln Elementary · School year 2026-27 · Behavior (Tier 1) · Status: Approved"
        );
    }

    #[test]
    fn summary_leaves_out_unknown_status() {
        let line = summary_line(&plan(), "Lincoln Elementary", None);

        assert_eq!(
            line,
            "Lincoln Elementary · School year 2026-27 · Behavior (Tier 1)"
        );
    }
}
