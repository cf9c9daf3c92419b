//! Cairn's user interface: Leptos components and routes.
//!
//! The server renders only the HTML shell. Every plan view renders in the
//! browser from the plan's Automerge document, so a page never depends on
//! plan data the server would have to fetch. Code that only makes sense in a
//! browser (the document store, the WebSocket client) sits behind the
//! `hydrate` feature.

// The plan page's nested view types exceed the default limit of 128 when
// the compiler lays out their hydration futures.
#![recursion_limit = "256"]

pub mod accounts;
pub mod app;
#[cfg(feature = "hydrate")]
pub mod browser;
pub mod components;
pub mod labels;
pub mod routes;
pub mod server_events;
#[cfg(feature = "hydrate")]
pub mod service_worker;
pub mod session;
pub mod workspace;

pub use app::{shell, App};

/// Entry point of the WASM bundle: hydrates the server-rendered shell.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}

/// Entry point of the offline shell (`/offline-shell`), which the service
/// worker serves for any route when the network fails: renders the app in
/// the browser on the shell's empty body, with no server HTML to hydrate.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
