//! The schools table and the plans table: every figure of the district
//! view, one row per school and one row per plan.

use cairn_plan::dashboard::csv::{plans_csv, schools_csv};
use cairn_plan::dashboard::view::DISTRICT_LEVEL;
use cairn_plan::dashboard::{DashboardFilters, DashboardView, PlanRow, SchoolRow};
use leptos::prelude::*;

use crate::components::resource_totals::format_amount;
use crate::labels;
use crate::routes::dashboard::format::{csv_file_name, optional_date_text};
use crate::routes::dashboard::query::{plan_detail_href, school_href};
use crate::routes::dashboard::widgets::{CsvFile, Section};
use crate::routes::plan_page::history::local_time_text;

/// Returns the plan's title, or a stand-in for an untitled plan.
pub fn plan_title(title: &str) -> String {
    if title.trim().is_empty() {
        "Untitled plan".to_owned()
    } else {
        title.to_owned()
    }
}

#[component]
pub fn SchoolsTable(dashboard: Memo<DashboardView>) -> impl IntoView {
    let schools = Memo::new(move |_| dashboard.with(|dashboard| dashboard.schools.clone()));
    let filters = Memo::new(move |_| dashboard.with(|dashboard| dashboard.filters.clone()));
    let file = Callback::new(move |()| CsvFile {
        name: csv_file_name("schools", dashboard.with_untracked(|d| d.today)),
        text: schools.with_untracked(|schools| schools_csv(schools)),
    });

    let rows = move || {
        let filters = filters.get();
        schools
            .get()
            .into_iter()
            .map(|school| view! { <SchoolTableRow school filters=filters.clone()/> })
            .collect_view()
    };

    view! {
        <Section id="schools" title="Schools" table="schools table" file>
            <p class="section-note screen-only">"Choose a school to narrow the dashboard to it."</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Schools table">
                <table class="dashboard-table wide">
                    <thead>
                        <tr>
                            <th scope="col">"School"</th>
                            <th scope="col" class="number">"Plans"</th>
                            <th scope="col" class="number">"On track"</th>
                            <th scope="col" class="number">"At risk"</th>
                            <th scope="col" class="number">"Off track"</th>
                            <th scope="col" class="number">"Not enough data"</th>
                            <th scope="col" class="number">"Actions completed"</th>
                            <th scope="col" class="number">"Actions planned"</th>
                            <th scope="col" class="number">"Overdue actions"</th>
                            <th scope="col" class="number">"Overdue milestones"</th>
                            <th scope="col" class="number">"Without a check-in in 30 days"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </Section>
    }
}

#[component]
fn SchoolTableRow(school: SchoolRow, filters: DashboardFilters) -> impl IntoView {
    let totals = school.totals;
    // District-level plans belong to no school, so there is no school to
    // narrow to.
    let name = match school.school_id {
        Some(id) => {
            view! { <a href=school_href(&filters, id) data-testid="school-link">{school.name}</a> }
                .into_any()
        }
        None => view! { <span>{DISTRICT_LEVEL}</span> }.into_any(),
    };

    view! {
        <tr data-testid="school-row">
            <th scope="row">{name}</th>
            <td class="number">{totals.plans}</td>
            <td class="number">{totals.goals.on_track}</td>
            <td class="number">{totals.goals.at_risk}</td>
            <td class="number">{totals.goals.off_track}</td>
            <td class="number">{totals.goals.not_enough_data}</td>
            <td class="number">{totals.actions.completed}</td>
            <td class="number">{totals.actions.planned()}</td>
            <td class="number">{totals.overdue_actions}</td>
            <td class="number">{totals.overdue_milestones}</td>
            <td class="number">{totals.plans_without_recent_check_in}</td>
        </tr>
    }
}

#[component]
pub fn PlansTable(dashboard: Memo<DashboardView>) -> impl IntoView {
    let plans = Memo::new(move |_| dashboard.with(|dashboard| dashboard.plans.clone()));
    let file = Callback::new(move |()| CsvFile {
        name: csv_file_name("plans", dashboard.with_untracked(|d| d.today)),
        text: plans.with_untracked(|plans| plans_csv(plans)),
    });

    let rows = move || {
        plans
            .get()
            .into_iter()
            .map(|plan| view! { <PlanTableRow plan/> })
            .collect_view()
    };

    view! {
        <Section id="plans" title="Plans" table="plans table" file>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Plans table">
                <table class="dashboard-table wide">
                    <thead>
                        <tr>
                            <th scope="col">"Plan"</th>
                            <th scope="col">"School"</th>
                            <th scope="col">"Focus area"</th>
                            <th scope="col">"School year"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Goals on track"</th>
                            <th scope="col">"Actions completed"</th>
                            <th scope="col">"Overdue items"</th>
                            <th scope="col">"Budget"</th>
                            <th scope="col">"Last check-in"</th>
                            <th scope="col">"Last edit"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </Section>
    }
}

#[component]
fn PlanTableRow(plan: PlanRow) -> impl IntoView {
    let totals = plan.totals;
    let school = if plan.school.is_empty() {
        DISTRICT_LEVEL.to_owned()
    } else {
        plan.school.clone()
    };
    let check_in = optional_date_text(plan.last_check_in, "Never");

    view! {
        <tr data-testid="plan-row" data-plan-id=plan.id.clone()>
            <th scope="row"><a href=plan_detail_href(&plan.id) data-testid="plan-link">{plan_title(&plan.title)}</a></th>
            <td>{school}</td>
            <td>{plan.focus_area}</td>
            <td>{plan.school_year}</td>
            <td data-testid="plan-status">{labels::plan_status(plan.status)}</td>
            <td class="number">{format!("{} of {}", totals.goals.on_track, totals.goals.total())}</td>
            <td class="number" data-testid="plan-actions">{format!("{} of {}", totals.actions.completed, totals.actions.planned())}</td>
            <td class="number">{totals.overdue_actions + totals.overdue_milestones}</td>
            <td class="number">{format_amount(plan.budget_total, &plan.currency)}</td>
            <td>
                {check_in}
                {plan.needs_check_in.then(|| view! { " " <span class="flag overdue">"Check-in due"</span> })}
            </td>
            <td>{local_time_text(plan.last_edit)}</td>
        </tr>
    }
}
