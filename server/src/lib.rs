//! The Cairn server as a library: the HTTP router, the WebSocket sync hub,
//! storage and the commands of the `cairn` binary.
//!
//! - [`app`] builds the router from an [`AppState`], so tests drive it with
//!   `oneshot` and no socket.
//! - [`serve()`] runs the server until a termination signal, then shuts
//!   down in order.
//! - [`hub`] and [`document_task`] apply, store and forward document changes;
//!   [`ws`] carries them over WebSockets.
//! - [`accounts`] and [`auth`] decide who may do what and keep people
//!   signed in.
//! - [`storage`] keeps documents in the database; [`api`] serves the JSON
//!   API; [`cli`] implements `cairn import`, `cairn export` and
//!   `cairn admin create-user`.

// The app's view types nest deeper than the default limit of 128 when the
// router renders them.
#![recursion_limit = "256"]

pub mod accounts;
pub mod api;
pub mod auth;
pub mod blocking;
pub mod cli;
pub mod document_task;
pub mod ephemeral_limit;
pub mod events;
pub mod hub;
pub mod import;
pub mod limits;
pub mod serve;
pub mod shell;
pub mod shutdown;
pub mod storage;
pub mod ws;

use std::sync::Arc;

use axum::extract::FromRef;
use axum::routing::get;
use axum::Router;
use cairn_app::{shell, App};
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::trace::TraceLayer;

pub use serve::{serve, ServeError, ServeOptions};

use crate::accounts::AccountStore;
use crate::auth::rate_limit::SignInLimiter;
use crate::auth::{AccessEpoch, SessionConfig};
use crate::hub::Hub;
use crate::shutdown::{ConnectionTracker, ShutdownSignal};
use crate::storage::Storage;

/// The state every handler shares. Cloning it is cheap.
#[derive(Clone)]
pub struct AppState {
    /// The document hub.
    pub hub: Hub,
    /// The database, also reachable through the hub.
    pub storage: Arc<dyn Storage>,
    /// Districts, people, sessions and access, in the same database.
    pub accounts: AccountStore,
    /// The server's origin and cookie settings.
    pub sessions: SessionConfig,
    /// Failed sign-ins of the last minutes.
    pub sign_in_limiter: SignInLimiter,
    /// Bumped whenever access changes, so open WebSockets check again.
    pub access_epoch: AccessEpoch,
    /// Set when the server starts shutting down.
    pub shutdown: ShutdownSignal,
    /// The open WebSocket connections.
    pub connections: ConnectionTracker,
    /// The Leptos settings, which locate the WASM bundle and the CSS.
    pub leptos_options: LeptosOptions,
}

impl AppState {
    /// Creates the state for a server over `storage` and `accounts` whose
    /// static files are under `site_root`. The origin settings come from
    /// the environment (see [`SessionConfig::from_env`]).
    pub fn new(storage: Arc<dyn Storage>, accounts: AccountStore, site_root: &str) -> Self {
        Self {
            hub: Hub::new(Arc::clone(&storage)),
            storage,
            accounts,
            sessions: SessionConfig::from_env(),
            sign_in_limiter: SignInLimiter::default(),
            access_epoch: AccessEpoch::default(),
            shutdown: ShutdownSignal::new(),
            connections: ConnectionTracker::new(),
            leptos_options: leptos_options(site_root),
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Builds the Leptos settings: the bundle is named `cairn` and is in
/// `pkg/` under `site_root`, where cargo-leptos builds it.
pub fn leptos_options(site_root: &str) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("cairn")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .build()
}

/// The log span of an HTTP request: its method and path, with the token of
/// an invite link left out, so debug logs hold no secret.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let path = request.uri().path();
    let path = ["/invite/", "/api/invites/"]
        .into_iter()
        .find(|prefix| path.starts_with(prefix))
        .map_or_else(|| path.to_owned(), |prefix| format!("{prefix}…"));
    tracing::debug_span!("request", method = %request.method(), path = %path)
}

/// Builds the router: the sync WebSocket, the JSON API, the server-rendered
/// app shell for every app route, the service worker and the offline shell,
/// and static files for everything else. Every response names the release
/// of the shell files (see [`shell`]).
pub fn app(state: AppState) -> Router {
    let options = state.leptos_options.clone();
    let routes = generate_route_list(App);
    let release = Arc::new(shell::Release::read(&options));

    Router::new()
        .route("/sync", get(ws::sync_socket))
        .merge(api::router())
        .merge(shell::router(Arc::clone(&release)))
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            api::refuse_cross_site,
        ))
        .layer(axum::middleware::map_response_with_state(
            release,
            shell::add_release_header,
        ))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}
