//! Primary actions and support structures: who does what by when, and the
//! goals each one works toward.

use cairn_plan::{Action, ActionKind, Collection, EntityId, SupportType};
use leptos::prelude::*;

use super::{date_text, parse_date, use_plan};
use crate::components::entity_controls::EntityControls;
use crate::components::fields::{SelectField, TextField, ValueField};
use crate::components::focus::focus_new_entry;
use crate::components::links::{set_link, LinkList};
use crate::labels;
use crate::workspace::use_workspace;

#[component]
pub fn Actions() -> impl IntoView {
    view! {
        <ActionGroup kind=ActionKind::Primary heading="Primary actions" test_id="primary-actions"/>
        <ActionGroup kind=ActionKind::Support heading="Support structures" test_id="support-structures"/>
    }
}

#[component]
fn ActionGroup(kind: ActionKind, heading: &'static str, test_id: &'static str) -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();
    let ids = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.iter()
                .flat_map(|plan| {
                    plan.actions
                        .iter()
                        .filter(|action| action.kind == kind)
                        .map(|action| action.id.clone())
                })
                .collect::<Vec<_>>()
        })
    });

    let add = move |_| {
        let last = context.plan.with_untracked(|plan| {
            plan.as_ref()
                .and_then(|plan| plan.actions.last().map(|action| action.id.clone()))
        });
        let mut action = Action::new(kind, "");
        if kind == ActionKind::Support {
            action.support_type = Some(SupportType::Other);
        }
        workspace.edit(context.id, |doc| {
            doc.insert_action(&action, last.as_ref()).map(|_| ())
        });
    };
    let heading_id = format!("{test_id}-heading");
    let add_label = match kind {
        ActionKind::Primary => "Add primary action",
        ActionKind::Support => "Add support structure",
    };

    view! {
        <section class="plan-section" aria-labelledby=heading_id.clone() data-testid=test_id>
            <h2 id=heading_id.clone()>{heading}</h2>
            <ol class="entities">
                <For each=move || ids.get() key=|id| id.clone() let:id>
                    <ActionRow id siblings=ids/>
                </For>
            </ol>
            <button type="button" on:click=move |event| { focus_new_entry(&event); add(event) } data-testid=format!("add-{test_id}")>{add_label}</button>
        </section>
    }
}

#[component]
fn ActionRow(id: EntityId, siblings: Memo<Vec<EntityId>>) -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();
    let key = id.clone();
    let action = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.as_ref()
                .and_then(|plan| plan.actions.iter().find(|action| action.id == key).cloned())
        })
    });

    let field = move |read: fn(&Action) -> String| {
        Signal::derive(move || action.with(|action| action.as_ref().map(read).unwrap_or_default()))
    };
    let write = move |apply: fn(&mut Action, String)| {
        Callback::new(move |value: String| {
            let Some(mut action) = action.get_untracked() else {
                return;
            };
            apply(&mut action, value);
            workspace.edit(context.id, |doc| doc.update_action(&action));
        })
    };

    let toggle_goal = Callback::new(move |(goal, linked): (EntityId, bool)| {
        let Some(mut action) = action.get_untracked() else {
            return;
        };
        set_link(&mut action.goal_ids, goal, linked);
        workspace.edit(context.id, |doc| doc.update_action(&action));
    });
    let goals = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.iter()
                .flat_map(|plan| {
                    plan.goals
                        .iter()
                        .map(|goal| (goal.id.clone(), goal.statement.clone()))
                })
                .collect::<Vec<_>>()
        })
    });
    let is_support = move || {
        action.with(|action| {
            action
                .as_ref()
                .is_some_and(|action| action.kind == ActionKind::Support)
        })
    };

    view! {
        <li class="entity" data-testid="action">
            <TextField label="Action" value=field(|action| action.title.clone()) on_input=write(|action, value| action.title = value) test_id="action-title"/>
            <div class="field-grid">
                <SelectField
                    label="Kind"
                    options=labels::ACTION_KINDS.to_vec()
                    value=field(|action| action.kind.as_str().to_owned())
                    on_change=write(set_kind)
                    test_id="action-kind"
                />
                <Show when=is_support>
                    <SelectField
                        label="Support type"
                        options=labels::SUPPORT_TYPES[1..].to_vec()
                        value=field(|action| action.support_type.map(SupportType::as_str).unwrap_or_default().to_owned())
                        on_change=write(|action, value| action.support_type = value.parse().ok())
                        test_id="action-support-type"
                    />
                </Show>
                <TextField label="Owner" value=field(|action| action.owner.clone()) on_input=write(|action, value| action.owner = value) test_id="action-owner"/>
                <ValueField label="Start date" kind="date" value=field(|action| date_text(action.start_date)) on_change=write(|action, value| action.start_date = parse_date(&value)) test_id="action-start-date"/>
                <ValueField label="Due date" kind="date" value=field(|action| date_text(action.due_date)) on_change=write(|action, value| action.due_date = parse_date(&value)) test_id="action-due-date"/>
                <SelectField
                    label="Status"
                    options=labels::ACTION_STATUSES.to_vec()
                    value=field(|action| action.status.as_str().to_owned())
                    on_change=write(|action, value| if let Ok(status) = value.parse() { action.status = status })
                    test_id="action-status"
                />
            </div>
            <TextField label="Description and steps" value=field(|action| action.description.clone()) on_input=write(|action, value| action.description = value) multiline=true test_id="action-description"/>
            <TextField label="Success indicator" value=field(|action| action.success_indicator.clone()) on_input=write(|action, value| action.success_indicator = value) test_id="action-success-indicator"/>
            <TextField label="Evidence of implementation" value=field(|action| action.evidence_of_implementation.clone()) on_input=write(|action, value| action.evidence_of_implementation = value) test_id="action-evidence"/>
            <TextField label="Notes" value=field(|action| action.notes.clone()) on_input=write(|action, value| action.notes = value) multiline=true test_id="action-notes"/>
            <LinkList
                legend="Goals this action works toward"
                choices=goals
                linked=Signal::derive(move || action.with(|action| action.as_ref().map(|action| action.goal_ids.clone()).unwrap_or_default()))
                on_toggle=toggle_goal
            />
            <EntityControls collection=Collection::Actions id=id.clone() noun="action" test_noun="action" siblings/>
        </li>
    }
}

/// Changes an action's kind, giving a new support structure the type
/// "other" until someone picks one.
fn set_kind(action: &mut Action, value: String) {
    let Ok(kind) = value.parse::<ActionKind>() else {
        return;
    };
    action.kind = kind;
    action.support_type = match kind {
        ActionKind::Primary => None,
        ActionKind::Support => action.support_type.or(Some(SupportType::Other)),
    };
}
