//! The page at `/sign-in`: email and password.
//!
//! After a sign-in the tab loads the next page in full, so the sync
//! connection opens again with the new session cookie.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::accounts::forms::SignInForm;
use crate::components::account_fields::{FormAlert, TextInput};
use crate::session::{safe_next_path, use_session};

/// Renders the page at `/sign-in`. `?next=PATH` names the page to open
/// afterwards.
#[component]
pub fn SignInPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let setup_needed = RwSignal::new(false);

    // Someone whose session ended signs in again as the stored person most
    // of the time, so their email is filled in.
    Effect::new(move |_| {
        if let Some(user) = session.user() {
            if email.get_untracked().is_empty() {
                email.set(user.email);
            }
        }
    });

    // A database with no people has no account to sign in with.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let status = crate::browser::http::request_json::<crate::accounts::api::SetupStatus>(
                "GET",
                "/api/setup",
                None,
            )
            .await;
            if let Ok(status) = status {
                setup_needed.set(status.needed);
            }
        });
    });

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }

        let form = SignInForm {
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        let request = match form.check() {
            Ok(request) => request,
            Err(problem) => {
                error.set(Some(problem.to_string()));
                return;
            }
        };
        let next = safe_next_path(query.with_untracked(|query| query.get("next")).as_deref());

        #[cfg(feature = "hydrate")]
        {
            use crate::accounts::api::SignedIn;
            use crate::browser::http::send_json;

            busy.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                match send_json::<SignedIn>("POST", "/api/session", &request).await {
                    Ok(signed_in) => {
                        session.remember(signed_in);
                        crate::session::load_page(&next);
                    }
                    Err(failure) => {
                        busy.set(false);
                        error.set(Some(sign_in_error(&failure)));
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (request, next);
    };

    view! {
        <section class="account-page" aria-labelledby="sign-in-heading">
            <h1 id="sign-in-heading">"Sign in"</h1>
            {move || setup_needed.get().then(|| view! {
                <p class="notice" role="status">
                    "Cairn has no accounts yet. " <a href="/setup">"Set up Cairn"</a> " to create the first one."
                </p>
            })}
            <form class="account-form" novalidate on:submit=submit>
                <TextInput label="Email" id="sign-in-email" value=email input_type="email" autocomplete="username"/>
                <TextInput label="Password" id="sign-in-password" value=password input_type="password" autocomplete="current-password"/>
                <FormAlert message=error/>
                <button type="submit" class="primary" disabled=move || busy.get() data-testid="sign-in">"Sign in"</button>
            </form>
            <p class="form-help">"No account yet? A district admin or your school leader sends you an invite link."</p>
        </section>
    }
}

/// Words a failed sign-in: the server's message, with the wait after too
/// many attempts.
#[cfg(feature = "hydrate")]
fn sign_in_error(failure: &crate::browser::http::HttpError) -> String {
    use crate::accounts::api::TOO_MANY_ATTEMPTS;
    use crate::browser::http::HttpError;

    match failure {
        HttpError::Status {
            code,
            message,
            retry_after_seconds: Some(seconds),
            ..
        } if code == TOO_MANY_ATTEMPTS => {
            format!(
                "{message} {}",
                crate::accounts::forms::retry_sentence(*seconds)
            )
        }
        _ => failure.user_message(),
    }
}
