//! Who is signed in on this device.
//!
//! [`Session`] is provided as context by the [`crate::App`]. In the browser
//! it starts from the person stored under [`SESSION_KEY`] in localStorage,
//! so someone who signed in on this device before keeps working offline.
//! Then it requests `GET /api/session`:
//!
//! - `200` refreshes the stored person.
//! - `401` means the session ended. With a stored person the session is
//!   marked expired. The person and every plan on this device stay, and a
//!   banner prompts them to sign in again to sync. With no stored person the
//!   app leads to `/setup` while the server has no people yet, and to
//!   `/sign-in` otherwise ([`Session::signed_out_route`]).
//! - A network failure changes nothing.
//!
//! On the server the session stays unknown, so the first render in the
//! browser matches the server's: views that depend on the person fill in
//! after hydration, once [`Session::is_known`] turns true.

use leptos::prelude::*;

use crate::accounts::api::{Person, SignedIn};
use crate::accounts::Role;

/// The localStorage key of the last signed-in person.
pub const SESSION_KEY: &str = "cairn.session";

/// The page for someone who has no session and no stored person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignedOutRoute {
    /// The server has no people yet: `/setup`.
    Setup,
    /// `/sign-in`, back to the current page afterwards.
    SignIn,
}

/// The signed-in person on this device; `Copy`, provided as context.
#[derive(Clone, Copy)]
pub struct Session {
    /// The signed-in person and their district, or `None`.
    signed_in: RwSignal<Option<SignedIn>>,
    /// Whether the server reported that the stored person's session ended.
    expired: RwSignal<bool>,
    /// Whether the browser has read the stored person; false on the server
    /// and until hydration.
    known: RwSignal<bool>,
    /// Set when the server reports no session and nothing is stored.
    signed_out_route: RwSignal<Option<SignedOutRoute>>,
}

impl Session {
    /// Creates an unknown session. In the browser nothing loads until
    /// [`Session::start`] runs after hydration.
    pub fn new() -> Self {
        Self {
            signed_in: RwSignal::new(None),
            expired: RwSignal::new(false),
            known: RwSignal::new(false),
            signed_out_route: RwSignal::new(None),
        }
    }

    /// Reads the stored person and checks with the server whether the
    /// session is still valid. Call once, from an effect, so it runs only in the
    /// browser and after hydration.
    pub fn start(&self) {
        #[cfg(feature = "hydrate")]
        {
            if self.known.get_untracked() {
                return;
            }
            self.signed_in.set(storage::load());
            self.known.set(true);

            let session = *self;
            leptos::task::spawn_local(async move {
                // A failure was handled inside: it changed nothing or
                // marked the session expired.
                let _ = session.refresh().await;
            });
        }
    }

    /// Returns whether the browser has read the stored person, tracked.
    /// Before that, views show what the server rendered.
    pub fn is_known(&self) -> bool {
        self.known.get()
    }

    /// Returns the signed-in person and their district, tracked. After
    /// [`Session::mark_expired`] this is still the last person, whose
    /// session ended.
    pub fn signed_in(&self) -> Option<SignedIn> {
        self.signed_in.get()
    }

    /// Returns the signed-in person, tracked.
    pub fn user(&self) -> Option<Person> {
        self.signed_in
            .with(|signed_in| signed_in.as_ref().map(|signed_in| signed_in.user.clone()))
    }

    /// Returns the signed-in person's role, tracked.
    pub fn role(&self) -> Option<Role> {
        self.signed_in
            .with(|signed_in| signed_in.as_ref().map(|signed_in| signed_in.user.role))
    }

    /// Returns whether the server reported that the stored person's
    /// session ended, tracked.
    pub fn is_expired(&self) -> bool {
        self.expired.get()
    }

    /// Returns the page for someone with no session and no stored person,
    /// tracked. It is `None` while there is a person or before the server
    /// responded.
    pub fn signed_out_route(&self) -> Option<SignedOutRoute> {
        self.signed_out_route.get()
    }

    /// Records that the server refused the session, for code that learns
    /// it outside this module, such as a response `401 signed_out` or a
    /// rejected sync WebSocket.
    ///
    /// With a person stored, the session is marked expired and the person
    /// and every plan on this device stay. With none, the app checks
    /// whether the server needs setup and leads to `/setup` or `/sign-in`.
    pub fn mark_expired(&self) {
        if self.signed_in.with_untracked(Option::is_some) {
            self.expired.set(true);
        } else {
            self.choose_signed_out_route();
        }
    }

    /// Sets [`Session::signed_out_route`] from `GET /api/setup`.
    fn choose_signed_out_route(&self) {
        #[cfg(feature = "hydrate")]
        {
            let route = self.signed_out_route;
            leptos::task::spawn_local(async move {
                let status =
                    crate::browser::http::request_json::<crate::accounts::api::SetupStatus>(
                        "GET",
                        "/api/setup",
                        None,
                    )
                    .await;
                // The server just responded, so a failure here is rare, and
                // the sign-in page checks again whether setup is needed.
                let needed = status.map(|status| status.needed).unwrap_or(false);
                route.set(Some(if needed {
                    SignedOutRoute::Setup
                } else {
                    SignedOutRoute::SignIn
                }));
            });
        }
    }

    /// Stores the person who just signed in and clears an expired session.
    ///
    /// NOTE: plans stored on this device are kept per device, not per
    /// person. When someone else signs in than the stored person, the
    /// plans stay and sync under the new session, which the server checks
    /// against the new person's access.
    pub fn remember(&self, signed_in: SignedIn) {
        #[cfg(feature = "hydrate")]
        storage::save(&signed_in);

        self.signed_in.set(Some(signed_in));
        self.expired.set(false);
        self.signed_out_route.set(None);
        self.known.set(true);
    }

    /// Requests `GET /api/session` and updates the stored person. A `401`
    /// marks the session expired (see [`Session::mark_expired`]), and any
    /// other failure changes nothing. Returns the request's error.
    #[cfg(feature = "hydrate")]
    pub async fn refresh(&self) -> Result<(), crate::browser::http::HttpError> {
        let result =
            crate::browser::http::request_json::<SignedIn>("GET", "/api/session", None).await;
        match result {
            Ok(signed_in) => {
                self.remember(signed_in);
                Ok(())
            }
            Err(error) => {
                if error.is_signed_out() {
                    self.mark_expired();
                }
                Err(error)
            }
        }
    }

    /// Ends the session on the server (`DELETE /api/session`) and removes
    /// the stored person. A session that had already ended counts as
    /// signed out. The caller then loads `/sign-in`.
    ///
    /// NOTE: the plans stored on this device stay for the next person who
    /// signs in on it. The server decides which of them that person may
    /// sync.
    #[cfg(feature = "hydrate")]
    pub async fn sign_out(&self) -> Result<(), crate::browser::http::HttpError> {
        let result = crate::browser::http::request_no_content("DELETE", "/api/session").await;
        if let Err(error) = result {
            if !error.is_signed_out() {
                return Err(error);
            }
        }

        storage::clear();
        // The dashboard's offline copies hold figures across plans, which
        // the next person on this device may not be allowed to read.
        crate::routes::dashboard::cache::forget_all();
        self.signed_in.set(None);
        self.expired.set(false);
        Ok(())
    }

    /// Signs out and loads `/sign-in`, for the Sign out buttons. When the
    /// server cannot end the session, `on_error` receives the sentence to
    /// show and the person stays signed in.
    pub fn begin_sign_out(&self, on_error: impl FnOnce(String) + 'static) {
        #[cfg(feature = "hydrate")]
        {
            let session = *self;
            leptos::task::spawn_local(async move {
                match session.sign_out().await {
                    Ok(()) => load_page("/sign-in"),
                    Err(error) if error.is_unreachable() => on_error(
                        "Signing out needs the server, which cannot be reached. \
                         Try again when this device is online."
                            .to_owned(),
                    ),
                    Err(error) => on_error(format!("Signing out failed: {}", error.user_message())),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = on_error;
    }
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

/// Returns the session provided by the app.
///
/// # Panics
///
/// Panics when called outside the [`crate::App`], which always provides it.
pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Loads `path` as a new page, so the tab starts again with the session
/// cookie the server just set or removed, and the sync connection opens
/// with it.
#[cfg(feature = "hydrate")]
pub fn load_page(path: &str) {
    if let Some(window) = web_sys::window() {
        if let Err(error) = window.location().assign(path) {
            leptos::logging::warn!("loading {path} failed: {error:?}");
        }
    }
}

/// The stored person, in localStorage.
#[cfg(feature = "hydrate")]
mod storage {
    use gloo_storage::{LocalStorage, Storage};

    use super::SESSION_KEY;
    use crate::accounts::api::SignedIn;

    /// Reads the stored person. A value that no longer parses, such as one
    /// written by an older version, is removed.
    pub fn load() -> Option<SignedIn> {
        match LocalStorage::get::<SignedIn>(SESSION_KEY) {
            Ok(signed_in) => Some(signed_in),
            Err(gloo_storage::errors::StorageError::KeyNotFound(_)) => None,
            Err(error) => {
                leptos::logging::warn!("the stored session is unreadable and was removed: {error}");
                LocalStorage::delete(SESSION_KEY);
                None
            }
        }
    }

    pub fn save(signed_in: &SignedIn) {
        if let Err(error) = LocalStorage::set(SESSION_KEY, signed_in) {
            // The app still works in this tab; only offline starts lose the
            // person.
            leptos::logging::warn!("storing the session on this device failed: {error}");
        }
    }

    pub fn clear() {
        LocalStorage::delete(SESSION_KEY);
    }
}

/// Returns whether `path` is a page that works without a session:
/// sign-in, setup and invite links.
pub fn is_public_path(path: &str) -> bool {
    path == "/sign-in" || path == "/setup" || path.starts_with("/invite/")
}

/// Joins a path and its query string (without the `?`), as the router's
/// location gives them.
pub fn path_with_query(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// Returns the address to open from `path` and its `query` (without the
/// `?`) when there is no session and no stored person. It is `None` on the
/// pages that work without a session.
pub fn signed_out_destination(route: SignedOutRoute, path: &str, query: &str) -> Option<String> {
    if is_public_path(path) {
        return None;
    }
    Some(match route {
        SignedOutRoute::Setup => "/setup".to_owned(),
        SignedOutRoute::SignIn => sign_in_href(&path_with_query(path, query)),
    })
}

/// Builds the sign-in address that opens `next` afterwards.
pub fn sign_in_href(next: &str) -> String {
    let next = safe_next_path(Some(next));
    if next == "/" {
        "/sign-in".to_owned()
    } else {
        format!("/sign-in?next={}", encode_query_value(&next))
    }
}

/// Chooses the page to open after signing in: `next` when it is a path on
/// this site, `/` otherwise. Addresses such as `//evil.example` or
/// `https://evil.example` are refused, so a crafted sign-in link cannot send
/// someone elsewhere. The sign-in and setup pages lead to `/`.
pub fn safe_next_path(next: Option<&str>) -> String {
    let Some(next) = next else {
        return "/".to_owned();
    };
    let on_this_site = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(char::is_control);
    let path = next.split(['?', '#']).next().unwrap_or_default();
    if !on_this_site || path == "/sign-in" || path == "/setup" {
        return "/".to_owned();
    }
    next.to_owned()
}

/// Percent-encodes a query value, keeping `/` and the unreserved
/// characters of RFC 3986 as they are.
fn encode_query_value(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_paths() {
        assert!(is_public_path("/sign-in"));
        assert!(is_public_path("/setup"));
        assert!(is_public_path("/invite/abc"));
        assert!(!is_public_path("/"));
        assert!(!is_public_path("/people"));
        assert!(!is_public_path("/invite"));
    }

    #[test]
    fn signed_out_leads_to_sign_in_and_back() {
        assert_eq!(
            signed_out_destination(SignedOutRoute::SignIn, "/plans/abc", "tab=goals"),
            Some("/sign-in?next=/plans/abc%3Ftab%3Dgoals".to_owned())
        );
        assert_eq!(
            signed_out_destination(SignedOutRoute::SignIn, "/", ""),
            Some("/sign-in".to_owned())
        );
    }

    #[test]
    fn signed_out_leads_to_setup() {
        assert_eq!(
            signed_out_destination(SignedOutRoute::Setup, "/people", ""),
            Some("/setup".to_owned())
        );
    }

    #[test]
    fn public_pages_stay() {
        for path in ["/sign-in", "/setup", "/invite/abc"] {
            assert_eq!(
                signed_out_destination(SignedOutRoute::SignIn, path, ""),
                None
            );
            assert_eq!(
                signed_out_destination(SignedOutRoute::Setup, path, ""),
                None
            );
        }
    }

    #[test]
    fn next_path_on_this_site() {
        assert_eq!(safe_next_path(Some("/plans/abc?x=1")), "/plans/abc?x=1");
        assert_eq!(safe_next_path(Some("/people")), "/people");
        assert_eq!(safe_next_path(None), "/");
    }

    #[test]
    fn next_path_elsewhere_is_refused() {
        for next in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "evil",
            "",
            "/\nplans",
        ] {
            assert_eq!(safe_next_path(Some(next)), "/", "{next:?}");
        }
    }

    #[test]
    fn next_path_never_loops_to_sign_in() {
        assert_eq!(safe_next_path(Some("/sign-in?next=/people")), "/");
        assert_eq!(safe_next_path(Some("/setup")), "/");
        assert_eq!(sign_in_href("/sign-in"), "/sign-in");
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode_query_value("/a b?c=d&e"), "/a%20b%3Fc%3Dd%26e");
        assert_eq!(encode_query_value("/é"), "/%C3%A9");
    }
}
