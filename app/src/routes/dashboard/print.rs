//! The print view of the district view at `/dashboard/print`, under the
//! same filters: every chart and table as a plain document for a board
//! meeting, which the browser's print to PDF turns into a file. The print
//! style sheet hides the site header and the buttons, and the page leaves
//! out the filters and the Download CSV buttons.

use leptos::prelude::*;

use super::format::{date_text, filters_summary};
use super::query::dashboard_href;
use super::widgets::{Freshness, PrintLayout};
use super::{use_address_filters, use_district_view, AddressFilters, DistrictFigures, SUBJECT};
use crate::session::use_session;

/// Renders the page at `/dashboard/print`.
#[component]
pub fn DashboardPrintPage() -> impl IntoView {
    provide_context(PrintLayout);
    let session = use_session();
    let AddressFilters { filters, .. } = use_address_filters();
    let data = use_district_view(filters);

    let district = move || {
        session
            .signed_in()
            .map(|signed_in| signed_in.district.name)
            .unwrap_or_default()
    };
    let summary = move || {
        data.data.with(|dashboard| {
            dashboard.as_ref().map(|dashboard| {
                format!(
                    "{}. Figures counted on {}.",
                    filters_summary(&dashboard.filters, &dashboard.options),
                    date_text(dashboard.today)
                )
            })
        })
    };

    view! {
        <nav class="print-tools" aria-label="Print view tools">
            <a class="button" href=move || dashboard_href(&filters.get()) data-testid="back-to-dashboard">"Back to the dashboard"</a>
            <button type="button" class="primary" on:click=move |_| print_page() data-testid="print">"Print or save as PDF"</button>
        </nav>
        <article class="print-view dashboard dashboard-print" data-testid="dashboard-print">
            <header>
                <h1>"MTSS action plans dashboard"</h1>
                <p class="print-district">{district}</p>
                <p data-testid="print-summary">{summary}</p>
            </header>
            <Freshness subject=SUBJECT fetched_at=data.fetched_at offline=data.offline/>
            <DistrictFigures data/>
        </article>
    }
}

fn print_page() {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        if let Err(error) = window.print() {
            leptos::logging::warn!("opening the print dialog failed: {error:?}");
        }
    }
}
