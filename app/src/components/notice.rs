//! The banner that informs the user of a problem the app could not solve
//! alone, such as a full browser store or an error from the server.

use leptos::prelude::*;

use crate::workspace::use_workspace;

#[component]
pub fn NoticeBanner() -> impl IntoView {
    let workspace = use_workspace();

    move || {
        workspace.notice().map(|message| {
            // Error messages start in lower case, as Rust errors do; the
            // banner shows them as sentences.
            let mut letters = message.chars();
            let message: String = letters.next().map(|first| first.to_uppercase().chain(letters).collect()).unwrap_or_default();
            view! {
                <div class="notice banner" role="alert" data-testid="notice">
                    <p>{message}</p>
                    <button type="button" on:click=move |_| workspace.dismiss_notice()>"Dismiss"</button>
                </div>
            }
        })
    }
}
