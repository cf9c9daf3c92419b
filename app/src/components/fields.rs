//! Form fields bound to a plan document.
//!
//! A field shows a value read from the document and reports every change
//! the user makes. Text fields send the whole new value on each keystroke.
//! The plan document turns it into a minimal splice of its Automerge
//! `Text`, so two people typing in one field both keep their words. When a
//! remote edit changes the field the user is typing in, the caret moves with
//! the text around it instead of jumping to the end.

use leptos::prelude::*;

/// Computes where the caret goes after `old` is replaced by `new`, given
/// that it was at `caret` in `old`. Positions count UTF-16 code units, as the DOM's
/// selection does.
pub fn shift_caret(old: &str, new: &str, caret: usize) -> usize {
    let old: Vec<u16> = old.encode_utf16().collect();
    let new: Vec<u16> = new.encode_utf16().collect();

    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();

    let replaced_end = old.len() - suffix;
    if caret <= prefix {
        caret
    } else if caret >= replaced_end {
        caret + new.len() - old.len()
    } else {
        new.len() - suffix
    }
}

/// The parts of `<input>` and `<textarea>` that [`show_value`] uses.
#[cfg(feature = "hydrate")]
trait TextControl {
    fn current_value(&self) -> String;
    fn replace_value(&self, value: &str);
    fn caret(&self) -> Option<u32>;
    fn place_caret(&self, caret: u32);
}

#[cfg(feature = "hydrate")]
macro_rules! text_control {
    ($element:ty) => {
        impl TextControl for $element {
            fn current_value(&self) -> String {
                self.value()
            }

            fn replace_value(&self, value: &str) {
                self.set_value(value);
            }

            fn caret(&self) -> Option<u32> {
                self.selection_start().ok().flatten()
            }

            fn place_caret(&self, caret: u32) {
                let _ = self.set_selection_range(caret, caret);
            }
        }
    };
}

#[cfg(feature = "hydrate")]
text_control!(web_sys::HtmlInputElement);
#[cfg(feature = "hydrate")]
text_control!(web_sys::HtmlTextAreaElement);

/// Puts `value` into a text control. When the control has focus, the caret
/// keeps its place relative to the surrounding text.
#[cfg(feature = "hydrate")]
fn show_value(control: &(impl TextControl + AsRef<web_sys::Element>), value: &str) {
    let old = control.current_value();
    if old == value {
        return;
    }

    let focused = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.active_element())
        .is_some_and(|active| &active == control.as_ref());
    let caret = control.caret();

    control.replace_value(value);
    if let (true, Some(caret)) = (focused, caret) {
        control.place_caret(shift_caret(&old, value, caret as usize) as u32);
    }
}

/// A labelled one-line text field.
#[component]
pub fn TextField(
    /// The visible label.
    #[prop(into)]
    label: String,
    /// The current value in the document.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the whole new value after each keystroke.
    #[prop(into)]
    on_input: Callback<String>,
    /// A hook for end-to-end tests.
    #[prop(optional, into)]
    test_id: String,
    /// Shows a multi-line text area instead of a one-line input.
    #[prop(optional)]
    multiline: bool,
) -> impl IntoView {
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let area_ref = NodeRef::<leptos::html::Textarea>::new();

    Effect::new(move |_| {
        let current = value.get();
        #[cfg(feature = "hydrate")]
        {
            if let Some(input) = input_ref.get() {
                show_value(&input, &current);
            }
            if let Some(area) = area_ref.get() {
                show_value(&area, &current);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = current;
    });

    let control = if multiline {
        view! {
            <textarea
                node_ref=area_ref
                data-testid=test_id
                rows="3"
                on:input=move |event| on_input.run(event_target_value(&event))
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                type="text"
                node_ref=input_ref
                data-testid=test_id
                on:input=move |event| on_input.run(event_target_value(&event))
            />
        }
        .into_any()
    };

    view! {
        <label class="field">
            <span class="field-label">{label}</span>
            {control}
        </label>
    }
}

/// A labelled field for a value that is replaced whole, not merged by
/// character: a date, a number or a choice. `kind` is the input type, such
/// as `date` or `number`. The value is sent when the user leaves the field
/// or picks a date.
#[component]
pub fn ValueField(
    /// The visible label.
    #[prop(into)]
    label: String,
    /// The input type.
    #[prop(into)]
    kind: String,
    /// The current value in the document, as the input shows it.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the new value.
    #[prop(into)]
    on_change: Callback<String>,
    /// A hook for end-to-end tests.
    #[prop(optional, into)]
    test_id: String,
) -> impl IntoView {
    view! {
        <label class="field">
            <span class="field-label">{label}</span>
            <input
                type=kind
                step="any"
                data-testid=test_id
                prop:value=move || value.get()
                on:change=move |event| on_change.run(event_target_value(&event))
            />
        </label>
    }
}

/// A labelled drop-down of named options: pairs of the stored value and the
/// label shown.
#[component]
pub fn SelectField(
    /// The visible label.
    #[prop(into)]
    label: String,
    /// The options: stored value and label.
    options: Vec<(&'static str, &'static str)>,
    /// The selected stored value.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the newly selected stored value.
    #[prop(into)]
    on_change: Callback<String>,
    /// A hook for end-to-end tests.
    #[prop(optional, into)]
    test_id: String,
) -> impl IntoView {
    let options = options
        .into_iter()
        .map(|(stored, shown)| {
            view! {
                <option value=stored selected=move || value.get() == stored>
                    {shown}
                </option>
            }
        })
        .collect_view();

    view! {
        <label class="field">
            <span class="field-label">{label}</span>
            <select
                data-testid=test_id
                prop:value=move || value.get()
                on:change=move |event| on_change.run(event_target_value(&event))
            >
                {options}
            </select>
        </label>
    }
}

#[cfg(test)]
mod tests {
    use super::shift_caret;

    #[test]
    fn caret_stays_before_remote_insert_after_it() {
        assert_eq!(shift_caret("hello", "hello world", 2), 2);
    }

    #[test]
    fn caret_moves_with_remote_insert_before_it() {
        assert_eq!(shift_caret("world", "hello world", 3), 9);
    }

    #[test]
    fn caret_moves_back_with_remote_delete_before_it() {
        assert_eq!(shift_caret("hello world", "world", 8), 2);
    }

    #[test]
    fn caret_inside_replaced_text_goes_to_its_end() {
        assert_eq!(shift_caret("abcdef", "abXYZef", 3), 5);
    }

    #[test]
    fn caret_counts_utf16_units() {
        assert_eq!(shift_caret("é", "€é", 1), 2);
    }
}
