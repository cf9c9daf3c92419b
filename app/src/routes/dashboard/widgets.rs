//! Small pieces every dashboard page uses: breadcrumbs, the Download CSV
//! button, the line that states how fresh the figures are, and the notices
//! shown in place of figures that could not be loaded.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::load::Phase;
use super::query::DASHBOARD_PATH;
use crate::routes::plan_page::history::local_time_text;
use crate::session::sign_in_href;
use crate::workspace::use_workspace;

/// Provided by the print view: tools such as the Download CSV buttons are
/// left out of the page.
#[derive(Clone, Copy, Debug)]
pub struct PrintLayout;

/// Returns whether the page is the print view.
pub fn is_print_layout() -> bool {
    use_context::<PrintLayout>().is_some()
}

/// One step of the breadcrumbs: a level of the drill-down.
#[derive(Clone, Debug, PartialEq)]
pub struct Crumb {
    pub label: String,
    /// The level's page; `None` for a level that has no page of its own.
    pub href: Option<String>,
}

impl Crumb {
    pub fn link(label: impl Into<String>, href: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            href: Some(href.into()),
        }
    }

    pub fn text(label: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            href: None,
        }
    }
}

/// Renders the path from the district down to the page shown, whose own
/// step comes last and is not a link.
#[component]
pub fn Breadcrumbs(#[prop(into)] crumbs: Signal<Vec<Crumb>>) -> impl IntoView {
    let items = move || {
        let crumbs = crumbs.get();
        let last = crumbs.len().saturating_sub(1);
        crumbs
            .into_iter()
            .enumerate()
            .map(|(position, crumb)| match crumb.href {
                Some(href) if position < last => {
                    view! { <li><a href=href>{crumb.label}</a></li> }.into_any()
                }
                _ if position == last => {
                    view! { <li aria-current="page">{crumb.label}</li> }.into_any()
                }
                _ => view! { <li>{crumb.label}</li> }.into_any(),
            })
            .collect_view()
    };

    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumbs" data-testid="breadcrumbs">
            <ol>{items}</ol>
        </nav>
    }
}

/// A CSV file the page offers.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvFile {
    pub name: String,
    pub text: String,
}

/// Renders the Download CSV button of a table. The file is written from the
/// figures on screen when the button is pressed, so it works offline too.
/// The print view leaves the button out.
#[component]
pub fn CsvButton(
    /// The table's name, for the button's accessible name, such as
    /// "overdue items".
    table: &'static str,
    /// Writes the file.
    file: Callback<(), CsvFile>,
    #[prop(into)] test_id: String,
) -> impl IntoView {
    if is_print_layout() {
        return ().into_any();
    }
    let workspace = use_workspace();
    let download = move |_| {
        let file = file.run(());
        #[cfg(feature = "hydrate")]
        if let Err(error) = crate::browser::download::download_text(
            &file.name,
            "text/csv;charset=utf-8",
            &file.text,
        ) {
            workspace.report(error);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (file, workspace);
    };

    view! {
        <button type="button" class="csv-button" on:click=download aria-label=format!("Download the {table} as CSV") data-testid=test_id>
            "Download CSV"
        </button>
    }
    .into_any()
}

/// Renders a section of a dashboard page: a heading with the Download CSV
/// button of its table, then the chart and the table.
#[component]
pub fn Section(
    /// The section's id, which also names its heading and CSV button.
    id: &'static str,
    title: &'static str,
    /// The table's name for the CSV button, such as "overdue items".
    table: &'static str,
    /// Writes the table's CSV file; a section without one has no button.
    #[prop(optional)]
    file: Option<Callback<(), CsvFile>>,
    children: Children,
) -> impl IntoView {
    let heading = format!("{id}-heading");
    let labelled_by = heading.clone();
    view! {
        <section class="dashboard-section" aria-labelledby=labelled_by data-testid=id>
            <div class="section-heading">
                <h2 id=heading>{title}</h2>
                {file.map(|file| view! { <CsvButton table file test_id=format!("{id}-csv")/> })}
            </div>
            {children()}
        </section>
    }
}

/// Returns the line that states when the figures were fetched. Live ones
/// update by themselves, and saved ones are shown because the device is
/// offline. `subject` names what is shown, such as "the dashboard".
pub fn freshness_text(subject: &str, offline: bool, time_text: &str) -> String {
    if offline {
        format!("Offline: showing {subject} as of {time_text}.")
    } else {
        format!("Updated {time_text}. The figures update by themselves when a plan changes.")
    }
}

/// Renders the freshness line of a page's figures.
#[component]
pub fn Freshness(
    subject: &'static str,
    fetched_at: Memo<Option<DateTime<Utc>>>,
    offline: Memo<bool>,
) -> impl IntoView {
    move || {
        fetched_at.get().map(|time| {
            let offline = offline.get();
            let text = freshness_text(subject, offline, &local_time_text(time));
            if offline {
                view! { <p class="notice offline-notice" role="status" data-testid="dashboard-offline">{text}</p> }.into_any()
            } else {
                view! { <p class="freshness" data-testid="dashboard-updated">{text}</p> }.into_any()
            }
        })
    }
}

/// Renders the notice shown in place of missing figures: loading, or why
/// they could not be loaded and what to do. `subject` names what is
/// missing, such as "the dashboard".
#[component]
pub fn PhaseNotice(phase: Phase, subject: &'static str) -> impl IntoView {
    match phase {
        Phase::Loading | Phase::Ready => view! {
            <p class="notice" role="status" data-testid="dashboard-loading">{format!("Loading {subject}…")}</p>
        }
        .into_any(),
        Phase::NeedsConnection => view! {
            <p class="notice" role="status" data-testid="dashboard-needs-connection">
                {format!(
                    "The server cannot be reached, and this device has no saved copy of {subject} for this view. \
                     The figures appear when the connection returns. A view opened once while online is kept for offline use."
                )}
            </p>
        }
        .into_any(),
        Phase::SignedOut => view! {
            <p class="notice" role="alert">
                {format!("Your session has ended. Sign in again to see {subject}. ")}
                <a href=sign_in_href(DASHBOARD_PATH)>"Sign in"</a>
            </p>
        }
        .into_any(),
        Phase::NotFound => view! {
            <p class="notice" role="alert" data-testid="dashboard-not-found">
                "There is no plan you can read under this id. It may have been removed, or your access to it was removed. "
                <a href=DASHBOARD_PATH>"Back to the dashboard"</a>
            </p>
        }
        .into_any(),
        Phase::Failed(message) => view! {
            <p class="notice" role="alert" data-testid="dashboard-failed">
                {format!("{} could not be loaded: {message}. Reload the page to try again.", capitalized(subject))}
            </p>
        }
        .into_any(),
    }
}

fn capitalized(text: &str) -> String {
    let mut letters = text.chars();
    letters
        .next()
        .map(|first| first.to_uppercase().chain(letters).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_line_names_the_time() {
        assert_eq!(
            freshness_text("the dashboard", true, "Dec 5, 2026, 9:14 AM"),
            "Offline: showing the dashboard as of Dec 5, 2026, 9:14 AM."
        );
    }

    #[test]
    fn live_line_says_figures_update() {
        assert!(freshness_text("the dashboard", false, "9:14 AM").starts_with("Updated 9:14 AM."));
    }

    #[test]
    fn capitalized_first_letter() {
        assert_eq!(capitalized("the dashboard"), "The dashboard");
        assert_eq!(capitalized(""), "");
    }
}
