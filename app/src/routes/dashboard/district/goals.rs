//! SMART goals by progress monitoring status: on track, at risk, off track
//! and not enough data.

use cairn_plan::dashboard::csv::goals_by_status_csv;
use cairn_plan::dashboard::view::GoalStatusCounts;
use cairn_plan::dashboard::DashboardView;
use cairn_plan::GoalStatus;
use leptos::prelude::*;

use crate::routes::dashboard::charts::{Segment, StackedBar};
use crate::routes::dashboard::format::{csv_file_name, percent_text};
use crate::routes::dashboard::widgets::{CsvFile, Section};

/// Builds the parts of the goals chart, one per status in the order of
/// [`GoalStatus::ALL`].
pub fn goal_segments(goals: &GoalStatusCounts) -> Vec<Segment> {
    GoalStatus::ALL
        .iter()
        .map(|status| Segment {
            label: status.label(),
            count: goals.get(*status),
            class: status.as_str(),
        })
        .collect()
}

#[component]
pub fn GoalsByStatus(dashboard: Memo<DashboardView>) -> impl IntoView {
    let goals = Memo::new(move |_| dashboard.with(|dashboard| dashboard.totals.goals));
    let file = Callback::new(move |()| CsvFile {
        name: csv_file_name("goals-by-status", dashboard.with_untracked(|d| d.today)),
        text: goals_by_status_csv(&goals.get_untracked()),
    });

    view! {
        <Section id="goals-by-status" title="SMART goals by status" table="goals by status" file>
            {move || view! { <StackedBar segments=goal_segments(&goals.get()) noun="goals"/> }}
            <GoalStatusTable goals/>
        </Section>
    }
}

/// Renders the goals of each status with their share, and the total.
#[component]
pub fn GoalStatusTable(#[prop(into)] goals: Signal<GoalStatusCounts>) -> impl IntoView {
    let rows = move || {
        let goals = goals.get();
        GoalStatus::ALL
            .iter()
            .map(|status| {
                let count = goals.get(*status);
                view! {
                    <tr data-testid="goal-status-row" data-status=status.as_str()>
                        <th scope="row">{status.label()}</th>
                        <td class="number">{count}</td>
                        <td class="number">{percent_text(count, goals.total())}</td>
                    </tr>
                }
            })
            .collect_view()
    };

    view! {
        <table class="dashboard-table">
            <thead><tr><th scope="col">"Goal status"</th><th scope="col" class="number">"Goals"</th><th scope="col" class="number">"Share"</th></tr></thead>
            <tbody>{rows}</tbody>
            <tfoot>
                <tr><th scope="row">"All goals"</th><td class="number" data-testid="goals-total">{move || goals.get().total()}</td><td></td></tr>
            </tfoot>
        </table>
    }
}
