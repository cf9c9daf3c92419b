//! The banner that says a new release of Cairn is installed and a reload
//! brings it. It also registers the service worker, after hydration or
//! mount and only in the browser.

use leptos::prelude::*;

#[component]
pub fn UpdateBanner() -> impl IntoView {
    let update_ready = RwSignal::new(false);

    // Effects run only in the browser, after hydration or mount.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        crate::service_worker::register(move || update_ready.set(true));
    });

    let reload = move |_| {
        #[cfg(feature = "hydrate")]
        crate::service_worker::activate_waiting();
    };

    view! {
        <Show when=move || update_ready.get()>
            <div class="notice banner" role="status" data-testid="update-banner">
                <p>"A new version of Cairn is ready."</p>
                <button type="button" data-testid="update-reload" on:click=reload>"Reload"</button>
            </div>
        </Show>
    }
}
