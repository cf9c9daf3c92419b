//! The controls every entity of a plan has: move up, move down, and
//! remove. A removal that would change other entities (drop their links, or
//! remove a goal's measurements) asks first and lists them.

use cairn_plan::references::{references_to, Reference, RemovalEffect};
use cairn_plan::{Collection, EntityId, Plan};
use leptos::html;
use leptos::prelude::*;

use crate::routes::plan_page::use_plan;
use crate::workspace::use_workspace;

/// Lists the ids of one collection, in the plan's order.
fn collection_order(plan: &Plan, collection: Collection) -> Vec<EntityId> {
    match collection {
        Collection::RootCauses => plan
            .root_causes
            .iter()
            .map(|item| item.id.clone())
            .collect(),
        Collection::Goals => plan.goals.iter().map(|item| item.id.clone()).collect(),
        Collection::Actions => plan.actions.iter().map(|item| item.id.clone()).collect(),
        Collection::Resources => plan.resources.iter().map(|item| item.id.clone()).collect(),
        Collection::Milestones => plan.milestones.iter().map(|item| item.id.clone()).collect(),
        Collection::Measurements => plan
            .measurements
            .iter()
            .map(|item| item.id.clone())
            .collect(),
        Collection::CheckIns => plan.check_ins.iter().map(|item| item.id.clone()).collect(),
    }
}

/// Finds where to put `id` to swap it with its neighbour in `siblings`, the
/// list it is shown in (such as the support structures alone).
///
/// Returns the entity to place it after, `Some(None)` for the first place,
/// or `None` when it cannot move that way.
fn move_target(
    order: &[EntityId],
    siblings: &[EntityId],
    id: &EntityId,
    up: bool,
) -> Option<Option<EntityId>> {
    let index = siblings.iter().position(|sibling| sibling == id)?;
    if up {
        let previous = siblings.get(index.checked_sub(1)?)?;
        let previous_index = order.iter().position(|entry| entry == previous)?;
        Some(
            previous_index
                .checked_sub(1)
                .map(|before| order[before].clone()),
        )
    } else {
        siblings.get(index + 1).cloned().map(Some)
    }
}

/// Describes one reference for the confirmation list.
fn reference_line(reference: &Reference) -> String {
    let text = if reference.text.trim().is_empty() {
        "(no text yet)"
    } else {
        reference.text.trim()
    };
    let effect = match (reference.effect, reference.collection) {
        (RemovalEffect::Unlinked, Collection::CheckIns) => {
            "the status it recorded for this action is removed"
        }
        (RemovalEffect::Unlinked, _) => "its link is removed",
        (RemovalEffect::Removed, _) => "it is removed too",
    };
    format!(
        "{} “{text}”: {effect}",
        capitalized(reference.collection.singular())
    )
}

fn capitalized(text: &str) -> String {
    let mut letters = text.chars();
    letters
        .next()
        .map(|first| first.to_uppercase().chain(letters).collect())
        .unwrap_or_default()
}

/// Move up, move down and remove buttons for one entity.
#[component]
pub fn EntityControls(
    collection: Collection,
    id: EntityId,
    /// The entity in button labels, such as "goal" or "support structure".
    noun: &'static str,
    /// The entity in test ids, such as `goal` for `remove-goal`.
    test_noun: &'static str,
    /// The ids of the list the entity is shown in, in order.
    #[prop(into)]
    siblings: Signal<Vec<EntityId>>,
) -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();
    let id = StoredValue::new(id);
    let confirming = RwSignal::new(Vec::<Reference>::new());
    let keep_button = NodeRef::<html::Button>::new();

    let target = move |up: bool| {
        let order = context.plan.with(|plan| {
            plan.as_ref()
                .map(|plan| collection_order(plan, collection))
                .unwrap_or_default()
        });
        siblings.with(|siblings| id.with_value(|id| move_target(&order, siblings, id, up)))
    };
    let up_button = NodeRef::<html::Button>::new();
    let down_button = NodeRef::<html::Button>::new();
    let remove_button = NodeRef::<html::Button>::new();

    let move_entity = move |up: bool| {
        if let Some(after) = target(up) {
            let id = id.get_value();
            workspace.edit(context.id, |doc| {
                doc.move_to(collection, &id, after.as_ref())
            });

            // Keep focus on the button pressed, or on the other one when the
            // entity reached the end of its list.
            #[cfg(feature = "hydrate")]
            {
                let (pressed, other) = if up {
                    (up_button, down_button)
                } else {
                    (down_button, up_button)
                };
                let still_movable = target(up).is_some();
                let button = if still_movable { pressed } else { other };
                if let Some(button) = button.get_untracked() {
                    crate::components::focus::refocus(button.into());
                }
            }
        }
    };

    let remove_now = move || {
        confirming.set(Vec::new());
        #[cfg(feature = "hydrate")]
        if let Some(button) = remove_button.get_untracked() {
            crate::components::focus::focus_section_add_button(&button);
        }
        let id = id.get_value();
        workspace.edit(context.id, |doc| doc.remove(collection, &id));
    };
    let keep = move || {
        confirming.set(Vec::new());
        if let Some(button) = remove_button.get_untracked() {
            let _ = button.focus();
        }
    };
    let ask_or_remove = move |_| {
        let references = context.plan.with_untracked(|plan| {
            plan.as_ref()
                .map(|plan| id.with_value(|id| references_to(plan, collection, id)))
                .unwrap_or_default()
        });
        if references.is_empty() {
            remove_now();
        } else {
            confirming.set(references);
        }
    };

    // Focus the safe choice when the question appears, so Enter keeps the
    // entity and Escape closes the question from the keyboard.
    Effect::new(move |_| {
        if !confirming.with(Vec::is_empty) {
            if let Some(button) = keep_button.get() {
                let _ = button.focus();
            }
        }
    });

    let question_id = move || id.with_value(|id| format!("remove-question-{id}"));

    view! {
        <div class="entity-controls">
            <button
                type="button"
                class="move"
                node_ref=up_button
                aria-label=format!("Move {noun} up")
                disabled=move || target(true).is_none()
                on:click=move |_| move_entity(true)
                data-testid=format!("move-up-{test_noun}")
            >
                "Move up"
            </button>
            <button
                type="button"
                class="move"
                node_ref=down_button
                aria-label=format!("Move {noun} down")
                disabled=move || target(false).is_none()
                on:click=move |_| move_entity(false)
                data-testid=format!("move-down-{test_noun}")
            >
                "Move down"
            </button>
            <button type="button" class="remove" node_ref=remove_button on:click=ask_or_remove data-testid=format!("remove-{test_noun}")>
                {format!("Remove {noun}")}
            </button>
            <Show when=move || !confirming.with(Vec::is_empty)>
                <div
                    class="confirm"
                    role="alertdialog"
                    aria-labelledby=question_id
                    data-testid="confirm-remove"
                    on:keydown=move |event| {
                        if event.key() == "Escape" {
                            keep();
                        }
                    }
                >
                    <p id=question_id>{move || {
                        let count = confirming.with(Vec::len);
                        let items = if count == 1 { "1 other item refers".to_owned() } else { format!("{count} other items refer") };
                        format!("Remove this {noun}? {items} to it:")
                    }}</p>
                    <ul>
                        {move || confirming.get().iter().map(|reference| view! { <li>{reference_line(reference)}</li> }).collect_view()}
                    </ul>
                    <button type="button" class="remove" on:click=move |_| remove_now() data-testid="confirm-remove-button">
                        {format!("Remove {noun}")}
                    </button>
                    <button type="button" node_ref=keep_button on:click=move |_| keep() data-testid="keep-button">
                        {format!("Keep {noun}")}
                    </button>
                </div>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(count: usize) -> Vec<EntityId> {
        (0..count).map(|_| EntityId::random()).collect()
    }

    #[test]
    fn first_sibling_cannot_move_up() {
        let order = ids(3);

        assert_eq!(move_target(&order, &order, &order[0], true), None);
    }

    #[test]
    fn second_sibling_moves_to_the_front() {
        let order = ids(3);

        assert_eq!(move_target(&order, &order, &order[1], true), Some(None));
    }

    #[test]
    fn moving_down_places_after_the_next_sibling() {
        let order = ids(3);

        assert_eq!(
            move_target(&order, &order, &order[0], false),
            Some(Some(order[1].clone()))
        );
    }

    #[test]
    fn last_sibling_cannot_move_down() {
        let order = ids(3);

        assert_eq!(move_target(&order, &order, &order[2], false), None);
    }

    #[test]
    fn moving_up_skips_entities_of_another_list() {
        // Primary, support, primary: the second primary action moves before
        // the first one, so after nothing.
        let order = ids(3);
        let primary = vec![order[0].clone(), order[2].clone()];

        assert_eq!(move_target(&order, &primary, &order[2], true), Some(None));
    }
}
