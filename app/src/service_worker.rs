//! Registers the service worker (`/sw.js`, served by the server) that lets
//! Cairn start with no network, and tells the page when a new release is
//! installed and waiting.
//!
//! Nothing here reloads the page on its own: [`activate_waiting`] runs only
//! when the person chooses Reload on the update banner.

use leptos::logging::warn;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState,
};

/// The address of the worker, at the root so that it controls every page.
const SCRIPT_URL: &str = "/sw.js";

/// The message that asks a waiting worker to take over at once.
const SKIP_WAITING: &str = "skip-waiting";

/// Returns the page's service worker container, or `None` where the browser
/// has none: an insecure origin, or a browser without service workers.
fn container() -> Option<ServiceWorkerContainer> {
    let navigator = web_sys::window()?.navigator();
    let supported =
        js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false);
    supported.then(|| navigator.service_worker())
}

/// Registers the worker and calls `on_update_ready` once a new worker is
/// installed and waiting while this page is controlled by an older one. A
/// failure is logged and changes nothing else, because the app works
/// without the worker as long as the network does.
pub fn register(on_update_ready: impl Fn() + Clone + 'static) {
    let Some(container) = container() else {
        warn!("this browser has no service workers; Cairn will not start without a network");
        return;
    };

    spawn_local(async move {
        let registration = match JsFuture::from(container.register(SCRIPT_URL)).await {
            Ok(registration) => registration.unchecked_into::<ServiceWorkerRegistration>(),
            Err(error) => {
                warn!("could not register the service worker: {error:?}");
                return;
            }
        };
        watch_for_updates(&container, &registration, on_update_ready);
        check_for_updates_when_shown(registration);
    });
}

/// Calls `on_update_ready` for the worker already waiting, and for every
/// worker still installing or found later once it is installed. The
/// browser may have found the new worker before this page's WASM ran, so
/// the one installing now is watched too.
fn watch_for_updates(
    container: &ServiceWorkerContainer,
    registration: &ServiceWorkerRegistration,
    on_update_ready: impl Fn() + Clone + 'static,
) {
    // A page with no controller gets its first worker, not an update.
    let is_update = {
        let container = container.clone();
        move || container.controller().is_some()
    };
    if registration.waiting().is_some() && is_update() {
        on_update_ready();
    }
    if let Some(installing) = registration.installing() {
        watch_installing(installing, is_update.clone(), on_update_ready.clone());
    }

    let watched = registration.clone();
    let on_update_found = Closure::<dyn FnMut()>::new(move || {
        if let Some(installing) = watched.installing() {
            watch_installing(installing, is_update.clone(), on_update_ready.clone());
        }
    });
    if let Err(error) = registration
        .add_event_listener_with_callback("updatefound", on_update_found.as_ref().unchecked_ref())
    {
        warn!("could not watch for service worker updates: {error:?}");
    }
    on_update_found.forget();
}

/// Calls `on_update_ready` when `worker` is installed, if this page is
/// controlled by another worker then.
fn watch_installing(
    worker: ServiceWorker,
    is_update: impl Fn() -> bool + 'static,
    on_update_ready: impl Fn() + 'static,
) {
    let watched = worker.clone();
    let on_state_change = Closure::<dyn FnMut()>::new(move || {
        if watched.state() == ServiceWorkerState::Installed && is_update() {
            on_update_ready();
        }
    });
    if let Err(error) = worker
        .add_event_listener_with_callback("statechange", on_state_change.as_ref().unchecked_ref())
    {
        warn!("could not watch the new service worker: {error:?}");
    }
    on_state_change.forget();
}

/// Asks the server for a new worker whenever the page is shown again, so a
/// tab left open learns of a release. The browser checks by itself only at
/// navigations, and the app changes routes without them.
fn check_for_updates_when_shown(registration: ServiceWorkerRegistration) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let shown = document.clone();
    let on_visibility_change = Closure::<dyn FnMut()>::new(move || {
        if shown.hidden() {
            return;
        }
        // Offline the check fails; the next one tries again.
        if let Ok(update) = registration.update() {
            spawn_local(async move {
                let _ = JsFuture::from(update).await;
            });
        }
    });
    if let Err(error) = document.add_event_listener_with_callback(
        "visibilitychange",
        on_visibility_change.as_ref().unchecked_ref(),
    ) {
        warn!("could not watch the page's visibility: {error:?}");
    }
    on_visibility_change.forget();
}

/// Tells the waiting worker to take over and reloads the page once it
/// controls it. When no worker waits any more (another tab activated it),
/// reloads at once.
pub fn activate_waiting() {
    let Some(container) = container() else {
        reload();
        return;
    };

    spawn_local(async move {
        let waiting = match JsFuture::from(container.get_registration()).await {
            Ok(registration) if !registration.is_undefined() => registration
                .unchecked_into::<ServiceWorkerRegistration>()
                .waiting(),
            Ok(_) => None,
            Err(error) => {
                warn!("could not read the service worker registration: {error:?}");
                None
            }
        };
        let Some(waiting) = waiting else {
            reload();
            return;
        };

        let on_controller_change = Closure::once_into_js(reload);
        if let Err(error) = container.add_event_listener_with_callback(
            "controllerchange",
            on_controller_change.unchecked_ref(),
        ) {
            warn!("could not watch for the new service worker: {error:?}");
        }
        skip_waiting(&waiting);
    });
}

/// Sends [`SKIP_WAITING`] to `worker`.
fn skip_waiting(worker: &ServiceWorker) {
    if let Err(error) = worker.post_message(&JsValue::from_str(SKIP_WAITING)) {
        warn!("could not ask the new service worker to take over: {error:?}");
    }
}

/// Reloads the page.
fn reload() {
    if let Some(window) = web_sys::window() {
        if let Err(error) = window.location().reload() {
            warn!("could not reload the page: {error:?}");
        }
    }
}
