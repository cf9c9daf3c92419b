//! The page at `/setup`: the first-run form that creates the district and
//! its first district admin, while the server has no people yet.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::accounts::forms::{SetupForm, PASSWORD_HINT};
use crate::components::account_fields::{FormAlert, TextInput};

/// The state of the page, from the response to `GET /api/setup`.
// Only the browser build sends the request.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
enum SetupState {
    Checking,
    Needed,
    AlreadyDone,
    Unavailable(String),
}

/// Renders the page at `/setup`.
#[component]
pub fn SetupPage() -> impl IntoView {
    let state = RwSignal::new(SetupState::Checking);

    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let status = crate::browser::http::request_json::<crate::accounts::api::SetupStatus>(
                "GET",
                "/api/setup",
                None,
            )
            .await;
            state.set(match status {
                Ok(status) if status.needed => SetupState::Needed,
                Ok(_) => SetupState::AlreadyDone,
                Err(error) => SetupState::Unavailable(error.user_message()),
            });
        });
    });

    view! {
        <section class="account-page" aria-labelledby="setup-heading">
            <h1 id="setup-heading">"Set up Cairn"</h1>
            {move || match state.get() {
                SetupState::Checking => view! { <p>"Checking whether Cairn is set up…"</p> }.into_any(),
                SetupState::Needed => view! { <SetupFormView state/> }.into_any(),
                SetupState::AlreadyDone => view! {
                    <p data-testid="already-set-up">"Cairn is already set up. " <a href="/sign-in">"Sign in"</a></p>
                }
                .into_any(),
                SetupState::Unavailable(message) => view! {
                    <p class="form-error" role="alert">{format!("Setup needs the server. {message}")}</p>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn SetupFormView(state: RwSignal<SetupState>) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let session = crate::session::use_session();
    let district_name = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }

        let form = SetupForm {
            district_name: district_name.get_untracked(),
            name: name.get_untracked(),
            email: email.get_untracked(),
            password: password.get_untracked(),
            confirmation: confirmation.get_untracked(),
        };
        let request = match form.check() {
            Ok(request) => request,
            Err(problem) => {
                error.set(Some(problem.to_string()));
                return;
            }
        };

        #[cfg(feature = "hydrate")]
        {
            use crate::accounts::api::ALREADY_SET_UP;

            busy.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                let result =
                    crate::browser::http::send_json_no_content("POST", "/api/setup", &request)
                        .await;
                match result {
                    Ok(()) => {
                        // The response signed the admin in. Storing them now
                        // lets the next page show them at once, and a
                        // failure here is repaired by that page's own check.
                        let _ = session.refresh().await;
                        crate::session::load_page("/");
                    }
                    Err(failure) if failure.code() == Some(ALREADY_SET_UP) => {
                        state.set(SetupState::AlreadyDone);
                    }
                    Err(failure) => {
                        busy.set(false);
                        error.set(Some(failure.user_message()));
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (request, state);
    };

    view! {
        <p>"Create the district and your account as its first district admin. You invite everyone else from the People page afterwards."</p>
        <form class="account-form" novalidate on:submit=submit>
            <TextInput label="District name" id="setup-district" value=district_name autocomplete="organization"/>
            <TextInput label="Your name" id="setup-name" value=name autocomplete="name"/>
            <TextInput label="Your email" id="setup-email" value=email input_type="email" autocomplete="username"/>
            <TextInput label="Password" id="setup-password" value=password input_type="password" autocomplete="new-password" hint=PASSWORD_HINT/>
            <TextInput label="Confirm password" id="setup-confirm" value=confirmation input_type="password" autocomplete="new-password"/>
            <FormAlert message=error/>
            <button type="submit" class="primary" disabled=move || busy.get() data-testid="setup-submit">"Set up Cairn"</button>
        </form>
    }
}
