//! The dashboard's addresses: the filters kept in a page's query string,
//! the pages of the drill-down, and the API routes each page fetches.
//!
//! The filters live in the address, so a view can be linked and the back
//! button returns to the previous one. The page and the API use the same
//! query keys: `school_id`, `focus_area`, `status` and `school_year`, each
//! left out when not set.

use cairn_plan::dashboard::DashboardFilters;
use cairn_plan::PlanStatus;
use chrono::NaiveDate;
use uuid::Uuid;

use crate::routes::plan_page::requests::encode_segment;

/// The district view.
pub const DASHBOARD_PATH: &str = "/dashboard";

/// The print view of the district view.
pub const PRINT_PATH: &str = "/dashboard/print";

/// The API route of the district view.
const DASHBOARD_API: &str = "/api/dashboard";

const SCHOOL_ID: &str = "school_id";
const FOCUS_AREA: &str = "focus_area";
const STATUS: &str = "status";
const SCHOOL_YEAR: &str = "school_year";

/// Reads the filters from a query string through `value_of`, which returns
/// the decoded value of a key. Empty values count as not set.
///
/// Returns the filters and one sentence for each value that is not a valid
/// filter. Such a value is left out, so the view shows more, not less.
pub fn filters_from_query(
    value_of: impl Fn(&str) -> Option<String>,
) -> (DashboardFilters, Vec<String>) {
    let present = |key: &str| {
        value_of(key)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    };
    let mut problems = Vec::new();

    let school_id = present(SCHOOL_ID).and_then(|text| match text.parse::<Uuid>() {
        Ok(id) => Some(id),
        Err(_) => {
            problems.push(format!(
                "The school in this address, “{text}”, is not a school id, so every school is shown."
            ));
            None
        }
    });
    let status = present(STATUS).and_then(|text| match text.parse::<PlanStatus>() {
        Ok(status) => Some(status),
        Err(_) => {
            let known: Vec<&str> = PlanStatus::ALL.iter().map(|status| status.as_str()).collect();
            problems.push(format!(
                "The status in this address, “{text}”, is not a plan status, so every status is shown. \
                 The statuses are {}.",
                known.join(", ")
            ));
            None
        }
    });

    let filters = DashboardFilters {
        school_id,
        focus_area: present(FOCUS_AREA),
        status,
        school_year: present(SCHOOL_YEAR),
    };
    (filters, problems)
}

/// Writes the filters that are set as a query string, without the `?`.
pub fn query_string(filters: &DashboardFilters) -> String {
    let pairs = [
        (SCHOOL_ID, filters.school_id.map(|id| id.to_string())),
        (FOCUS_AREA, filters.focus_area.clone()),
        (
            STATUS,
            filters.status.map(|status| status.as_str().to_owned()),
        ),
        (SCHOOL_YEAR, filters.school_year.clone()),
    ];
    pairs
        .into_iter()
        .filter_map(|(key, value)| {
            let value = value?;
            (!value.is_empty()).then(|| format!("{key}={}", encode_segment(&value)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Joins `path` and the query of `filters`.
fn with_filters(path: &str, filters: &DashboardFilters) -> String {
    let query = query_string(filters);
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// Returns the address of the district view under `filters`.
pub fn dashboard_href(filters: &DashboardFilters) -> String {
    with_filters(DASHBOARD_PATH, filters)
}

/// Returns the address of the print view under `filters`.
pub fn print_href(filters: &DashboardFilters) -> String {
    with_filters(PRINT_PATH, filters)
}

/// Returns the address of the district view narrowed to one school, with
/// the other filters kept. This is the drill-down from district to school.
pub fn school_href(filters: &DashboardFilters, school_id: Uuid) -> String {
    let narrowed = DashboardFilters {
        school_id: Some(school_id),
        ..filters.clone()
    };
    dashboard_href(&narrowed)
}

/// Returns the API address of the district view under `filters`.
pub fn dashboard_api_url(filters: &DashboardFilters) -> String {
    with_filters(DASHBOARD_API, filters)
}

/// Adds the browser's date to an API address as `today`. The server counts
/// overdue items and missed check-ins against it, so they follow the
/// person's calendar rather than the server's time zone.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub fn with_today(api_url: &str, today: NaiveDate) -> String {
    let separator = if api_url.contains('?') { '&' } else { '?' };
    format!("{api_url}{separator}today={}", today.format("%Y-%m-%d"))
}

/// Returns the address of one plan's drill-down page.
pub fn plan_detail_href(plan_id: &str) -> String {
    format!("{DASHBOARD_PATH}/plans/{}", encode_segment(plan_id))
}

/// Returns the address of the drill-down page of one SMART goal of a plan.
pub fn goal_detail_href(plan_id: &str, goal_id: &str) -> String {
    format!(
        "{}/goals/{}",
        plan_detail_href(plan_id),
        encode_segment(goal_id)
    )
}

/// Returns the API address of one plan's drill-down.
pub fn plan_detail_api_url(plan_id: &str) -> String {
    format!("/api/dashboard/plans/{}", encode_segment(plan_id))
}

/// Returns the address of the plan itself, where its team edits it.
pub fn plan_href(plan_id: &str) -> String {
    format!("/plans/{}", encode_segment(plan_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |key| {
            pairs
                .iter()
                .find(|(name, _)| *name == key)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    const OAK: &str = "67e55044-10b1-426f-9247-bb680e5fe0c8";

    #[test]
    fn every_filter_reads_from_query() {
        let (filters, problems) = filters_from_query(query(&[
            ("school_id", OAK),
            ("focus_area", "Literacy"),
            ("status", "active"),
            ("school_year", "2026-27"),
        ]));

        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(filters.school_id, Some(OAK.parse().unwrap()));
        assert_eq!(filters.focus_area.as_deref(), Some("Literacy"));
        assert_eq!(filters.status, Some(PlanStatus::Active));
        assert_eq!(filters.school_year.as_deref(), Some("2026-27"));
    }

    #[test]
    fn empty_values_are_not_filters() {
        let (filters, problems) =
            filters_from_query(query(&[("school_id", ""), ("focus_area", "  ")]));

        assert!(filters.is_empty());
        assert!(problems.is_empty());
    }

    #[test]
    fn invalid_values_are_dropped_and_reported() {
        let (filters, problems) =
            filters_from_query(query(&[("school_id", "oak"), ("status", "done")]));

        assert!(filters.is_empty());
        assert_eq!(problems.len(), 2);
        assert!(problems[0].contains("“oak”"), "{}", problems[0]);
        assert!(problems[1].contains("“done”"), "{}", problems[1]);
        assert!(problems[1].contains("draft, submitted"), "{}", problems[1]);
    }

    #[test]
    fn query_string_encodes_free_text() {
        let filters = DashboardFilters {
            focus_area: Some("Behavior & attendance".to_owned()),
            status: Some(PlanStatus::Submitted),
            ..DashboardFilters::default()
        };

        assert_eq!(
            query_string(&filters),
            "focus_area=Behavior%20%26%20attendance&status=submitted"
        );
        assert_eq!(query_string(&DashboardFilters::default()), "");
    }

    #[test]
    fn filters_round_trip_through_query() {
        let filters = DashboardFilters {
            school_id: Some(OAK.parse().unwrap()),
            focus_area: Some("Reading (K-3)".to_owned()),
            status: Some(PlanStatus::Returned),
            school_year: Some("2026-27".to_owned()),
        };
        let text = query_string(&filters);
        let decoded: Vec<(String, String)> = text
            .split('&')
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap();
                (key.to_owned(), percent_decode(value))
            })
            .collect();

        let (read, problems) = filters_from_query(|key| {
            decoded
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, value)| value.clone())
        });

        assert!(problems.is_empty());
        assert_eq!(read, filters);
    }

    fn percent_decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut index = 0;
        while index < bytes.len() {
            if bytes[index] == b'%' {
                let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                index += 3;
            } else {
                out.push(bytes[index]);
                index += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn addresses_of_pages_and_routes() {
        let filters = DashboardFilters {
            status: Some(PlanStatus::Active),
            ..DashboardFilters::default()
        };

        assert_eq!(dashboard_href(&DashboardFilters::default()), "/dashboard");
        assert_eq!(print_href(&filters), "/dashboard/print?status=active");
        assert_eq!(dashboard_api_url(&filters), "/api/dashboard?status=active");
        assert_eq!(
            school_href(&filters, OAK.parse().unwrap()),
            format!("/dashboard?school_id={OAK}&status=active")
        );
        assert_eq!(plan_detail_href(OAK), format!("/dashboard/plans/{OAK}"));
        assert_eq!(
            goal_detail_href(OAK, "g1"),
            format!("/dashboard/plans/{OAK}/goals/g1")
        );
        assert_eq!(
            plan_detail_api_url(OAK),
            format!("/api/dashboard/plans/{OAK}")
        );
        assert_eq!(plan_href(OAK), format!("/plans/{OAK}"));
    }

    #[test]
    fn today_joins_any_query() {
        let day: NaiveDate = "2026-12-05".parse().unwrap();

        assert_eq!(
            with_today("/api/dashboard", day),
            "/api/dashboard?today=2026-12-05"
        );
        assert_eq!(
            with_today("/api/dashboard?status=active", day),
            "/api/dashboard?status=active&today=2026-12-05"
        );
    }
}
