//! The app's response to an ended session: a banner for a person whose
//! session expired, and the way to `/setup` or `/sign-in` for someone who
//! never signed in on this device.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::session::{path_with_query, sign_in_href, signed_out_destination, use_session};

/// Shows the expired-session banner and leads someone with no session to
/// setup or sign-in. Sits inside the router, above the routes.
#[component]
pub fn SessionGate() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let navigate = use_navigate();

    // Runs again on every navigation, so following a link away from the
    // sign-in page without signing in comes back to it.
    Effect::new(move |_| {
        let Some(route) = session.signed_out_route() else {
            return;
        };
        let path = location.pathname.get();
        let query = location.search.get();
        if let Some(destination) = signed_out_destination(route, &path, &query) {
            navigate(
                &destination,
                NavigateOptions {
                    replace: true,
                    ..NavigateOptions::default()
                },
            );
        }
    });

    let sign_in = move || {
        sign_in_href(&path_with_query(
            &location.pathname.get(),
            &location.search.get(),
        ))
    };

    view! {
        <Show when=move || session.is_expired()>
            <div class="notice banner" role="alert" data-testid="session-expired">
                <p>"Your session has ended. Sign in again to sync; your changes on this device are kept. If you can no longer sign in, your access was removed: export each plan from its page to keep your work."</p>
                <a class="button" href=sign_in>"Sign in"</a>
            </div>
        </Show>
    }
}
