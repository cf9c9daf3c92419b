//! The "Also here" line of a plan page, and the tracking of the section
//! this tab is in.
//!
//! The line names each other person who has the plan open, once however
//! many tabs they use, with the section they are in. This tab's own
//! section is the section that contains the focused element, when focus is
//! in one of the plan's sections. Otherwise it is the section that covers
//! the most of the window's height. It is read again when focus moves, on
//! scroll and resize, and every [`SECTION_CHECK_MS`], because the page
//! also moves when a plan loads or someone else's edit adds an entity.

use cairn_sync::DocumentId;
use leptos::prelude::*;

use crate::workspace::presence::payload::Section;
use crate::workspace::presence::PeerPresence;
use crate::workspace::use_workspace;

/// How often the page reads this tab's section without an event, in
/// milliseconds.
#[cfg(feature = "hydrate")]
const SECTION_CHECK_MS: u64 = 1_000;

/// The CSS selector of the plan page's sections. Each one is labelled by
/// its heading (`aria-labelledby`), whose id names the section (see
/// [`Section::from_heading_id`]).
#[cfg(feature = "hydrate")]
const SECTION_SELECTOR: &str = "section.plan-header, section.plan-section";

/// Shows the other people on the plan, with their sections, and tracks
/// this tab's section.
#[component]
pub fn PresenceLine(plan: DocumentId) -> impl IntoView {
    let workspace = use_workspace();
    let peers = Memo::new(move |_| workspace.peers(plan));

    #[cfg(feature = "hydrate")]
    track_section(plan);

    view! {
        <div class="presence" aria-live="polite" data-testid="presence">
            {move || {
                let peers = peers.get();
                (!peers.is_empty())
                    .then(|| {
                        view! {
                            <span class="presence-label">"Also here:"</span>
                            <ul class="presence-peers">
                                {peers
                                    .into_iter()
                                    .map(|peer| view! { <PeerItem peer/> })
                                    .collect_view()}
                            </ul>
                        }
                    })
            }}
        </div>
    }
}

/// Shows one person: initials, name, and in brackets the section and, for
/// more than one tab, the number of tabs.
#[component]
fn PeerItem(peer: PeerPresence) -> impl IntoView {
    let initials = initials(&peer.name);
    let section = peer.section.map(Section::label);
    let tabs = (peer.tabs > 1).then(|| format!("{} tabs", peer.tabs));
    let details = section.is_some() || tabs.is_some();
    let separator = section.is_some() && tabs.is_some();

    view! {
        <li class="presence-peer" data-testid="presence-peer">
            <span class="presence-initials" aria-hidden="true">{initials}</span>
            <span class="presence-name" data-testid="presence-name">{peer.name}</span>
            {details.then_some(" (")}
            {section.map(|label| view! { <span data-testid="presence-section">{label}</span> })}
            {separator.then_some(", ")}
            {tabs.map(|text| view! { <span data-testid="presence-tabs">{text}</span> })}
            {details.then_some(")")}
        </li>
    }
}

/// Returns the first letters of the first two words of a name, in upper
/// case.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .take(2)
        .filter_map(|word| word.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Reads this tab's section on events and on a timer, and hands it to the
/// workspace, which sends it when it changed. Stops when the page closes.
#[cfg(feature = "hydrate")]
fn track_section(plan: DocumentId) {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    let workspace = use_workspace();
    // A timer that fires after the page closed must not mark the tab as
    // present on the plan again.
    let open = Arc::new(AtomicBool::new(true));
    let report = {
        let open = Arc::clone(&open);
        move || {
            if open.load(Ordering::Relaxed) {
                workspace.set_presence_section(plan, current_section());
            }
        }
    };

    Effect::new({
        let report = report.clone();
        move |_| report()
    });

    // During `focusout` the document's focus is on the body, so the
    // section is read after the next element took focus.
    let on_focus_out = {
        let report = report.clone();
        move |_| {
            let report = report.clone();
            set_timeout(report, Duration::ZERO);
        }
    };
    let focus_in = window_event_listener(leptos::ev::focusin, {
        let report = report.clone();
        move |_| report()
    });
    let focus_out = window_event_listener(leptos::ev::focusout, on_focus_out);
    let scroll = window_event_listener(leptos::ev::scroll, {
        let report = report.clone();
        move |_| report()
    });
    let resize = window_event_listener(leptos::ev::resize, {
        let report = report.clone();
        move |_| report()
    });
    let interval = set_interval_with_handle(report, Duration::from_millis(SECTION_CHECK_MS)).ok();

    on_cleanup(move || {
        open.store(false, Ordering::Relaxed);
        focus_in.remove();
        focus_out.remove();
        scroll.remove();
        resize.remove();
        if let Some(interval) = interval {
            interval.clear();
        }
    });
}

/// Returns the section of the plan page this tab is in: the one that
/// contains the focused element, or else the one that covers the most of
/// the window's height. Returns `None` when no section is in view.
#[cfg(feature = "hydrate")]
fn current_section() -> Option<Section> {
    use wasm_bindgen::JsCast;

    let window = web_sys::window()?;
    let document = window.document()?;

    let focused_section = document
        .active_element()
        .and_then(|focused| focused.closest(SECTION_SELECTOR).ok().flatten())
        .and_then(|element| section_of(&element));
    if focused_section.is_some() {
        return focused_section;
    }

    let view_height = window.inner_height().ok()?.as_f64()?;
    let sections = document.query_selector_all(SECTION_SELECTOR).ok()?;
    let mut best: Option<(Section, f64)> = None;
    for index in 0..sections.length() {
        let Some(element) = sections
            .item(index)
            .and_then(|node| node.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let rect = element.get_bounding_client_rect();
        let visible = rect.bottom().min(view_height) - rect.top().max(0.0);
        let Some(section) = section_of(&element) else {
            continue;
        };
        if visible > 0.0 && best.is_none_or(|(_, most)| visible > most) {
            best = Some((section, visible));
        }
    }
    best.map(|(section, _)| section)
}

#[cfg(feature = "hydrate")]
fn section_of(element: &web_sys::Element) -> Option<Section> {
    let heading_id = element.get_attribute("aria-labelledby")?;
    Section::from_heading_id(&heading_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_of_two_words() {
        assert_eq!(initials("Dana Admin"), "DA");
        assert_eq!(initials("casey  coach  lee"), "CC");
        assert_eq!(initials("Ana"), "A");
        assert_eq!(initials(""), "");
    }
}
