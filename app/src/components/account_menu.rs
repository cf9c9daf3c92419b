//! The account links of the site header: who is signed in, People,
//! Account and Sign out, or a Sign in link.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::session::{path_with_query, sign_in_href, use_session};
use crate::workspace::use_workspace;

/// Renders the account part of the header. It stays empty until the
/// browser has read the stored person, as in the server's render.
#[component]
pub fn AccountMenu() -> impl IntoView {
    let session = use_session();
    let workspace = use_workspace();
    let location = use_location();

    // Only the name and role matter here, so a refresh that changes
    // nothing else does not render the menu again.
    let person = Memo::new(move |_| {
        session
            .is_known()
            .then(|| session.user().map(|user| (user.name, user.role)))
    });
    let sign_in = move || {
        sign_in_href(&path_with_query(
            &location.pathname.get(),
            &location.search.get(),
        ))
    };
    let sign_out = move |_| session.begin_sign_out(move |message| workspace.report(message));

    move || {
        match person.get() {
        None => ().into_any(),
        Some(None) => view! {
            <nav class="account-menu" aria-label="Account">
                <a href=sign_in data-testid="header-sign-in">"Sign in"</a>
            </nav>
        }
        .into_any(),
        Some(Some((name, role))) => view! {
            <nav class="account-menu" aria-label="Account">
                <span class="person-name" data-testid="header-person">{name}</span>
                {role.manages_people().then(|| view! { <a href="/people">"People"</a> })}
                <a href="/account">"Account"</a>
                <button type="button" on:click=sign_out data-testid="header-sign-out">"Sign out"</button>
            </nav>
        }
        .into_any(),
    }
    }
}
