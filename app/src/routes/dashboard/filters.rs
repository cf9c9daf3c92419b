//! The filter bar of the district view: school, focus area, review status
//! and school year, each a select whose choice goes into the page's address.
//!
//! The choices are the values of the plans the person may read, whatever
//! the other filters, so a filter can always be undone. Choosing one loads
//! the new address, so the back button returns to the view before.

use cairn_plan::dashboard::{DashboardFilters, FilterOptions};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use super::query::{dashboard_href, DASHBOARD_PATH};
use crate::labels;

/// One of the four filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterKey {
    School,
    FocusArea,
    Status,
    SchoolYear,
}

impl FilterKey {
    pub const ALL: [FilterKey; 4] = [
        FilterKey::School,
        FilterKey::FocusArea,
        FilterKey::Status,
        FilterKey::SchoolYear,
    ];

    fn label(self) -> &'static str {
        match self {
            FilterKey::School => "School",
            FilterKey::FocusArea => "Focus area",
            FilterKey::Status => "Status",
            FilterKey::SchoolYear => "School year",
        }
    }

    /// Returns the label of the choice that leaves the filter unset.
    fn any_label(self) -> &'static str {
        match self {
            FilterKey::School => "All schools",
            FilterKey::FocusArea => "All focus areas",
            FilterKey::Status => "All statuses",
            FilterKey::SchoolYear => "All school years",
        }
    }

    fn test_id(self) -> &'static str {
        match self {
            FilterKey::School => "filter-school",
            FilterKey::FocusArea => "filter-focus-area",
            FilterKey::Status => "filter-status",
            FilterKey::SchoolYear => "filter-school-year",
        }
    }

    /// Returns the filter's value as its select stores it, or an empty
    /// string when the filter is unset.
    pub fn value(self, filters: &DashboardFilters) -> String {
        match self {
            FilterKey::School => filters.school_id.map(|id| id.to_string()),
            FilterKey::FocusArea => filters.focus_area.clone(),
            FilterKey::Status => filters.status.map(|status| status.as_str().to_owned()),
            FilterKey::SchoolYear => filters.school_year.clone(),
        }
        .unwrap_or_default()
    }

    /// Lists the select's choices as (value, label) after the one that
    /// leaves the filter unset. A value set in the address that no plan has
    /// is listed too, so the select shows what the view is narrowed to.
    pub fn choices(
        self,
        options: &FilterOptions,
        filters: &DashboardFilters,
    ) -> Vec<(String, String)> {
        let mut choices: Vec<(String, String)> = match self {
            FilterKey::School => options
                .schools
                .iter()
                .map(|school| (school.id.to_string(), school.name.clone()))
                .collect(),
            FilterKey::FocusArea => options
                .focus_areas
                .iter()
                .map(|focus_area| (focus_area.clone(), focus_area.clone()))
                .collect(),
            FilterKey::Status => options
                .statuses
                .iter()
                .map(|status| {
                    (
                        status.as_str().to_owned(),
                        labels::plan_status(*status).to_owned(),
                    )
                })
                .collect(),
            FilterKey::SchoolYear => options
                .school_years
                .iter()
                .map(|year| (year.clone(), year.clone()))
                .collect(),
        };

        let current = self.value(filters);
        if !current.is_empty() && !choices.iter().any(|(value, _)| *value == current) {
            let label = match self {
                FilterKey::School => "A school with no plan you may read".to_owned(),
                FilterKey::Status => filters
                    .status
                    .map(|status| labels::plan_status(status).to_owned())
                    .unwrap_or_default(),
                FilterKey::FocusArea | FilterKey::SchoolYear => current.clone(),
            };
            choices.push((current, label));
        }
        choices
    }

    /// Returns `filters` with this filter set to `value`, or unset when
    /// `value` is empty. A value that does not parse unsets the filter.
    pub fn apply(self, filters: &DashboardFilters, value: &str) -> DashboardFilters {
        let value = value.trim();
        let text = (!value.is_empty()).then(|| value.to_owned());
        let mut next = filters.clone();
        match self {
            FilterKey::School => next.school_id = text.and_then(|text| text.parse().ok()),
            FilterKey::FocusArea => next.focus_area = text,
            FilterKey::Status => next.status = text.and_then(|text| text.parse().ok()),
            FilterKey::SchoolYear => next.school_year = text,
        }
        next
    }
}

/// Renders the four filter selects and a link that clears them.
#[component]
pub fn FilterBar(filters: Memo<DashboardFilters>, options: Memo<FilterOptions>) -> impl IntoView {
    let selects = FilterKey::ALL
        .into_iter()
        .map(|key| view! { <FilterSelect key filters options/> })
        .collect_view();

    view! {
        <form class="filter-bar" aria-label="Dashboard filters" on:submit=|event| event.prevent_default()>
            {selects}
            <a class="button" href=DASHBOARD_PATH hidden=move || filters.with(DashboardFilters::is_empty) data-testid="clear-filters">
                "Clear filters"
            </a>
        </form>
    }
}

#[component]
fn FilterSelect(
    key: FilterKey,
    filters: Memo<DashboardFilters>,
    options: Memo<FilterOptions>,
) -> impl IntoView {
    let navigate = use_navigate();
    let on_change = move |event: leptos::ev::Event| {
        let next = key.apply(&filters.get_untracked(), &event_target_value(&event));
        navigate(&dashboard_href(&next), NavigateOptions::default());
    };
    let current = move || key.value(&filters.get());
    let choices = move || {
        let current = current();
        let choices = options.with(|options| filters.with(|filters| key.choices(options, filters)));
        choices
            .into_iter()
            .map(|(value, label)| {
                let selected = value == current;
                view! { <option value=value selected=selected>{label}</option> }
            })
            .collect_view()
    };

    view! {
        <label class="field">
            <span class="field-label">{key.label()}</span>
            <select data-testid=key.test_id() prop:value=current on:change=on_change>
                <option value="" selected=move || current().is_empty()>{key.any_label()}</option>
                {choices}
            </select>
        </label>
    }
}

#[cfg(test)]
mod tests {
    use cairn_plan::dashboard::SchoolOption;
    use cairn_plan::PlanStatus;

    use super::*;

    fn options() -> FilterOptions {
        FilterOptions {
            schools: vec![SchoolOption {
                id: "67e55044-10b1-426f-9247-bb680e5fe0c8".parse().unwrap(),
                name: "Oak Elementary".to_owned(),
            }],
            focus_areas: vec!["Literacy".to_owned()],
            statuses: vec![PlanStatus::Draft, PlanStatus::Active],
            school_years: vec!["2026-27".to_owned()],
        }
    }

    #[test]
    fn choices_come_from_the_options() {
        let filters = DashboardFilters::default();

        assert_eq!(
            FilterKey::School.choices(&options(), &filters),
            [(
                "67e55044-10b1-426f-9247-bb680e5fe0c8".to_owned(),
                "Oak Elementary".to_owned()
            )]
        );
        assert_eq!(
            FilterKey::Status.choices(&options(), &filters),
            [
                ("draft".to_owned(), "Draft".to_owned()),
                ("active".to_owned(), "Active".to_owned())
            ]
        );
    }

    #[test]
    fn choices_keep_value_without_plans() {
        let filters = DashboardFilters {
            status: Some(PlanStatus::Closed),
            focus_area: Some("Attendance".to_owned()),
            ..DashboardFilters::default()
        };

        let statuses = FilterKey::Status.choices(&options(), &filters);
        let focus_areas = FilterKey::FocusArea.choices(&options(), &filters);

        assert_eq!(
            statuses.last().unwrap(),
            &("closed".to_owned(), "Closed".to_owned())
        );
        assert_eq!(
            focus_areas.last().unwrap(),
            &("Attendance".to_owned(), "Attendance".to_owned())
        );
    }

    #[test]
    fn applying_a_choice_keeps_the_other_filters() {
        let filters = DashboardFilters {
            status: Some(PlanStatus::Active),
            ..DashboardFilters::default()
        };

        let narrowed = FilterKey::SchoolYear.apply(&filters, "2026-27");
        let cleared = FilterKey::Status.apply(&narrowed, "");

        assert_eq!(narrowed.status, Some(PlanStatus::Active));
        assert_eq!(narrowed.school_year.as_deref(), Some("2026-27"));
        assert_eq!(cleared.status, None);
        assert_eq!(cleared.school_year.as_deref(), Some("2026-27"));
    }

    #[test]
    fn value_reads_each_filter() {
        let filters = FilterKey::School.apply(
            &DashboardFilters::default(),
            "67e55044-10b1-426f-9247-bb680e5fe0c8",
        );

        assert_eq!(
            FilterKey::School.value(&filters),
            "67e55044-10b1-426f-9247-bb680e5fe0c8"
        );
        assert_eq!(FilterKey::Status.value(&filters), "");
    }
}
