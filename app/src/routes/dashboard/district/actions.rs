//! Actions completed against planned, per school. Every action of a plan,
//! primary action or support structure, counts as planned whatever its
//! status.

use cairn_plan::dashboard::csv::schools_csv;
use cairn_plan::dashboard::{DashboardView, SchoolRow};
use leptos::prelude::*;

use crate::routes::dashboard::charts::{Bar, BarChart};
use crate::routes::dashboard::format::{actions_text, csv_file_name, fraction, percent_text};
use crate::routes::dashboard::widgets::{CsvFile, Section};

fn action_bars(schools: &[SchoolRow]) -> Vec<Bar> {
    schools
        .iter()
        .map(|school| {
            let actions = school.totals.actions;
            Bar {
                label: school.name.clone(),
                fraction: fraction(actions.completed, actions.planned()),
                value: actions_text(actions.completed, actions.planned()),
            }
        })
        .collect()
}

#[component]
pub fn ActionsBySchool(dashboard: Memo<DashboardView>) -> impl IntoView {
    let schools = Memo::new(move |_| dashboard.with(|dashboard| dashboard.schools.clone()));
    let all = Memo::new(move |_| dashboard.with(|dashboard| dashboard.totals.actions));
    let file = Callback::new(move |()| CsvFile {
        name: csv_file_name("actions-by-school", dashboard.with_untracked(|d| d.today)),
        text: schools.with_untracked(|schools| schools_csv(schools)),
    });

    let rows = move || {
        schools
            .get()
            .into_iter()
            .map(|school| {
                let actions = school.totals.actions;
                view! {
                    <tr data-testid="actions-row">
                        <th scope="row">{school.name}</th>
                        <td class="number">{actions.completed}</td>
                        <td class="number">{actions.planned()}</td>
                        <td class="number">{percent_text(actions.completed, actions.planned())}</td>
                    </tr>
                }
            })
            .collect_view()
    };

    view! {
        <Section id="actions-by-school" title="Actions completed against planned" table="actions by school" file>
            <p class="section-note">"Every primary action and support structure counts as planned, whatever its status."</p>
            <p class="section-note screen-only">"The CSV file contains the whole schools table."</p>
            {move || view! { <BarChart bars=action_bars(&schools.get()) fill="completed"/> }}
            <table class="dashboard-table">
                <thead>
                    <tr><th scope="col">"School"</th><th scope="col" class="number">"Completed"</th><th scope="col" class="number">"Planned"</th><th scope="col" class="number">"Share completed"</th></tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr>
                        <th scope="row">"All schools"</th>
                        <td class="number" data-testid="actions-completed-total">{move || all.get().completed}</td>
                        <td class="number" data-testid="actions-planned-total">{move || all.get().planned()}</td>
                        <td class="number">{move || percent_text(all.get().completed, all.get().planned())}</td>
                    </tr>
                </tfoot>
            </table>
        </Section>
    }
}
