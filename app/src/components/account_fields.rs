//! Form pieces shared by the account pages: a labelled input, the error
//! and result lines of a form, and a group of school checkboxes.

use leptos::prelude::*;

use crate::accounts::api::School;

/// Renders a labelled text, email or password input, with an optional
/// hint that screen readers read with the label.
#[component]
pub fn TextInput(
    /// The visible label.
    label: &'static str,
    /// The input's `id` and `data-testid`; unique on the page.
    id: &'static str,
    /// The value, written on every keystroke.
    value: RwSignal<String>,
    /// `text`, `email` or `password`.
    #[prop(default = "text")]
    input_type: &'static str,
    /// The browser's autofill hint, such as `current-password`.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// A line under the input, such as the minimum password length.
    #[prop(optional)]
    hint: Option<&'static str>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let described_by = hint.map(|_| hint_id.clone());

    view! {
        <div class="field">
            <label class="field-label" for=id>{label}</label>
            <input
                id=id
                type=input_type
                autocomplete=autocomplete
                aria-describedby=described_by
                data-testid=id
                bind:value=value
            />
            {hint.map(|hint| view! { <span class="field-hint" id=hint_id>{hint}</span> })}
        </div>
    }
}

/// Shows the error of a form, which screen readers announce when it
/// appears.
#[component]
pub fn FormAlert(
    /// The message, `None` while there is no error.
    #[prop(into)]
    message: Signal<Option<String>>,
) -> impl IntoView {
    move || {
        message.get().map(|message| {
            view! { <p class="form-error" role="alert" data-testid="form-error">{message}</p> }
        })
    }
}

/// Shows the result of a form that worked, such as "Your password is
/// changed."
#[component]
pub fn FormStatus(
    /// The message, `None` until there is one.
    #[prop(into)]
    message: Signal<Option<String>>,
) -> impl IntoView {
    move || {
        message.get().map(|message| {
            view! { <p class="form-status" role="status" data-testid="form-status">{message}</p> }
        })
    }
}

/// Renders one checkbox per school, for the schools a person is assigned
/// to.
#[component]
pub fn SchoolChoices(
    /// The group's caption, such as "Schools of Dana Coach".
    #[prop(into)]
    legend: Signal<String>,
    /// The schools to choose from.
    #[prop(into)]
    schools: Signal<Vec<School>>,
    /// The ids chosen now.
    chosen: RwSignal<Vec<String>>,
) -> impl IntoView {
    view! {
        <fieldset class="links school-choices">
            <legend>{move || legend.get()}</legend>
            <For each=move || schools.get() key=|school| (school.id.clone(), school.name.clone()) let:school>
                <SchoolCheckbox school chosen/>
            </For>
            <Show when=move || schools.with(Vec::is_empty)>
                <p class="field-hint">"There are no schools to choose from yet."</p>
            </Show>
        </fieldset>
    }
}

#[component]
fn SchoolCheckbox(school: School, chosen: RwSignal<Vec<String>>) -> impl IntoView {
    let id = StoredValue::new(school.id);
    let checked = move || id.with_value(|id| chosen.with(|chosen| chosen.contains(id)));
    let on_change = move |event: leptos::ev::Event| {
        let checked = event_target_checked(&event);
        let id = id.get_value();
        chosen.update(|chosen| {
            chosen.retain(|chosen_id| *chosen_id != id);
            if checked {
                chosen.push(id);
            }
        });
    };

    view! {
        <label class="link">
            <input type="checkbox" prop:checked=checked on:change=on_change/>
            <span>{school.name}</span>
        </label>
    }
}
