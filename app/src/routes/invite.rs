//! The page at `/invite/:token`: an invited person chooses their name and
//! password, which activates the account and signs them in.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::accounts::api::InviteDetails;
use crate::accounts::forms::{AcceptInviteForm, PASSWORD_HINT};
use crate::components::account_fields::{FormAlert, TextInput};

/// The state of the page, from the response to `GET /api/invites/{token}`.
// Only the browser build sends the request.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
enum InviteState {
    Loading,
    Found(InviteDetails),
    NotFound,
    Unavailable(String),
}

/// Renders the page at `/invite/:token`.
#[component]
pub fn InvitePage() -> impl IntoView {
    let params = use_params_map();
    let token = Memo::new(move |_| {
        params
            .with(|params| params.get("token"))
            .unwrap_or_default()
    });
    let state = RwSignal::new(InviteState::Loading);

    Effect::new(move |_| {
        let token = token.get();
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            use crate::accounts::api::INVITE_NOT_FOUND;
            use crate::browser::http::{path_segment, request_json};

            let url = format!("/api/invites/{}", path_segment(&token));
            state.set(
                match request_json::<InviteDetails>("GET", &url, None).await {
                    Ok(details) => InviteState::Found(details),
                    Err(error)
                        if error.status() == Some(404)
                            || error.code() == Some(INVITE_NOT_FOUND) =>
                    {
                        InviteState::NotFound
                    }
                    Err(error) => InviteState::Unavailable(error.user_message()),
                },
            );
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = token;
    });

    let heading = move || match state.get() {
        InviteState::Found(details) => {
            format!("Join {} as {}", details.district.name(), details.email)
        }
        _ => "Accept your invite".to_owned(),
    };

    view! {
        <section class="account-page" aria-labelledby="invite-heading">
            <h1 id="invite-heading" data-testid="invite-heading">{heading}</h1>
            {move || match state.get() {
                InviteState::Loading => view! { <p>"Loading the invite…"</p> }.into_any(),
                InviteState::Found(details) => view! { <AcceptForm token details state/> }.into_any(),
                InviteState::NotFound => view! { <InviteNotFound/> }.into_any(),
                InviteState::Unavailable(message) => view! {
                    <p class="form-error" role="alert">{format!("The invite could not be loaded. {message}")}</p>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn InviteNotFound() -> impl IntoView {
    view! {
        <p data-testid="invite-not-found">
            "This invite link does not work: it was used already, or a newer link replaced it. "
            "Ask the person who invited you for a new link. If you already chose your password, "
            <a href="/sign-in">"sign in"</a>
            "."
        </p>
    }
}

#[component]
fn AcceptForm(
    token: Memo<String>,
    details: InviteDetails,
    state: RwSignal<InviteState>,
) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let session = crate::session::use_session();
    let name = RwSignal::new(details.name);
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }

        let form = AcceptInviteForm {
            name: name.get_untracked(),
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
            use crate::browser::http::{path_segment, send_json_no_content};

            let url = format!("/api/invites/{}", path_segment(&token.get_untracked()));
            busy.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                match send_json_no_content("POST", &url, &request).await {
                    Ok(()) => {
                        // The response signed the person in. Storing them
                        // now lets the next page show them at once.
                        let _ = session.refresh().await;
                        crate::session::load_page("/");
                    }
                    Err(failure) if failure.status() == Some(404) => {
                        state.set(InviteState::NotFound)
                    }
                    Err(failure) => {
                        busy.set(false);
                        error.set(Some(failure.user_message()));
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (request, token, state);
    };

    view! {
        <p>"Choose the name others see and the password you will sign in with."</p>
        <form class="account-form" novalidate on:submit=submit>
            <TextInput label="Your name" id="invite-name" value=name autocomplete="name"/>
            <TextInput label="Password" id="invite-password" value=password input_type="password" autocomplete="new-password" hint=PASSWORD_HINT/>
            <TextInput label="Confirm password" id="invite-confirm" value=confirmation input_type="password" autocomplete="new-password"/>
            <FormAlert message=error/>
            <button type="submit" class="primary" disabled=move || busy.get() data-testid="accept-invite">"Join"</button>
        </form>
    }
}
