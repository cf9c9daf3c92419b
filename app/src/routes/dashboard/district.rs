//! The sections of the district view, shared by the dashboard and its print
//! view: the summary figures, SMART goals by status, actions completed
//! against planned, overdue items, the budget by funding source, the plans
//! without a recent check-in, and the schools and plans tables.

mod actions;
mod budget;
mod check_ins;
pub(super) mod goals;
mod overdue;
pub(super) mod tables;

use cairn_plan::dashboard::DashboardView;
use leptos::prelude::*;

use self::actions::ActionsBySchool;
use self::budget::BudgetBySource;
pub(super) use self::budget::{budget_bars, source_name};
use self::check_ins::PlansWithoutCheckIn;
use self::goals::GoalsByStatus;
use self::overdue::OverdueItems;
pub(super) use self::overdue::OverdueTable;
use self::tables::{PlansTable, SchoolsTable};
use super::format::{count_text, empty_dashboard_reason};
use super::query::DASHBOARD_PATH;
use crate::labels;
use crate::session::use_session;

/// The reason a district view shows no figures, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Emptiness {
    /// There are plans to count.
    HasPlans,
    /// The person may read no plan at all.
    NoReadablePlans,
    /// The filters leave no plan.
    NoMatch,
}

fn emptiness(dashboard: &DashboardView) -> Emptiness {
    // Every plan has a review status, so a person who may read any plan
    // has at least one status to filter by.
    if dashboard.options.statuses.is_empty() && dashboard.totals.plans == 0 {
        Emptiness::NoReadablePlans
    } else if dashboard.totals.plans == 0 {
        Emptiness::NoMatch
    } else {
        Emptiness::HasPlans
    }
}

/// Renders every section of the district view, or the reason there is
/// nothing to show.
#[component]
pub fn DistrictSections(dashboard: Memo<DashboardView>) -> impl IntoView {
    let emptiness = Memo::new(move |_| dashboard.with(emptiness));

    move || {
        match emptiness.get() {
        Emptiness::HasPlans => view! {
            <Summary dashboard/>
            <GoalsByStatus dashboard/>
            <ActionsBySchool dashboard/>
            <OverdueItems dashboard/>
            <BudgetBySource dashboard/>
            <PlansWithoutCheckIn dashboard/>
            <SchoolsTable dashboard/>
            <PlansTable dashboard/>
        }
        .into_any(),
        Emptiness::NoReadablePlans => view! { <NoReadablePlans/> }.into_any(),
        Emptiness::NoMatch => view! {
            <div class="notice empty-dashboard" role="status" data-testid="dashboard-no-match">
                <p>"No plan matches these filters. Choose other values, or clear the filters to see every plan you may read."</p>
                <a class="button" href=DASHBOARD_PATH>"Clear filters"</a>
            </div>
        }
        .into_any(),
    }
    }
}

/// Renders the empty dashboard of a person who may read no plan, with the
/// reason for their role.
#[component]
fn NoReadablePlans() -> impl IntoView {
    let session = use_session();
    let reason = move || {
        let user = session.user();
        let role = user.as_ref().map(|user| user.role);
        let has_schools = user.is_some_and(|user| !user.school_ids.is_empty());
        empty_dashboard_reason(role, has_schools)
    };

    view! {
        <div class="notice empty-dashboard" role="status" data-testid="dashboard-empty">
            <p>"The dashboard has no plans to count yet."</p>
            <p>{reason}</p>
        </div>
    }
}

/// Renders the headline figures and the plans by review status.
#[component]
fn Summary(dashboard: Memo<DashboardView>) -> impl IntoView {
    let totals = Memo::new(move |_| dashboard.with(|dashboard| dashboard.totals));
    let statuses = move || {
        dashboard.with(|dashboard| {
            dashboard
                .plans_by_status
                .iter()
                .map(|(status, count)| format!("{} {count}", labels::plan_status(*status)))
                .collect::<Vec<_>>()
                .join(" · ")
        })
    };

    view! {
        <section class="dashboard-summary" aria-label="Summary" data-testid="dashboard-summary">
            <dl class="figures">
                <div class="figure">
                    <dt>"Plans"</dt>
                    <dd data-testid="figure-plans">{move || totals.get().plans}</dd>
                </div>
                <div class="figure">
                    <dt>"SMART goals on track"</dt>
                    <dd data-testid="figure-goals">{move || format!("{} of {}", totals.get().goals.on_track, totals.get().goals.total())}</dd>
                </div>
                <div class="figure">
                    <dt>"Actions completed"</dt>
                    <dd data-testid="figure-actions">{move || format!("{} of {}", totals.get().actions.completed, totals.get().actions.planned())}</dd>
                </div>
                <div class="figure">
                    <dt>"Overdue items"</dt>
                    <dd data-testid="figure-overdue">{move || totals.get().overdue_actions + totals.get().overdue_milestones}</dd>
                </div>
                <div class="figure">
                    <dt>"Plans without a check-in in 30 days"</dt>
                    <dd data-testid="figure-check-ins">{move || totals.get().plans_without_recent_check_in}</dd>
                </div>
            </dl>
            <p class="status-summary">
                {move || format!("{} by review status: ", count_text(totals.get().plans, "plan"))}
                {statuses}
            </p>
        </section>
    }
}
