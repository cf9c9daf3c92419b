//! SMART goals: measure, baseline, target, direction, and the root causes
//! each goal addresses.

use cairn_plan::{Collection, Direction, EntityId, Goal};
use leptos::prelude::*;

use super::{date_text, number_text, parse_date, parse_number, use_plan};
use cairn_plan::smart::check_goal;

use crate::components::entity_controls::EntityControls;
use crate::components::fields::{SelectField, TextField, ValueField};
use crate::components::focus::focus_new_entry;
use crate::components::links::{set_link, LinkList};
use crate::components::smart_marks::SmartMarks;
use crate::labels;
use crate::workspace::use_workspace;

#[component]
pub fn Goals() -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();
    let ids = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.iter()
                .flat_map(|plan| plan.goals.iter().map(|goal| goal.id.clone()))
                .collect::<Vec<_>>()
        })
    });

    let add = move |_| {
        let last = ids.get_untracked().last().cloned();
        workspace.edit(context.id, |doc| {
            doc.insert_goal(&Goal::new(""), last.as_ref()).map(|_| ())
        });
    };

    view! {
        <section class="plan-section" aria-labelledby="goals-heading" data-testid="goals">
            <h2 id="goals-heading">"SMART goals"</h2>
            <ol class="entities">
                <For each=move || ids.get() key=|id| id.clone() let:id>
                    <GoalRow id siblings=ids/>
                </For>
            </ol>
            <button type="button" on:click=move |event| { focus_new_entry(&event); add(event) } data-testid="add-goal">"Add SMART goal"</button>
        </section>
    }
}

#[component]
fn GoalRow(id: EntityId, siblings: Memo<Vec<EntityId>>) -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();
    let key = id.clone();
    let goal = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.as_ref()
                .and_then(|plan| plan.goals.iter().find(|goal| goal.id == key).cloned())
        })
    });

    let field = move |read: fn(&Goal) -> String| {
        Signal::derive(move || goal.with(|goal| goal.as_ref().map(read).unwrap_or_default()))
    };
    let write = move |apply: fn(&mut Goal, String)| {
        Callback::new(move |value: String| {
            let Some(mut goal) = goal.get_untracked() else {
                return;
            };
            apply(&mut goal, value);
            workspace.edit(context.id, |doc| doc.update_goal(&goal));
        })
    };

    let toggle_root_cause = Callback::new(move |(root_cause, linked): (EntityId, bool)| {
        let Some(mut goal) = goal.get_untracked() else {
            return;
        };
        set_link(&mut goal.root_cause_ids, root_cause, linked);
        workspace.edit(context.id, |doc| doc.update_goal(&goal));
    });
    let root_causes = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.iter()
                .flat_map(|plan| {
                    plan.root_causes
                        .iter()
                        .map(|cause| (cause.id.clone(), cause.statement.clone()))
                })
                .collect::<Vec<_>>()
        })
    });

    let smart_check = Memo::new(move |_| {
        context.plan.with(|plan| {
            let plan = plan.as_ref()?;
            goal.with(|goal| goal.as_ref().map(|goal| check_goal(plan, goal)))
        })
    });

    view! {
        <li class="entity" data-testid="goal">
            {move || smart_check.get().map(|check| view! { <SmartMarks check/> })}
            <TextField label="Goal statement" value=field(|goal| goal.statement.clone()) on_input=write(|goal, value| goal.statement = value) multiline=true test_id="goal-statement"/>
            <div class="field-grid">
                <TextField label="Measure" value=field(|goal| goal.measure.clone()) on_input=write(|goal, value| goal.measure = value) test_id="goal-measure"/>
                <TextField label="Unit" value=field(|goal| goal.unit.clone()) on_input=write(|goal, value| goal.unit = value) test_id="goal-unit"/>
                <ValueField label="Baseline value" kind="number" value=field(|goal| number_text(goal.baseline_value)) on_change=write(|goal, value| goal.baseline_value = parse_number(&value)) test_id="goal-baseline-value"/>
                <ValueField label="Baseline date" kind="date" value=field(|goal| date_text(goal.baseline_date)) on_change=write(|goal, value| goal.baseline_date = parse_date(&value)) test_id="goal-baseline-date"/>
                <ValueField label="Target value" kind="number" value=field(|goal| number_text(goal.target_value)) on_change=write(|goal, value| goal.target_value = parse_number(&value)) test_id="goal-target-value"/>
                <ValueField label="Target date" kind="date" value=field(|goal| date_text(goal.target_date)) on_change=write(|goal, value| goal.target_date = parse_date(&value)) test_id="goal-target-date"/>
                <SelectField
                    label="Direction"
                    options=labels::DIRECTIONS.to_vec()
                    value=field(|goal| goal.direction.map(Direction::as_str).unwrap_or_default().to_owned())
                    on_change=write(|goal, value| goal.direction = value.parse().ok())
                    test_id="goal-direction"
                />
                <ValueField label="Interim target value" kind="number" value=field(|goal| number_text(goal.interim_target_value)) on_change=write(|goal, value| goal.interim_target_value = parse_number(&value)) test_id="goal-interim-target-value"/>
                <ValueField label="Interim target date" kind="date" value=field(|goal| date_text(goal.interim_target_date)) on_change=write(|goal, value| goal.interim_target_date = parse_date(&value)) test_id="goal-interim-target-date"/>
                <TextField label="Monitoring frequency" value=field(|goal| goal.monitoring_frequency.clone()) on_input=write(|goal, value| goal.monitoring_frequency = value) test_id="goal-monitoring-frequency"/>
            </div>
            <TextField label="Rationale: why this target is within reach" value=field(|goal| goal.rationale.clone()) on_input=write(|goal, value| goal.rationale = value) multiline=true test_id="goal-rationale"/>
            <LinkList
                legend="Root causes this goal answers"
                choices=root_causes
                linked=Signal::derive(move || goal.with(|goal| goal.as_ref().map(|goal| goal.root_cause_ids.clone()).unwrap_or_default()))
                on_toggle=toggle_root_cause
            />
            <EntityControls collection=Collection::Goals id=id.clone() noun="goal" test_noun="goal" siblings/>
        </li>
    }
}
