//! Timers and window events whose callbacks live as long as the tab.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Calls `callback` once after `delay_ms` milliseconds.
pub fn after(delay_ms: u32, callback: impl FnOnce() + 'static) {
    gloo_timers::callback::Timeout::new(delay_ms, callback).forget();
}

/// Calls `callback` every `interval_ms` milliseconds for the life of the tab.
pub fn every(interval_ms: u32, callback: impl FnMut() + 'static) {
    gloo_timers::callback::Interval::new(interval_ms, callback).forget();
}

/// Calls `callback` each time the window fires the event `name`.
pub fn on_window_event(name: &str, callback: impl FnMut() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = Closure::<dyn FnMut()>::new(callback);
    if window
        .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
        .is_ok()
    {
        listener.forget();
    }
}
