//! One plan's figures at `/dashboard/plans/:id`: its row of the district
//! view, its SMART goals with their status and latest value against the
//! target, its overdue and upcoming items, and its budget, with a link to
//! the plan itself.

use cairn_plan::dashboard::csv::{budget_csv, goals_csv, overdue_csv};
use cairn_plan::dashboard::view::DISTRICT_LEVEL;
use cairn_plan::dashboard::{BudgetLine, DashboardFilters, PlanDetail, PlanRow};
use cairn_plan::dashboard::{DueItem, GoalMetrics};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use rust_decimal::Decimal;

use super::charts::{BarChart, StackedBar};
use super::district::goals::goal_segments;
use super::district::tables::plan_title;
use super::district::{budget_bars, source_name, OverdueTable};
use super::format::{
    actions_text, count_text, csv_file_name, date_text, days_text, optional_date_text, title_slug,
    value_text, NONE_TEXT,
};
use super::load::{use_view_data, Phase, ViewData};
use super::query::{
    goal_detail_href, plan_detail_api_url, plan_detail_href, plan_href, school_href, DASHBOARD_PATH,
};
use super::widgets::{Breadcrumbs, Crumb, CsvFile, Freshness, PhaseNotice, Section};
use crate::components::resource_totals::format_amount;
use crate::labels;
use crate::routes::plan_page::history::local_time_text;

/// The name of the plan's figures in its loading and error notices.
const SUBJECT: &str = "this plan's figures";

/// Fetches one plan's drill-down and keeps it current: only the change
/// events that name the plan concern it.
pub(super) fn use_plan_detail(plan_id: String) -> ViewData<PlanDetail> {
    let url = plan_detail_api_url(&plan_id);
    use_view_data(Signal::derive(move || url.clone()), move |changed| {
        changed.includes(&plan_id)
    })
}

/// Returns the breadcrumbs down to a plan: the district, the plan's school
/// and the plan. District-level plans have no school page to link to.
pub(super) fn plan_crumbs(plan: Option<&PlanRow>) -> Vec<Crumb> {
    let mut crumbs = vec![Crumb::link("District", DASHBOARD_PATH)];
    match plan {
        Some(plan) => {
            match plan.school_id {
                Some(id) => crumbs.push(Crumb::link(
                    plan.school.clone(),
                    school_href(&DashboardFilters::default(), id),
                )),
                None => crumbs.push(Crumb::text(DISTRICT_LEVEL)),
            }
            crumbs.push(Crumb::link(
                plan_title(&plan.title),
                plan_detail_href(&plan.id),
            ));
        }
        None => crumbs.push(Crumb::text("Plan")),
    }
    crumbs
}

/// Renders the page at `/dashboard/plans/:id`.
#[component]
pub fn PlanDetailPage() -> impl IntoView {
    let params = use_params_map();
    let plan_id = Memo::new(move |_| params.with(|params| params.get("id")));

    move || {
        match plan_id.get() {
        Some(id) => view! { <PlanFigures id/> }.into_any(),
        None => view! { <p class="notice" role="alert">"This address names no plan. Open a plan from the dashboard's plans table."</p> }.into_any(),
    }
    }
}

#[component]
fn PlanFigures(id: String) -> impl IntoView {
    let data = use_plan_detail(id);
    let crumbs = Signal::derive(move || {
        data.data
            .with(|detail| plan_crumbs(detail.as_ref().map(|detail| &detail.plan)))
    });

    view! {
        <section class="dashboard plan-figures">
            <Breadcrumbs crumbs/>
            <Freshness subject=SUBJECT fetched_at=data.fetched_at offline=data.offline/>
            {move || match data.phase.get() {
                Phase::Ready => match data.data.get_untracked() {
                    Some(first) => view! { <PlanSections detail=data.ready(first)/> }.into_any(),
                    None => view! { <PhaseNotice phase=Phase::Loading subject=SUBJECT/> }.into_any(),
                },
                phase => view! { <PhaseNotice phase subject=SUBJECT/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn PlanSections(detail: Memo<PlanDetail>) -> impl IntoView {
    let plan = Memo::new(move |_| detail.with(|detail| detail.plan.clone()));

    view! {
        <div class="page-heading">
            <h1 id="plan-figures-title" data-testid="plan-figures-title">{move || plan_title(&plan.get().title)}</h1>
            <a class="button" href=move || plan_href(&plan.get().id) data-testid="open-plan">"Open the plan"</a>
        </div>
        <PlanFacts plan/>
        <PlanGoals detail/>
        <PlanOverdue detail/>
        <PlanUpcoming detail/>
        <PlanBudget detail/>
    }
}

/// Renders the plan's row of the district view as a list of facts.
#[component]
fn PlanFacts(plan: Memo<PlanRow>) -> impl IntoView {
    move || {
        let plan = plan.get();
        let totals = plan.totals;
        let school = if plan.school.is_empty() {
            DISTRICT_LEVEL.to_owned()
        } else {
            plan.school.clone()
        };
        view! {
            <dl class="facts plan-facts" data-testid="plan-facts">
                <dt>"School"</dt><dd>{school}</dd>
                <dt>"Focus area"</dt><dd>{or_none(&plan.focus_area)}</dd>
                <dt>"School year"</dt><dd>{or_none(&plan.school_year)}</dd>
                <dt>"Review status"</dt><dd data-testid="plan-review-status">{labels::plan_status(plan.status)}</dd>
                <dt>"SMART goals on track"</dt><dd>{format!("{} of {}", totals.goals.on_track, totals.goals.total())}</dd>
                <dt>"Actions"</dt><dd data-testid="plan-actions-summary">{actions_text(totals.actions.completed, totals.actions.planned())}</dd>
                <dt>"Overdue"</dt>
                <dd>{format!("{}, {}", count_text(totals.overdue_actions, "action"), count_text(totals.overdue_milestones, "milestone"))}</dd>
                <dt>"Last check-in"</dt>
                <dd>
                    {optional_date_text(plan.last_check_in, "Never")}
                    {plan.needs_check_in.then(|| view! { " " <span class="flag overdue">"Check-in due: none in the last 30 days"</span> })}
                </dd>
                <dt>"Budget"</dt><dd>{format_amount(plan.budget_total, &plan.currency)}</dd>
                <dt>"Last edit"</dt><dd>{local_time_text(plan.last_edit)}</dd>
            </dl>
        }
    }
}

/// Returns `text`, or [`NONE_TEXT`] when it is blank.
fn or_none(text: &str) -> String {
    if text.trim().is_empty() {
        NONE_TEXT.to_owned()
    } else {
        text.to_owned()
    }
}

/// Describes a goal's latest measurement: "49% on Dec 1, 2026", or that
/// there is none yet.
pub(super) fn latest_text(goal: &GoalMetrics) -> String {
    match goal.latest {
        Some(latest) => format!(
            "{} on {}",
            value_text(Some(latest.value), &goal.unit),
            date_text(latest.date)
        ),
        None => "No measurement yet".to_owned(),
    }
}

/// Describes a goal's target: "60% by May 31, 2027".
pub(super) fn target_text(goal: &GoalMetrics) -> String {
    let value = value_text(goal.target_value, &goal.unit);
    match goal.target_date {
        Some(date) => format!("{value} by {}", date_text(date)),
        None => value,
    }
}

#[component]
fn PlanGoals(detail: Memo<PlanDetail>) -> impl IntoView {
    let file = Callback::new(move |()| {
        detail.with_untracked(|detail| CsvFile {
            name: csv_file_name(
                &format!("{}-goals", title_slug(&detail.plan.title)),
                detail.today,
            ),
            text: goals_csv(detail),
        })
    });
    let rows = move || {
        detail.with(|detail| {
            detail
                .goals
                .iter()
                .enumerate()
                .map(|(index, goal)| {
                    let href = goal_detail_href(&detail.plan.id, &goal.id.to_string());
                    view! {
                        <tr data-testid="plan-goal-row">
                            <th scope="row"><a href=href data-testid="goal-link">{format!("Goal {}", index + 1)}</a></th>
                            <td>{goal.statement.clone()}</td>
                            <td>
                                <span class=format!("status-badge {}", goal.status.as_str()) data-testid="goal-status" data-status=goal.status.as_str()>
                                    {goal.status.label()}
                                </span>
                            </td>
                            <td data-testid="goal-latest">{latest_text(goal)}</td>
                            <td>{target_text(goal)}</td>
                            <td class="number">{goal.actions.completed} " of " {goal.actions.planned()}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };

    view! {
        <Section id="plan-goals" title="SMART goals" table="goals" file>
            {move || view! { <StackedBar segments=goal_segments(&detail.with(|detail| detail.plan.totals.goals)) noun="goals"/> }}
            {move || {
                if detail.with(|detail| detail.goals.is_empty()) {
                    view! { <p>"This plan has no SMART goals yet."</p> }.into_any()
                } else {
                    view! {
                        <div class="table-scroll" tabindex="0" role="region" aria-label="SMART goals table">
                            <table class="dashboard-table wide">
                                <thead>
                                    <tr>
                                        <th scope="col">"Goal"</th>
                                        <th scope="col">"Statement"</th>
                                        <th scope="col">"Status"</th>
                                        <th scope="col">"Latest value"</th>
                                        <th scope="col">"Target"</th>
                                        <th scope="col" class="number">"Linked actions completed"</th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }
                    .into_any()
                }
            }}
        </Section>
    }
}

#[component]
fn PlanOverdue(detail: Memo<PlanDetail>) -> impl IntoView {
    let items = Memo::new(move |_| detail.with(|detail| detail.overdue.clone()));
    let file = Callback::new(move |()| {
        detail.with_untracked(|detail| CsvFile {
            name: csv_file_name(
                &format!("{}-overdue", title_slug(&detail.plan.title)),
                detail.today,
            ),
            text: overdue_csv(&detail.overdue),
        })
    });

    view! {
        <Section id="plan-overdue" title="Overdue items" table="overdue items" file>
            {move || {
                if items.with(Vec::is_empty) {
                    view! { <p data-testid="overdue-none">"Nothing in this plan is overdue."</p> }.into_any()
                } else {
                    view! { <OverdueTable items=items.get() show_plan=false/> }.into_any()
                }
            }}
        </Section>
    }
}

/// Describes when an open item is due: "today", "in 1 day", "in 12 days".
fn due_in_text(due: NaiveDate, today: NaiveDate) -> String {
    match (due - today).num_days() {
        0 => "Today".to_owned(),
        days => format!("In {}", days_text(days)),
    }
}

#[component]
fn PlanUpcoming(detail: Memo<PlanDetail>) -> impl IntoView {
    let upcoming =
        Memo::new(move |_| detail.with(|detail| (detail.upcoming.clone(), detail.today)));
    let rows = move || {
        let (items, today) = upcoming.get();
        items
            .into_iter()
            .map(|item: DueItem| {
                view! {
                    <tr data-testid="upcoming-row">
                        <td>{due_in_text(item.due, today)}</td>
                        <td>{date_text(item.due)}</td>
                        <td>{item.kind.label()}</td>
                        <td>{item.title}</td>
                    </tr>
                }
            })
            .collect_view()
    };

    view! {
        <Section id="plan-upcoming" title="Upcoming items" table="upcoming items">
            {move || {
                if upcoming.with(|(items, _)| items.is_empty()) {
                    view! { <p>"No open action or milestone has a due date ahead."</p> }.into_any()
                } else {
                    view! {
                        <table class="dashboard-table">
                            <thead><tr><th scope="col">"Due"</th><th scope="col">"Date"</th><th scope="col">"Kind"</th><th scope="col">"Item"</th></tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    }
                    .into_any()
                }
            }}
        </Section>
    }
}

/// Converts the plan's budget into lines of the district budget table.
fn plan_budget_lines(detail: &PlanDetail) -> Vec<BudgetLine> {
    detail
        .budget
        .iter()
        .map(|line| BudgetLine {
            currency: detail.plan.currency.clone(),
            funding_source: line.funding_source.clone(),
            amount: line.amount,
            plans: 1,
        })
        .collect()
}

#[component]
fn PlanBudget(detail: Memo<PlanDetail>) -> impl IntoView {
    let lines = Memo::new(move |_| detail.with(plan_budget_lines));
    let currency = Memo::new(move |_| detail.with(|detail| detail.plan.currency.clone()));
    let file = Callback::new(move |()| {
        detail.with_untracked(|detail| CsvFile {
            name: csv_file_name(
                &format!("{}-budget", title_slug(&detail.plan.title)),
                detail.today,
            ),
            text: budget_csv(&plan_budget_lines(detail)),
        })
    });

    let chart = move || {
        let amounts: Vec<(String, Decimal)> = lines.with(|lines| {
            lines
                .iter()
                .map(|line| (line.funding_source.clone(), line.amount))
                .collect()
        });
        view! { <BarChart bars=budget_bars(&amounts, &currency.get()) fill="budget"/> }
    };
    let rows = move || {
        lines
            .get()
            .into_iter()
            .map(|line| {
                view! {
                    <tr data-testid="budget-row">
                        <th scope="row">{source_name(&line.funding_source)}</th>
                        <td class="number">{format_amount(line.amount, &line.currency)}</td>
                    </tr>
                }
            })
            .collect_view()
    };

    view! {
        <Section id="plan-budget" title="Budget by funding source" table="budget" file>
            {move || {
                if lines.with(Vec::is_empty) {
                    view! { <p>"This plan has no budget amounts yet."</p> }.into_any()
                } else {
                    view! {
                        {chart}
                        <table class="dashboard-table">
                            <thead><tr><th scope="col">"Funding source"</th><th scope="col" class="number">"Amount"</th></tr></thead>
                            <tbody>{rows}</tbody>
                            <tfoot>
                                <tr>
                                    <th scope="row">"Total"</th>
                                    <td class="number" data-testid="budget-total">
                                        {move || detail.with(|detail| format_amount(detail.plan.budget_total, &detail.plan.currency))}
                                    </td>
                                </tr>
                            </tfoot>
                        </table>
                    }
                    .into_any()
                }
            }}
        </Section>
    }
}

#[cfg(test)]
mod tests {
    use cairn_plan::dashboard::{ActionCounts, DatedValue};
    use cairn_plan::progress::GoalStatus;
    use cairn_plan::EntityId;

    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn goal() -> GoalMetrics {
        GoalMetrics {
            id: EntityId::random(),
            statement: "Raise K-3 reading".to_owned(),
            measure: "Students at benchmark".to_owned(),
            unit: "%".to_owned(),
            status: GoalStatus::OnTrack,
            reason: String::new(),
            baseline_value: Some(48.0),
            target_value: Some(60.0),
            target_date: Some(date("2027-05-21")),
            latest: Some(DatedValue {
                date: date("2026-12-01"),
                value: 52.0,
            }),
            measurement_count: 2,
            actions: ActionCounts::default(),
        }
    }

    #[test]
    fn goal_latest_and_target_read_as_text() {
        let mut goal = goal();

        assert_eq!(latest_text(&goal), "52% on Dec 1, 2026");
        assert_eq!(target_text(&goal), "60% by May 21, 2027");

        goal.latest = None;
        goal.target_date = None;
        assert_eq!(latest_text(&goal), "No measurement yet");
        assert_eq!(target_text(&goal), "60%");
    }

    #[test]
    fn due_in_counts_days_ahead() {
        let today = date("2026-12-05");

        assert_eq!(due_in_text(today, today), "Today");
        assert_eq!(due_in_text(date("2026-12-06"), today), "In 1 day");
        assert_eq!(due_in_text(date("2026-12-17"), today), "In 12 days");
    }

    #[test]
    fn crumbs_lead_to_school_then_plan() {
        let plan: PlanRow = serde_json::from_value(serde_json::json!({
            "id": "p1", "title": "", "school_id": "67e55044-10b1-426f-9247-bb680e5fe0c8",
            "school": "Oak Elementary", "focus_area": "", "school_year": "", "status": "active",
            "totals": {}, "currency": "USD", "budget_total": "0", "last_check_in": null,
            "needs_check_in": false, "last_edit": "2026-12-05T10:00:00Z"
        }))
        .unwrap();

        let crumbs = plan_crumbs(Some(&plan));

        assert_eq!(
            crumbs,
            [
                Crumb::link("District", "/dashboard"),
                Crumb::link(
                    "Oak Elementary",
                    "/dashboard?school_id=67e55044-10b1-426f-9247-bb680e5fe0c8"
                ),
                Crumb::link("Untitled plan", "/dashboard/plans/p1"),
            ]
        );
        assert_eq!(
            plan_crumbs(None),
            [Crumb::link("District", "/dashboard"), Crumb::text("Plan")]
        );
    }
}
