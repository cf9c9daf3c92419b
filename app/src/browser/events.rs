//! The server's live events in the browser: an `EventSource` on
//! `/api/events` for as long as a view needs it.
//!
//! A view calls [`use_server_events`] with a handler. The handler receives
//! each `plans` event as [`ServerEvent::PlansChanged`], and
//! [`ServerEvent::Reconnected`] whenever the stream opens again after an
//! interruption, because events sent while it was down are lost. The stream
//! closes when the view unmounts.
//!
//! The browser reconnects an `EventSource` by itself after a network error.
//! It gives up when the server responds with an error status, such as `401`
//! once the session ended or `502` from a proxy while the server restarts.
//! [`ServerEvents`] then opens a new stream after a delay that starts at
//! 2 s and doubles up to 60 s.
//!
//! The handler runs in a task of its own after the browser's callback
//! returns, so it may change signals, or even unmount the view, safely.
//!
//! NOTE: changes stored between a view's first fetch and the moment its
//! stream first opens are not reported. The gap is one round trip to the
//! server, and the next event or reconnection brings the view up to date.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use leptos::prelude::on_cleanup;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};

use crate::server_events::{PlansChanged, ServerEvent, EVENTS_URL, PLANS_EVENT};

/// The delay before the first new stream after the browser gave up, in
/// milliseconds; each failure doubles it up to [`MAX_RETRY_DELAY_MS`].
const FIRST_RETRY_DELAY_MS: u32 = 2_000;

/// The maximum delay between two attempts to open the stream, in
/// milliseconds.
const MAX_RETRY_DELAY_MS: u32 = 60_000;

/// The function a view passes to handle server events.
type EventCallback = Box<dyn FnMut(ServerEvent)>;

/// A view's handler of server events, and whether its stream was closed.
struct Handler {
    closed: Cell<bool>,
    /// Empty while the handler runs, and after the stream was closed.
    callback: RefCell<Option<EventCallback>>,
}

/// An open event stream. Dropping it closes the stream and stops the
/// handler, including for events already received.
pub struct ServerEvents {
    stream: Rc<RefCell<Stream>>,
}

struct Stream {
    url: String,
    handler: Rc<Handler>,
    connection: Option<Connection>,
    /// Whether the stream failed since it last opened, so the next open is
    /// reported as [`ServerEvent::Reconnected`].
    interrupted: bool,
    /// Attempts that the browser gave up on since the stream last opened.
    failures: u32,
    /// The timer of the next attempt; dropping it cancels the attempt.
    retry: Option<Timeout>,
}

struct Connection {
    source: EventSource,
    // The callbacks live as long as the `EventSource` that calls them.
    _on_open: Closure<dyn FnMut()>,
    _on_error: Closure<dyn FnMut()>,
    _on_plans: Closure<dyn FnMut(MessageEvent)>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.source.close();
    }
}

impl ServerEvents {
    /// Opens the event stream at `url` and passes every event to
    /// `on_event` until the returned handle is dropped.
    pub fn open(url: &str, on_event: impl FnMut(ServerEvent) + 'static) -> Self {
        let handler = Rc::new(Handler {
            closed: Cell::new(false),
            callback: RefCell::new(Some(Box::new(on_event))),
        });
        let stream = Rc::new(RefCell::new(Stream {
            url: url.to_owned(),
            handler,
            connection: None,
            interrupted: false,
            failures: 0,
            retry: None,
        }));
        connect(&stream);
        Self { stream }
    }
}

impl Drop for ServerEvents {
    fn drop(&mut self) {
        let mut stream = self.stream.borrow_mut();
        stream.handler.closed.set(true);
        // While the handler runs it is out of its cell, and the task that
        // runs it drops it afterwards.
        if let Ok(mut callback) = stream.handler.callback.try_borrow_mut() {
            callback.take();
        }
        stream.retry = None;
        stream.connection = None;
    }
}

/// Opens the server's event stream for the life of the current component:
/// it closes when the component unmounts. Call it from a component that
/// renders only in the browser, or from an effect.
pub fn use_server_events(on_event: impl FnMut(ServerEvent) + 'static) {
    let events = SendWrapper::new(ServerEvents::open(EVENTS_URL, on_event));
    on_cleanup(move || drop(events));
}

fn connect(stream: &Rc<RefCell<Stream>>) {
    let url = stream.borrow().url.clone();
    let source = match EventSource::new(&url) {
        Ok(source) => source,
        Err(error) => {
            leptos::logging::warn!("opening the event stream {url} failed: {error:?}");
            schedule_retry(stream);
            return;
        }
    };

    let opened = Rc::downgrade(stream);
    let on_open = Closure::<dyn FnMut()>::new(move || {
        if let Some(stream) = opened.upgrade() {
            on_open(&stream);
        }
    });
    let failed = Rc::downgrade(stream);
    let on_error = Closure::<dyn FnMut()>::new(move || {
        if let Some(stream) = failed.upgrade() {
            on_error(&stream);
        }
    });
    let receiver = Rc::downgrade(stream);
    let on_plans = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(stream) = receiver.upgrade() {
            on_plans(&stream, &event);
        }
    });

    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    if let Err(error) =
        source.add_event_listener_with_callback(PLANS_EVENT, on_plans.as_ref().unchecked_ref())
    {
        leptos::logging::warn!("listening for `{PLANS_EVENT}` events failed: {error:?}");
    }

    stream.borrow_mut().connection = Some(Connection {
        source,
        _on_open: on_open,
        _on_error: on_error,
        _on_plans: on_plans,
    });
}

fn on_open(stream: &Rc<RefCell<Stream>>) {
    let reconnected = {
        let mut stream = stream.borrow_mut();
        stream.failures = 0;
        std::mem::replace(&mut stream.interrupted, false)
    };
    if reconnected {
        deliver(stream, ServerEvent::Reconnected);
    }
}

fn on_error(stream: &Rc<RefCell<Stream>>) {
    let gave_up = {
        let mut stream = stream.borrow_mut();
        stream.interrupted = true;
        stream
            .connection
            .as_ref()
            .is_some_and(|connection| connection.source.ready_state() == EventSource::CLOSED)
    };
    // While the browser is reconnecting by itself the state is CONNECTING,
    // and there is nothing to do.
    if gave_up {
        stream.borrow_mut().connection = None;
        schedule_retry(stream);
    }
}

fn on_plans(stream: &Rc<RefCell<Stream>>, event: &MessageEvent) {
    let Some(data) = event.data().as_string() else {
        leptos::logging::warn!("a `{PLANS_EVENT}` event without text data was ignored");
        return;
    };
    match PlansChanged::parse(&data) {
        Ok(changed) => deliver(stream, ServerEvent::PlansChanged(changed)),
        Err(error) => {
            leptos::logging::warn!("a `{PLANS_EVENT}` event was ignored: {error}");
        }
    }
}

fn schedule_retry(stream: &Rc<RefCell<Stream>>) {
    let delay = {
        let mut stream = stream.borrow_mut();
        let delay = retry_delay_ms(stream.failures);
        stream.failures = stream.failures.saturating_add(1);
        delay
    };
    let waiting = Rc::downgrade(stream);
    let timer = Timeout::new(delay, move || {
        if let Some(stream) = waiting.upgrade() {
            stream.borrow_mut().retry = None;
            connect(&stream);
        }
    });
    stream.borrow_mut().retry = Some(timer);
}

/// Returns the delay before the next attempt after `failures` failed ones.
fn retry_delay_ms(failures: u32) -> u32 {
    FIRST_RETRY_DELAY_MS
        .saturating_mul(2u32.saturating_pow(failures.min(16)))
        .min(MAX_RETRY_DELAY_MS)
}

/// Runs the handler with `event` in a task of its own, outside the
/// browser's callback and every borrow of the stream.
fn deliver(stream: &Rc<RefCell<Stream>>, event: ServerEvent) {
    let handler = stream.borrow().handler.clone();
    wasm_bindgen_futures::spawn_local(async move {
        if handler.closed.get() {
            return;
        }
        // The handler is taken out while it runs, so it may close the
        // stream, which empties the cell, without a conflicting borrow.
        let Some(mut callback) = handler.callback.borrow_mut().take() else {
            return;
        };
        callback(event);
        if !handler.closed.get() {
            *handler.callback.borrow_mut() = Some(callback);
        }
    });
}
