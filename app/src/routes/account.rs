//! The page at `/account`: who is signed in, the change-password form, and
//! Sign out.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::accounts::api::{School, SignedIn};
use crate::accounts::forms::{PasswordChangeForm, PASSWORD_HINT};
use crate::accounts::school_names;
use crate::components::account_fields::{FormAlert, FormStatus, TextInput};
use crate::session::use_session;

/// Renders the page at `/account`.
#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_session();
    // `None` until the browser read the stored person, then `Some(None)`
    // when no one is signed in. A refresh with the same person renders
    // nothing again.
    let signed_in = Memo::new(move |_| session.is_known().then(|| session.signed_in()));

    view! {
        <section class="account-page" aria-labelledby="account-heading">
            <h1 id="account-heading">"Account"</h1>
            {move || match signed_in.get() {
                None => view! { <p>"Loading…"</p> }.into_any(),
                Some(None) => view! {
                    <p>"You are not signed in on this device. " <a href="/sign-in?next=/account">"Sign in"</a></p>
                }
                .into_any(),
                Some(Some(signed_in)) => view! { <AccountDetails signed_in/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn AccountDetails(signed_in: SignedIn) -> impl IntoView {
    let session = use_session();
    let schools = RwSignal::new(Vec::<School>::new());
    let sign_out_error = RwSignal::new(None::<String>);
    let user = signed_in.user;

    // School names need the server; offline, the line counts the schools.
    if user.role.has_schools() {
        Effect::new(move |_| {
            #[cfg(feature = "hydrate")]
            leptos::task::spawn_local(async move {
                let result =
                    crate::browser::http::request_json::<Vec<School>>("GET", "/api/schools", None)
                        .await;
                match result {
                    Ok(list) => schools.set(list),
                    Err(error) if error.is_signed_out() => session.mark_expired(),
                    Err(_) => {}
                }
            });
        });
    }
    let school_ids = user.school_ids.clone();
    let school_line = user
        .role
        .has_schools()
        .then(|| view! { <dt>"Schools"</dt><dd>{move || schools.with(|schools| school_names(&school_ids, schools))}</dd> });

    let sign_out = move |_| {
        sign_out_error.set(None);
        session.begin_sign_out(move |message| sign_out_error.set(Some(message)));
    };

    view! {
        <dl class="facts" data-testid="account-facts">
            <dt>"Name"</dt><dd>{user.name}</dd>
            <dt>"Email"</dt><dd>{user.email}</dd>
            <dt>"Role"</dt><dd>{user.role.label()}</dd>
            <dt>"District"</dt><dd>{signed_in.district.name}</dd>
            {school_line}
        </dl>
        <PasswordChangeView/>
        <section class="account-section" aria-labelledby="sign-out-heading">
            <h2 id="sign-out-heading">"Sign out"</h2>
            <p>"Signing out ends your session on this device. The plans stored on it stay, and sync again after the next sign-in."</p>
            <FormAlert message=sign_out_error/>
            <button type="button" on:click=sign_out data-testid="account-sign-out">"Sign out"</button>
        </section>
    }
}

#[component]
fn PasswordChangeView() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        status.set(None);

        let form = PasswordChangeForm {
            current: current.get_untracked(),
            new: new.get_untracked(),
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
            busy.set(true);
            error.set(None);
            leptos::task::spawn_local(async move {
                let result = crate::browser::http::send_json_no_content(
                    "POST",
                    "/api/account/password",
                    &request,
                )
                .await;
                busy.set(false);
                match result {
                    Ok(()) => {
                        current.set(String::new());
                        new.set(String::new());
                        confirmation.set(String::new());
                        status.set(Some(
                            "Your password is changed. Your other devices are signed out."
                                .to_owned(),
                        ));
                    }
                    Err(failure) => {
                        if failure.is_signed_out() {
                            session.mark_expired();
                        }
                        error.set(Some(failure.user_message()));
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = request;
    };

    view! {
        <section class="account-section" aria-labelledby="password-heading">
            <h2 id="password-heading">"Change password"</h2>
            <form class="account-form" novalidate on:submit=submit>
                <TextInput label="Current password" id="current-password" value=current input_type="password" autocomplete="current-password"/>
                <TextInput label="New password" id="new-password" value=new input_type="password" autocomplete="new-password" hint=PASSWORD_HINT/>
                <TextInput label="Confirm new password" id="confirm-password" value=confirmation input_type="password" autocomplete="new-password"/>
                <FormAlert message=error/>
                <FormStatus message=status/>
                <button type="submit" class="primary" disabled=move || busy.get() data-testid="change-password">"Change password"</button>
            </form>
        </section>
    }
}
