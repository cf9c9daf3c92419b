//! Overdue items: actions not completed and milestones not reached whose
//! due date has passed, most overdue first, each linking to its plan.
//! Closed plans have nothing overdue.

use cairn_plan::dashboard::csv::overdue_csv;
use cairn_plan::dashboard::{DashboardView, OverdueItem, SchoolRow};
use leptos::prelude::*;

use crate::routes::dashboard::charts::{Bar, BarChart};
use crate::routes::dashboard::format::{count_text, csv_file_name, date_text, days_text, fraction};
use crate::routes::dashboard::query::plan_href;
use crate::routes::dashboard::widgets::{CsvFile, Section};

/// Builds one bar per school with overdue items, scaled to the school with
/// the maximum count.
fn overdue_bars(schools: &[SchoolRow]) -> Vec<Bar> {
    let count =
        |school: &SchoolRow| school.totals.overdue_actions + school.totals.overdue_milestones;
    let max = schools.iter().map(count).max().unwrap_or(0);
    schools
        .iter()
        .filter(|school| count(school) > 0)
        .map(|school| Bar {
            label: school.name.clone(),
            fraction: fraction(count(school), max),
            value: format!(
                "{}, {}",
                count_text(school.totals.overdue_actions, "action"),
                count_text(school.totals.overdue_milestones, "milestone")
            ),
        })
        .collect()
}

#[component]
pub fn OverdueItems(dashboard: Memo<DashboardView>) -> impl IntoView {
    let items = Memo::new(move |_| dashboard.with(|dashboard| dashboard.overdue.clone()));
    let schools = Memo::new(move |_| dashboard.with(|dashboard| dashboard.schools.clone()));
    let file = Callback::new(move |()| CsvFile {
        name: csv_file_name("overdue", dashboard.with_untracked(|d| d.today)),
        text: items.with_untracked(|items| overdue_csv(items)),
    });

    view! {
        <Section id="overdue" title="Overdue items" table="overdue items" file>
            {move || {
                if items.with(Vec::is_empty) {
                    view! { <p data-testid="overdue-none">"Nothing is overdue in these plans."</p> }.into_any()
                } else {
                    view! {
                        <BarChart bars=overdue_bars(&schools.get()) fill="overdue"/>
                        <OverdueTable items=items.get() show_plan=true/>
                    }
                    .into_any()
                }
            }}
        </Section>
    }
}

/// Renders the overdue items, most overdue first. `show_plan` adds the plan
/// and school columns, which a plan's own page leaves out.
#[component]
pub fn OverdueTable(items: Vec<OverdueItem>, show_plan: bool) -> impl IntoView {
    let rows = items
        .into_iter()
        .map(|item| {
            let plan = show_plan.then(|| {
                let title = if item.plan_title.trim().is_empty() {
                    "Untitled plan".to_owned()
                } else {
                    item.plan_title.clone()
                };
                view! {
                    <td><a href=plan_href(&item.plan_id)>{title}</a></td>
                    <td>{item.school.clone()}</td>
                }
            });
            view! {
                <tr data-testid="overdue-row">
                    <td class="number">{days_text(item.days_overdue)}</td>
                    <td>{date_text(item.due)}</td>
                    <td>{item.kind.label()}</td>
                    <td>{item.title}</td>
                    {plan}
                </tr>
            }
        })
        .collect_view();

    view! {
        <table class="dashboard-table">
            <thead>
                <tr>
                    <th scope="col" class="number">"Overdue by"</th>
                    <th scope="col">"Due"</th>
                    <th scope="col">"Kind"</th>
                    <th scope="col">"Item"</th>
                    {show_plan.then(|| view! { <th scope="col">"Plan"</th><th scope="col">"School"</th> })}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
