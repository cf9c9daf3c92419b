//! Fetching one dashboard view and keeping it current.
//!
//! [`use_view_data`] fetches a view's API address whenever the address
//! changes. It fetches again, after a short pause, when the server's event
//! stream reports a change to a plan the view counts, when the stream
//! reconnects, and when the browser comes back online. A refetch replaces
//! the data in place, so the page keeps its filters and its scroll
//! position.
//!
//! Every successful response is saved on the device (see [`super::cache`]).
//! When the server cannot be reached, the page shows the saved copy with
//! the time it was fetched, or a notice that there is none.
//!
//! The server renders only the loading state: the fetch runs in the browser
//! after hydration.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::server_events::PlansChanged;

/// How long a refetch waits after the last change event, in milliseconds,
/// so a burst of events costs one request.
#[cfg(feature = "hydrate")]
const REFETCH_DELAY_MS: u32 = 300;

/// The state of a view, apart from its data.
// Only the browser build leaves the loading state.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The first response has not arrived.
    Loading,
    /// The data is there, fetched now or saved earlier on this device.
    Ready,
    /// The server cannot be reached and this device has no copy of the view.
    NeedsConnection,
    /// The server responded `401`: the session ended.
    SignedOut,
    /// The server has no plan under this id that the person may read.
    NotFound,
    /// Any other failure, with the server's message.
    Failed(String),
}

/// The state behind [`ViewData`].
#[derive(Clone, Debug, PartialEq)]
struct ViewState<T> {
    phase: Phase,
    data: Option<T>,
    /// When the data was fetched from the server.
    fetched_at: Option<DateTime<Utc>>,
    /// Whether the data is the saved copy, shown because the server cannot
    /// be reached.
    offline: bool,
}

impl<T> ViewState<T> {
    fn loading() -> Self {
        Self {
            phase: Phase::Loading,
            data: None,
            fetched_at: None,
            offline: false,
        }
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn problem(phase: Phase) -> Self {
        Self {
            phase,
            ..Self::loading()
        }
    }
}

/// A dashboard view's data and state, for the page that shows it.
pub struct ViewData<T: Send + Sync + 'static> {
    /// The data, once there is any.
    pub data: Memo<Option<T>>,
    pub phase: Memo<Phase>,
    /// When the data was fetched from the server.
    pub fetched_at: Memo<Option<DateTime<Utc>>>,
    /// Whether the data is the copy saved on this device, because the
    /// server cannot be reached.
    pub offline: Memo<bool>,
}

impl<T: Send + Sync + 'static> Clone for ViewData<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for ViewData<T> {}

impl<T: Clone + PartialEq + Send + Sync + 'static> ViewData<T> {
    /// Returns the data as a memo that never lacks a value, for the part
    /// of a page rendered while [`Phase::Ready`]: it starts from `first`
    /// and keeps the last data while that part unmounts.
    pub fn ready(&self, first: T) -> Memo<T> {
        let data = self.data;
        Memo::new(move |previous: Option<&T>| {
            data.get()
                .or_else(|| previous.cloned())
                .unwrap_or_else(|| first.clone())
        })
    }
}

/// Fetches the view at the API address `url` and keeps it current. The
/// request carries the browser's date, while the saved copy is kept under
/// `url` alone, so it is found on a later day too.
///
/// `concerns` returns whether a change event touches the view: a plan's
/// drill-down needs only the events that name its plan, while the district
/// view needs every event, since the server sends only plans the person
/// may read.
pub fn use_view_data<T>(
    url: Signal<String>,
    concerns: impl Fn(&PlansChanged) -> bool + 'static,
) -> ViewData<T>
where
    T: Clone + PartialEq + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    let state = RwSignal::new(ViewState::<T>::loading());

    #[cfg(feature = "hydrate")]
    browser::start(url, concerns, state);
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, concerns);

    ViewData {
        data: Memo::new(move |_| state.with(|state| state.data.clone())),
        phase: Memo::new(move |_| state.with(|state| state.phase.clone())),
        fetched_at: Memo::new(move |_| state.with(|state| state.fetched_at)),
        offline: Memo::new(move |_| state.with(|state| state.offline)),
    }
}

/// The fetches, the saved copies and the live updates, in the browser.
#[cfg(feature = "hydrate")]
mod browser {
    use chrono::{DateTime, Utc};
    use gloo_timers::callback::Timeout;
    use leptos::prelude::*;
    use serde::de::DeserializeOwned;
    use serde::Serialize;

    use super::{Phase, ViewState, REFETCH_DELAY_MS};
    use crate::browser::api::{get_json, ApiError};
    use crate::browser::events::use_server_events;
    use crate::routes::dashboard::cache::{self, CachedView};
    use crate::routes::dashboard::query::with_today;
    use crate::routes::plan_page::today;
    use crate::server_events::{PlansChanged, ServerEvent};
    use crate::session::{use_session, Session};

    /// Whether a fetch first clears the page, for a new view, or replaces
    /// the data in place, for a refetch of the view on screen.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Fetch {
        NewView,
        Refetch,
    }

    pub(super) fn start<T>(
        url: Signal<String>,
        concerns: impl Fn(&PlansChanged) -> bool + 'static,
        state: RwSignal<ViewState<T>>,
    ) where
        T: Clone + PartialEq + Serialize + DeserializeOwned + Send + Sync + 'static,
    {
        let session = use_session();
        // Each fetch takes a number; a response that arrives after a newer
        // fetch started, such as after a filter changed, is dropped.
        let latest = StoredValue::new(0_u64);

        // The saved copies are per person. These memos change when the
        // browser has read who is signed in, and when the server names the
        // person, while the session signal is written again at every
        // refresh.
        let known = Memo::new(move |_| session.is_known());
        let person_id = Memo::new(move |_| session.user().map(|user| user.id));

        let fetch = move |kind: Fetch| {
            latest.update_value(|number| *number += 1);
            let number = latest.get_value();
            let url = url.get_untracked();
            let person = person_id.get_untracked();
            if kind == Fetch::NewView {
                state.set(ViewState::loading());
            }
            leptos::task::spawn_local(async move {
                let result = get_json::<T>(&with_today(&url, today())).await;
                if latest.try_get_value() != Some(number) {
                    return;
                }
                let Some(current) = state.try_get_untracked() else {
                    return;
                };
                let next = settle(result, current, &url, person.as_deref(), session);
                let _ = state.try_set(next);
            });
        };

        // A new address is a new view. When only the person changes, as
        // when a device without a stored person learns it from the server,
        // the view is fetched again in place so its copy is saved for them.
        Effect::new(move |previous: Option<Option<String>>| {
            if !known.get() {
                return None;
            }
            let address = url.get();
            person_id.track();
            let same_view = previous.flatten().as_ref() == Some(&address);
            fetch(if same_view {
                Fetch::Refetch
            } else {
                Fetch::NewView
            });
            Some(address)
        });

        let pending = StoredValue::new_local(None::<Timeout>);
        let schedule = move || {
            let timer = Timeout::new(REFETCH_DELAY_MS, move || fetch(Fetch::Refetch));
            // Replacing the timer cancels the one before it.
            pending.set_value(Some(timer));
        };

        use_server_events(move |event| match event {
            ServerEvent::PlansChanged(changed) if concerns(&changed) => schedule(),
            ServerEvent::PlansChanged(_) => {}
            ServerEvent::Reconnected => schedule(),
        });

        let online = window_event_listener(leptos::ev::online, move |_| schedule());
        on_cleanup(move || online.remove());
    }

    /// Turns the response into the next state, saving a successful one for
    /// `person` and falling back to their saved copy when the server cannot
    /// be reached. Without a known person nothing is saved or read.
    fn settle<T>(
        result: Result<T, ApiError>,
        current: ViewState<T>,
        url: &str,
        person: Option<&str>,
        session: Session,
    ) -> ViewState<T>
    where
        T: Clone + Serialize + DeserializeOwned,
    {
        let error = match result {
            Ok(data) => {
                let fetched_at = now();
                if let Some(person) = person {
                    cache::save(
                        person,
                        url,
                        &CachedView {
                            fetched_at,
                            data: data.clone(),
                        },
                    );
                }
                return ViewState {
                    phase: Phase::Ready,
                    data: Some(data),
                    fetched_at: Some(fetched_at),
                    offline: false,
                };
            }
            Err(error) => error,
        };

        if error.is_unreachable() {
            // A refetch keeps the data on screen; a new view looks for a
            // saved copy.
            if current.data.is_some() {
                return ViewState {
                    offline: true,
                    ..current
                };
            }
            let saved = person.and_then(|person| cache::load::<T>(person, url));
            return match saved {
                Some(saved) => ViewState {
                    phase: Phase::Ready,
                    data: Some(saved.data),
                    fetched_at: Some(saved.fetched_at),
                    offline: true,
                },
                None => ViewState::problem(Phase::NeedsConnection),
            };
        }
        if error.is_signed_out() {
            session.mark_expired();
            return ViewState::problem(Phase::SignedOut);
        }
        if error.is_plan_not_found() {
            return ViewState::problem(Phase::NotFound);
        }

        leptos::logging::warn!("fetching the dashboard view {url} failed: {error}");
        if current.data.is_some() {
            // A refetch that failed for another reason keeps what is shown;
            // the next change event tries again.
            return current;
        }
        ViewState::problem(Phase::Failed(error.to_string()))
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
    }
}
