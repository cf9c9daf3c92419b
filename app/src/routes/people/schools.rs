//! The district's schools on the People page, for district admins: the
//! list and the form that adds one.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::use_people;
use crate::accounts::forms::new_school;
use crate::components::account_fields::{FormAlert, FormStatus, TextInput};

/// Lists the schools and renders the Add school form.
#[component]
pub(super) fn SchoolsSection() -> impl IntoView {
    let context = use_people();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        status.set(None);

        let request = match context
            .schools
            .with_untracked(|schools| new_school(&name.get_untracked(), schools))
        {
            Ok(request) => request,
            Err(problem) => {
                error.set(Some(problem.to_string()));
                return;
            }
        };

        #[cfg(feature = "hydrate")]
        {
            use crate::accounts::api::School;
            use crate::browser::http::send_json;

            busy.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                let result = send_json::<School>("POST", "/api/schools", &request).await;
                busy.set(false);
                match result {
                    Ok(school) => {
                        status.set(Some(format!("{} added.", school.name)));
                        context.schools.update(|schools| schools.push(school));
                        name.set(String::new());
                    }
                    Err(failure) => error.set(Some(context.change_error(&failure))),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = request;
    };

    view! {
        <section class="account-section" aria-labelledby="schools-heading">
            <h2 id="schools-heading">"Schools"</h2>
            <ul class="schools" data-testid="schools">
                <For each=move || context.schools.get() key=|school| (school.id.clone(), school.name.clone()) let:school>
                    <li>{school.name}</li>
                </For>
            </ul>
            <Show when=move || context.schools.with(Vec::is_empty)>
                <p>"No schools yet. Add the district's schools so that school leaders and coaches can be assigned to them."</p>
            </Show>
            <form class="account-form inline-form" novalidate on:submit=submit>
                <TextInput label="School name" id="new-school-name" value=name autocomplete="off"/>
                <button type="submit" disabled=move || busy.get() data-testid="add-school">"Add school"</button>
            </form>
            <FormAlert message=error/>
            <FormStatus message=status/>
        </section>
    }
}
