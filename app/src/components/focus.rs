//! Keeps keyboard focus where a keyboard user expects it after a button
//! changes the page: on the new entity's first field after Add, and on the
//! section's Add button after a removal. Without this, focus falls back to
//! the page body and the next Tab starts from the top.

use leptos::ev::MouseEvent;

/// Focuses the first field of the last entity in the section of the
/// clicked Add button, once the new entity is on the page.
pub fn focus_new_entry(event: &MouseEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;

        let Some(button) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        after_render(move || {
            let field = button
                .closest("section")
                .ok()
                .flatten()
                .and_then(|section| {
                    section
                        .query_selector(".entities > li:last-child :is(input, textarea, select)")
                        .ok()
                        .flatten()
                });
            focus(field);
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = event;
}

/// Focuses the Add button of the section that contains `element`, for after
/// the entity around `element` is removed.
#[cfg(feature = "hydrate")]
pub fn focus_section_add_button(element: &web_sys::Element) {
    let button = element
        .closest("section")
        .ok()
        .flatten()
        .and_then(|section| section.query_selector(":scope > button").ok().flatten());
    after_render(move || focus(button));
}

/// Focuses `element` again once the page has updated, for a button whose
/// entity moved in its list: moving a node in the page drops its focus.
#[cfg(feature = "hydrate")]
pub fn refocus(element: web_sys::Element) {
    after_render(move || focus(Some(element)));
}

#[cfg(feature = "hydrate")]
fn after_render(run: impl FnOnce() + 'static) {
    gloo_timers::callback::Timeout::new(0, run).forget();
}

#[cfg(feature = "hydrate")]
fn focus(element: Option<web_sys::Element>) {
    use wasm_bindgen::JsCast;

    if let Some(element) =
        element.and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// Commits the value of the focused field before an undo or redo, by
/// leaving the field and coming back: a number or date field saves on
/// change, so a value typed but not yet saved becomes the edit to undo.
pub fn commit_focused_field() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;

        let focused = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.active_element())
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(field) = focused
            .filter(|field| matches!(field.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
        {
            let _ = field.blur();
            let _ = field.focus();
        }
    }
}
