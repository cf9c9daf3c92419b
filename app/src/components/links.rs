//! Checkboxes that link one entity of a plan to others: a goal to its root
//! causes, an action to its goals, a resource or milestone to its actions.

use cairn_plan::EntityId;
use leptos::prelude::*;

/// Adds `target` to `ids` or removes it, so it appears once when linked.
pub fn set_link(ids: &mut Vec<EntityId>, target: EntityId, linked: bool) {
    ids.retain(|id| *id != target);
    if linked {
        ids.push(target);
    }
}

/// A group of link checkboxes, one per choice, each labelled with the
/// linked entity's text.
#[component]
pub fn LinkList(
    /// The group's caption.
    legend: &'static str,
    /// The entities that can be linked: id and text.
    #[prop(into)]
    choices: Signal<Vec<(EntityId, String)>>,
    /// The ids linked now.
    #[prop(into)]
    linked: Signal<Vec<EntityId>>,
    /// Called with a choice's id and whether it is now linked.
    on_toggle: Callback<(EntityId, bool)>,
) -> impl IntoView {
    view! {
        <fieldset class="links">
            <legend>{legend}</legend>
            <For each=move || choices.get() key=|(id, text)| (id.clone(), text.clone()) let:choice>
                <LinkCheckbox
                    target=choice.0.clone()
                    label=choice.1.clone()
                    checked=Signal::derive({
                        let target = choice.0.clone();
                        move || linked.with(|ids| ids.contains(&target))
                    })
                    on_toggle
                />
            </For>
        </fieldset>
    }
}

/// One link checkbox.
#[component]
fn LinkCheckbox(
    target: EntityId,
    label: String,
    #[prop(into)] checked: Signal<bool>,
    on_toggle: Callback<(EntityId, bool)>,
) -> impl IntoView {
    let label = if label.trim().is_empty() {
        "(no text yet)".to_owned()
    } else {
        label
    };
    view! {
        <label class="link">
            <input
                type="checkbox"
                prop:checked=move || checked.get()
                on:change=move |event| on_toggle.run((target.clone(), event_target_checked(&event)))
            />
            <span>{label}</span>
        </label>
    }
}
