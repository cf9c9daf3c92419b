//! Root causes: why the problem happens, and the evidence behind it.

use cairn_plan::{Collection, EntityId, RootCause};
use leptos::prelude::*;

use super::use_plan;
use crate::components::entity_controls::EntityControls;
use crate::components::fields::TextField;
use crate::components::focus::focus_new_entry;
use crate::workspace::use_workspace;

#[component]
pub fn RootCauses() -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();
    let ids = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.iter()
                .flat_map(|plan| plan.root_causes.iter().map(|cause| cause.id.clone()))
                .collect::<Vec<_>>()
        })
    });

    let add = move |_| {
        let last = ids.get_untracked().last().cloned();
        workspace.edit(context.id, |doc| {
            doc.insert_root_cause(&RootCause::new(""), last.as_ref())
                .map(|_| ())
        });
    };

    view! {
        <section class="plan-section" aria-labelledby="root-causes-heading" data-testid="root-causes">
            <h2 id="root-causes-heading">"Root causes"</h2>
            <ol class="entities">
                <For each=move || ids.get() key=|id| id.clone() let:id>
                    <RootCauseRow id siblings=ids/>
                </For>
            </ol>
            <button type="button" on:click=move |event| { focus_new_entry(&event); add(event) } data-testid="add-root-cause">"Add root cause"</button>
        </section>
    }
}

#[component]
fn RootCauseRow(id: EntityId, siblings: Memo<Vec<EntityId>>) -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();
    let key = id.clone();
    let root_cause = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.as_ref().and_then(|plan| {
                plan.root_causes
                    .iter()
                    .find(|cause| cause.id == key)
                    .cloned()
            })
        })
    });

    let field = move |read: fn(&RootCause) -> String| {
        Signal::derive(move || {
            root_cause.with(|cause| cause.as_ref().map(read).unwrap_or_default())
        })
    };
    let write = move |apply: fn(&mut RootCause, String)| {
        Callback::new(move |value: String| {
            let Some(mut cause) = root_cause.get_untracked() else {
                return;
            };
            apply(&mut cause, value);
            workspace.edit(context.id, |doc| doc.update_root_cause(&cause));
        })
    };

    view! {
        <li class="entity" data-testid="root-cause">
            <TextField
                label="Root cause"
                value=field(|cause| cause.statement.clone())
                on_input=write(|cause, value| cause.statement = value)
                multiline=true
                test_id="root-cause-statement"
            />
            <TextField
                label="Evidence"
                value=field(|cause| cause.evidence.clone())
                on_input=write(|cause, value| cause.evidence = value)
                multiline=true
                test_id="root-cause-evidence"
            />
            <EntityControls collection=Collection::RootCauses id=id.clone() noun="root cause" test_noun="root-cause" siblings/>
        </li>
    }
}
