//! Plans without a recent check-in: approved or active plans, the ones
//! being carried out, whose last check-in or pulse check is more than
//! [`CHECK_IN_WINDOW_DAYS`] days old, or that never had one.

use cairn_plan::dashboard::csv::plans_csv;
use cairn_plan::dashboard::{DashboardView, PlanRow, CHECK_IN_WINDOW_DAYS};
use chrono::NaiveDate;
use leptos::prelude::*;

use crate::labels;
use crate::routes::dashboard::charts::{Bar, BarChart};
use crate::routes::dashboard::format::{csv_file_name, date_text, days_text, fraction};
use crate::routes::dashboard::query::plan_detail_href;
use crate::routes::dashboard::widgets::{CsvFile, Section};
use cairn_plan::dashboard::view::{is_in_implementation, DISTRICT_LEVEL};

/// Builds one bar per school with plans being carried out: the share of
/// them without a recent check-in.
fn check_in_bars(plans: &[PlanRow]) -> Vec<Bar> {
    let mut schools: Vec<(String, usize, usize)> = Vec::new();
    for plan in plans
        .iter()
        .filter(|plan| is_in_implementation(plan.status))
    {
        let name = if plan.school.is_empty() {
            DISTRICT_LEVEL.to_owned()
        } else {
            plan.school.clone()
        };
        let lacking = usize::from(plan.needs_check_in);
        match schools.iter_mut().find(|(school, _, _)| *school == name) {
            Some((_, carried_out, without)) => {
                *carried_out += 1;
                *without += lacking;
            }
            None => schools.push((name, 1, lacking)),
        }
    }
    schools
        .into_iter()
        .map(|(school, carried_out, without)| Bar {
            label: school,
            fraction: fraction(without, carried_out),
            value: format!("{without} of {carried_out} without a check-in"),
        })
        .collect()
}

/// Describes how long ago the last check-in was, or that there was none.
fn last_check_in_text(last: Option<NaiveDate>, today: NaiveDate) -> String {
    match last {
        Some(date) => format!(
            "{} ({} ago)",
            date_text(date),
            days_text((today - date).num_days())
        ),
        None => "Never".to_owned(),
    }
}

#[component]
pub fn PlansWithoutCheckIn(dashboard: Memo<DashboardView>) -> impl IntoView {
    let lacking = Memo::new(move |_| {
        dashboard.with(|dashboard| {
            dashboard
                .plans
                .iter()
                .filter(|plan| plan.needs_check_in)
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let plans = Memo::new(move |_| dashboard.with(|dashboard| dashboard.plans.clone()));
    let today = Memo::new(move |_| dashboard.with(|dashboard| dashboard.today));
    let file = Callback::new(move |()| CsvFile {
        name: csv_file_name("check-ins", today.get_untracked()),
        text: lacking.with_untracked(|lacking| plans_csv(lacking)),
    });

    let carried_out =
        move || plans.with(|plans| plans.iter().any(|plan| is_in_implementation(plan.status)));
    let rows = move || {
        let today = today.get();
        lacking
            .get()
            .into_iter()
            .map(|plan| {
                let title = if plan.title.trim().is_empty() { "Untitled plan".to_owned() } else { plan.title.clone() };
                view! {
                    <tr data-testid="check-in-row">
                        <th scope="row"><a href=plan_detail_href(&plan.id)>{title}</a></th>
                        <td>{if plan.school.is_empty() { DISTRICT_LEVEL.to_owned() } else { plan.school.clone() }}</td>
                        <td>{labels::plan_status(plan.status)}</td>
                        <td>{last_check_in_text(plan.last_check_in, today)}</td>
                    </tr>
                }
            })
            .collect_view()
    };

    view! {
        <Section id="check-ins" title="Plans without a check-in in the last 30 days" table="plans without a recent check-in" file>
            <p class="section-note">
                {format!("Approved and active plans whose last check-in or pulse check is more than {CHECK_IN_WINDOW_DAYS} days old, or that have none.")}
            </p>
            {move || {
                if !carried_out() {
                    view! { <p>"No plan here is approved or active, so none is due for check-ins yet."</p> }.into_any()
                } else {
                    view! {
                        <BarChart bars=check_in_bars(&plans.get()) fill="lacking"/>
                        {if lacking.with(Vec::is_empty) {
                            view! { <p data-testid="check-ins-none">"Every plan being carried out had a check-in in the last 30 days."</p> }.into_any()
                        } else {
                            view! {
                                <table class="dashboard-table">
                                    <thead><tr><th scope="col">"Plan"</th><th scope="col">"School"</th><th scope="col">"Status"</th><th scope="col">"Last check-in"</th></tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            }
                            .into_any()
                        }}
                    }
                    .into_any()
                }
            }}
        </Section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_check_in_counts_days() {
        let today: NaiveDate = "2026-12-05".parse().unwrap();

        assert_eq!(
            last_check_in_text(Some("2026-10-01".parse().unwrap()), today),
            "Oct 1, 2026 (65 days ago)"
        );
        assert_eq!(last_check_in_text(None, today), "Never");
    }
}
