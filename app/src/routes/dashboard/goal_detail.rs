//! One SMART goal's figures at `/dashboard/plans/:id/goals/:goal_id`: its
//! progress monitoring status and the reason for it, the baseline, the
//! latest value and its date, the target and its date, how many
//! measurements were taken, and the linked actions completed against
//! planned.
//!
//! The goal comes from its plan's drill-down, so the page updates with the
//! plan.

use cairn_plan::dashboard::{GoalMetrics, PlanDetail};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::charts::{Bar, BarChart};
use super::format::{actions_text, fraction, percent_text, progress_share, value_text};
use super::load::Phase;
use super::plan_detail::{latest_text, plan_crumbs, target_text, use_plan_detail};
use super::query::{plan_detail_href, plan_href};
use super::widgets::{Breadcrumbs, Crumb, Freshness, PhaseNotice};
use crate::components::goal_status::GoalStatusBadge;

/// The name of the goal's figures in its loading and error notices.
const SUBJECT: &str = "this goal's figures";

/// Finds the goal with `goal_id` and its number in the plan, from 1.
fn find_goal(detail: &PlanDetail, goal_id: &str) -> Option<(usize, GoalMetrics)> {
    detail
        .goals
        .iter()
        .enumerate()
        .find(|(_, goal)| goal.id.to_string() == goal_id)
        .map(|(index, goal)| (index + 1, goal.clone()))
}

/// Renders the page at `/dashboard/plans/:id/goals/:goal_id`.
#[component]
pub fn GoalDetailPage() -> impl IntoView {
    let params = use_params_map();
    let ids =
        Memo::new(move |_| params.with(|params| Some((params.get("id")?, params.get("goal_id")?))));

    move || {
        match ids.get() {
        Some((plan_id, goal_id)) => view! { <GoalFigures plan_id goal_id/> }.into_any(),
        None => view! { <p class="notice" role="alert">"This address names no goal. Open a goal from its plan's figures on the dashboard."</p> }.into_any(),
    }
    }
}

#[component]
fn GoalFigures(plan_id: String, goal_id: String) -> impl IntoView {
    let data = use_plan_detail(plan_id.clone());
    let goal = Memo::new(move |_| {
        data.data.with(|detail| {
            detail
                .as_ref()
                .and_then(|detail| find_goal(detail, &goal_id))
        })
    });
    let crumbs = Signal::derive(move || {
        let mut crumbs = data
            .data
            .with(|detail| plan_crumbs(detail.as_ref().map(|detail| &detail.plan)));
        let label = goal.with(|goal| {
            goal.as_ref()
                .map_or_else(|| "Goal".to_owned(), |(number, _)| format!("Goal {number}"))
        });
        crumbs.push(Crumb::text(label));
        crumbs
    });

    let content = move || match data.phase.get() {
        Phase::Ready => match goal.get() {
            Some((number, goal)) => {
                view! { <GoalFacts number goal plan_id=plan_id.clone()/> }.into_any()
            }
            None => view! {
                <p class="notice" role="alert" data-testid="goal-not-found">
                    "This plan has no SMART goal under this id. It may have been removed. "
                    <a href=plan_detail_href(&plan_id)>"Back to the plan's figures"</a>
                </p>
            }
            .into_any(),
        },
        phase => view! { <PhaseNotice phase subject=SUBJECT/> }.into_any(),
    };

    view! {
        <section class="dashboard goal-figures">
            <Breadcrumbs crumbs/>
            <Freshness subject=SUBJECT fetched_at=data.fetched_at offline=data.offline/>
            {content}
        </section>
    }
}

/// Builds the bars of a goal: progress from baseline to target, when all
/// three values are known, and linked actions completed.
fn goal_bars(goal: &GoalMetrics) -> Vec<Bar> {
    let mut bars = Vec::new();
    let latest = goal.latest.map(|latest| latest.value);
    if let Some(share) = progress_share(goal.baseline_value, latest, goal.target_value) {
        bars.push(Bar {
            label: "From baseline to target".to_owned(),
            fraction: share,
            value: format!("{:.0}% of the way", share * 100.0),
        });
    }
    bars.push(Bar {
        label: "Linked actions completed".to_owned(),
        fraction: fraction(goal.actions.completed, goal.actions.planned()),
        value: percent_text(goal.actions.completed, goal.actions.planned()),
    });
    bars
}

#[component]
fn GoalFacts(number: usize, goal: GoalMetrics, plan_id: String) -> impl IntoView {
    let baseline = value_text(goal.baseline_value, &goal.unit);
    let measure = if goal.measure.trim().is_empty() {
        "—".to_owned()
    } else {
        goal.measure.clone()
    };

    view! {
        <div class="page-heading">
            <h1 id="goal-figures-title" data-testid="goal-figures-title">{format!("Goal {number}")}</h1>
            <a class="button" href=plan_href(&plan_id) data-testid="open-plan">"Open the plan"</a>
        </div>
        <p class="goal-statement">{goal.statement.clone()}</p>
        <GoalStatusBadge status=goal.status reason=goal.reason.clone()/>
        <BarChart bars=goal_bars(&goal) fill="completed"/>
        <dl class="facts goal-facts" data-testid="goal-facts">
            <dt>"Measure"</dt><dd>{measure}</dd>
            <dt>"Baseline"</dt><dd data-testid="goal-baseline">{baseline}</dd>
            <dt>"Latest value"</dt><dd data-testid="goal-latest">{latest_text(&goal)}</dd>
            <dt>"Target"</dt><dd data-testid="goal-target">{target_text(&goal)}</dd>
            <dt>"Measurements"</dt><dd data-testid="goal-measurements">{goal.measurement_count}</dd>
            <dt>"Linked actions"</dt><dd data-testid="goal-actions">{actions_text(goal.actions.completed, goal.actions.planned())}</dd>
        </dl>
        <p><a href=plan_detail_href(&plan_id)>"Back to the plan's figures"</a></p>
    }
}

#[cfg(test)]
mod tests {
    use cairn_plan::dashboard::{ActionCounts, DatedValue};
    use cairn_plan::progress::GoalStatus;
    use cairn_plan::EntityId;

    use super::*;

    fn goal(latest: Option<f64>) -> GoalMetrics {
        GoalMetrics {
            id: EntityId::random(),
            statement: "Cut office referrals".to_owned(),
            measure: "Referrals per month".to_owned(),
            unit: "referrals".to_owned(),
            status: GoalStatus::AtRisk,
            reason: String::new(),
            baseline_value: Some(40.0),
            target_value: Some(20.0),
            target_date: None,
            latest: latest.map(|value| DatedValue {
                date: "2026-11-30".parse().unwrap(),
                value,
            }),
            measurement_count: 1,
            actions: ActionCounts {
                completed: 1,
                in_progress: 3,
                ..ActionCounts::default()
            },
        }
    }

    #[test]
    fn bars_show_progress_and_actions() {
        let bars = goal_bars(&goal(Some(30.0)));

        assert_eq!(bars.len(), 2);
        assert_eq!(bars[0].value, "50% of the way");
        assert_eq!(bars[1].value, "25%");
    }

    #[test]
    fn no_progress_bar_without_a_measurement() {
        let bars = goal_bars(&goal(None));

        assert_eq!(bars.len(), 1);
        assert_eq!(bars[0].label, "Linked actions completed");
    }
}
