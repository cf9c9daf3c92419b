//! The leaders' dashboard: figures across every plan the signed-in person
//! may read, with a drill-down from the district to a school, a plan and a
//! SMART goal.
//!
//! - `/dashboard` is the district view. Its filters (school, focus area,
//!   review status, school year) live in the query string, and choosing a
//!   school in the schools table narrows the view to that school.
//! - `/dashboard/plans/:id` is one plan's figures, and
//!   `/dashboard/plans/:id/goals/:goal_id` one goal's.
//! - `/dashboard/print` lays the district view out for printing.
//!
//! The figures come from `GET /api/dashboard` and
//! `GET /api/dashboard/plans/{id}`, which the server builds from its plan
//! index (`cairn_plan::dashboard`); the pages never load a plan document.
//! They update live from the server's event stream, and the last response
//! of each view is kept on the device for offline use ([`load`]).

pub mod cache;
mod charts;
mod district;
mod filters;
mod format;
mod goal_detail;
mod load;
mod plan_detail;
mod print;
mod query;
mod widgets;

use cairn_plan::dashboard::{DashboardFilters, DashboardView, FilterOptions};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

pub use self::goal_detail::GoalDetailPage;
pub use self::plan_detail::PlanDetailPage;
pub use self::print::DashboardPrintPage;

use self::district::DistrictSections;
use self::filters::FilterBar;
use self::load::{use_view_data, Phase, ViewData};
use self::query::{dashboard_api_url, filters_from_query, print_href, DASHBOARD_PATH};
use self::widgets::{Breadcrumbs, Crumb, Freshness, PhaseNotice};

/// The name of the district view's figures in its loading and error notices.
const SUBJECT: &str = "the dashboard";

/// The filters of the page's address, with a sentence for each value that
/// is not a valid filter.
struct AddressFilters {
    filters: Memo<DashboardFilters>,
    problems: Memo<Vec<String>>,
}

/// Reads the filters from the page's query string.
fn use_address_filters() -> AddressFilters {
    let query = use_query_map();
    let parsed = Memo::new(move |_| query.with(|query| filters_from_query(|key| query.get(key))));
    AddressFilters {
        filters: Memo::new(move |_| parsed.with(|(filters, _)| filters.clone())),
        problems: Memo::new(move |_| parsed.with(|(_, problems)| problems.clone())),
    }
}

/// Fetches the district view under the address's filters and keeps it
/// current. Every change event concerns it, because the server sends only
/// the plans the person may read.
fn use_district_view(filters: Memo<DashboardFilters>) -> ViewData<DashboardView> {
    let url = Signal::derive(move || dashboard_api_url(&filters.get()));
    use_view_data(url, |_| true)
}

/// Returns the breadcrumbs of the district view: the district, then the
/// school the view is narrowed to.
fn district_crumbs(filters: &DashboardFilters, options: &FilterOptions) -> Vec<Crumb> {
    let mut crumbs = vec![Crumb::link("District", DASHBOARD_PATH)];
    if let Some(id) = filters.school_id {
        let name = options
            .schools
            .iter()
            .find(|school| school.id == id)
            .map_or_else(|| "School".to_owned(), |school| school.name.clone());
        crumbs.push(Crumb::text(name));
    }
    crumbs
}

/// Renders the page at `/dashboard`.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let AddressFilters { filters, problems } = use_address_filters();
    let data = use_district_view(filters);

    // The selects keep the last options while a new view loads, so they do
    // not empty out between two choices.
    let options = Memo::new(move |previous: Option<&FilterOptions>| {
        data.data
            .with(|data| data.as_ref().map(|dashboard| dashboard.options.clone()))
            .or_else(|| previous.cloned())
            .unwrap_or_default()
    });
    let crumbs =
        Signal::derive(move || options.with(|options| district_crumbs(&filters.get(), options)));

    view! {
        <section class="dashboard" aria-labelledby="dashboard-title">
            <div class="page-heading">
                <h1 id="dashboard-title">"Dashboard"</h1>
                <a class="button" href=move || print_href(&filters.get()) data-testid="dashboard-print-link">"Print view"</a>
            </div>
            <Breadcrumbs crumbs/>
            <FilterBar filters options/>
            {move || {
                problems
                    .get()
                    .into_iter()
                    .map(|problem| view! { <p class="notice" role="status">{problem}</p> })
                    .collect_view()
            }}
            <Freshness subject=SUBJECT fetched_at=data.fetched_at offline=data.offline/>
            <DistrictFigures data/>
        </section>
    }
}

/// Renders the district view's sections once they are loaded, or the
/// notice in their place.
#[component]
fn DistrictFigures(data: ViewData<DashboardView>) -> impl IntoView {
    move || match data.phase.get() {
        Phase::Ready => match data.data.get_untracked() {
            Some(first) => view! { <DistrictSections dashboard=data.ready(first)/> }.into_any(),
            None => view! { <PhaseNotice phase=Phase::Loading subject=SUBJECT/> }.into_any(),
        },
        phase => view! { <PhaseNotice phase subject=SUBJECT/> }.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use cairn_plan::dashboard::SchoolOption;

    use super::*;

    #[test]
    fn crumbs_name_the_chosen_school() {
        let oak = SchoolOption {
            id: "67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap(),
            name: "Oak Elementary".to_owned(),
        };
        let options = FilterOptions {
            schools: vec![oak.clone()],
            ..FilterOptions::default()
        };
        let filters = DashboardFilters {
            school_id: Some(oak.id),
            ..DashboardFilters::default()
        };

        let crumbs = district_crumbs(&filters, &options);

        assert_eq!(
            crumbs,
            [
                Crumb::link("District", "/dashboard"),
                Crumb::text("Oak Elementary")
            ]
        );
        assert_eq!(
            district_crumbs(&DashboardFilters::default(), &options),
            [Crumb::link("District", "/dashboard")]
        );
    }
}
