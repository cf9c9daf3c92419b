//! The plan's toolbar: undo and redo of this tab's own edits, the exports,
//! the print view, the plan's history, and sharing for people who may
//! share the plan. Everything but undo and redo works on a read-only plan.
//!
//! Ctrl+Z (Cmd+Z on a Mac) undoes and Ctrl+Shift+Z or Ctrl+Y redoes
//! anywhere on the plan page, text fields included. The plan document, not
//! the text field, contains the edit history, so the field's own undo would
//! fall out of step with it.

use leptos::prelude::*;

use super::history::HistoryPanel;
use super::share::SharePanel;
use super::use_plan;
use crate::workspace::use_workspace;

/// The history step a keyboard shortcut on the plan page requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryKey {
    Undo,
    Redo,
}

/// Reads a key press as undo or redo: `z` with Ctrl or Cmd undoes, with
/// Shift too it redoes, and `y` with Ctrl or Cmd redoes.
pub fn history_key(key: &str, control: bool, shift: bool) -> Option<HistoryKey> {
    if !control {
        return None;
    }
    match (key.to_ascii_lowercase().as_str(), shift) {
        ("z", false) => Some(HistoryKey::Undo),
        ("z", true) | ("y", false) => Some(HistoryKey::Redo),
        _ => None,
    }
}

#[component]
pub fn PlanTools() -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();
    let history = Memo::new(move |_| workspace.history_state(context.id));
    let can_undo = move || history.get().0 && !context.read_only.get();
    let can_redo = move || history.get().1 && !context.read_only.get();
    let can_share = Memo::new(move |_| {
        context
            .access
            .with(|access| access.as_ref().is_some_and(|access| access.can_share))
    });
    let history_open = RwSignal::new(false);
    let share_open = RwSignal::new(false);

    let export = move |format: ExportFormat| {
        let Some(plan) = context.plan.get_untracked() else {
            return;
        };
        let (text, extension, mime) = match format {
            ExportFormat::Csv => (cairn_plan::export_csv(&plan), "csv", "text/csv"),
            ExportFormat::Json => (
                cairn_plan::to_json_string_pretty(&plan),
                "json",
                "application/json",
            ),
        };
        #[cfg(feature = "hydrate")]
        {
            let file_name = format!(
                "{}.{extension}",
                crate::browser::download::file_stem(&plan.title)
            );
            if let Err(error) = crate::browser::download::download_text(&file_name, mime, &text) {
                workspace.report(error);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (text, extension, mime);
    };

    view! {
        <nav class="plan-tools" aria-label="Plan tools">
            <button
                type="button"
                disabled=move || !can_undo()
                on:click=move |_| workspace.undo(context.id)
                aria-keyshortcuts="Control+Z"
                data-testid="undo"
            >
                "Undo"
            </button>
            <button
                type="button"
                disabled=move || !can_redo()
                on:click=move |_| workspace.redo(context.id)
                aria-keyshortcuts="Control+Shift+Z Control+Y"
                data-testid="redo"
            >
                "Redo"
            </button>
            <button type="button" on:click=move |_| export(ExportFormat::Csv) data-testid="export-csv">"Export CSV"</button>
            <button type="button" on:click=move |_| export(ExportFormat::Json) data-testid="export-json">"Export JSON"</button>
            <a class="button" href=format!("/plans/{}/print", context.id) data-testid="print-view">"Print view"</a>
            <button
                type="button"
                aria-expanded=move || history_open.get().to_string()
                aria-controls=move || history_open.get().then_some("plan-history")
                on:click=move |_| history_open.update(|open| *open = !*open)
                data-testid="history-toggle"
            >
                "History"
            </button>
            <Show when=move || can_share.get()>
                <button
                    type="button"
                    aria-expanded=move || share_open.get().to_string()
                    aria-controls=move || share_open.get().then_some("plan-share")
                    on:click=move |_| share_open.update(|open| *open = !*open)
                    data-testid="share-toggle"
                >
                    "Share"
                </button>
            </Show>
        </nav>
        <Show when=move || history_open.get()>
            <HistoryPanel/>
        </Show>
        <Show when=move || share_open.get() && can_share.get()>
            <SharePanel/>
        </Show>
    }
}

#[derive(Clone, Copy)]
enum ExportFormat {
    Csv,
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_z_undoes() {
        assert_eq!(history_key("z", true, false), Some(HistoryKey::Undo));
    }

    #[test]
    fn control_shift_z_redoes() {
        assert_eq!(history_key("Z", true, true), Some(HistoryKey::Redo));
    }

    #[test]
    fn control_y_redoes() {
        assert_eq!(history_key("y", true, false), Some(HistoryKey::Redo));
    }

    #[test]
    fn z_alone_types() {
        assert_eq!(history_key("z", false, false), None);
    }
}
