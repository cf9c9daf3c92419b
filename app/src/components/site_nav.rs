//! The site's main links in the header, for a signed-in person: the plan
//! list and the dashboard.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::session::use_session;

/// Returns whether the page at `path` belongs to the section that starts at
/// `section`: the dashboard and its drill-down, or the plan list and the
/// plans.
fn in_section(path: &str, section: &str) -> bool {
    match section {
        "/dashboard" => path == "/dashboard" || path.starts_with("/dashboard/"),
        "/" => path == "/" || path.starts_with("/plans/"),
        _ => path == section,
    }
}

/// Renders the main links. It stays empty until the browser has read the
/// stored person, as in the server's render, and for someone signed out.
#[component]
pub fn SiteNav() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let signed_in = Memo::new(move |_| session.is_known() && session.user().is_some());

    let link = move |href: &'static str, label: &'static str, test_id: &'static str| {
        let current = move || in_section(&location.pathname.get(), href).then_some("page");
        view! { <a href=href aria-current=current data-testid=test_id>{label}</a> }
    };

    move || {
        signed_in.get().then(|| {
            view! {
                <nav class="site-nav" aria-label="Main">
                    {link("/", "Plans", "nav-plans")}
                    {link("/dashboard", "Dashboard", "nav-dashboard")}
                </nav>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashboard_section_holds_its_drill_down() {
        assert!(in_section("/dashboard", "/dashboard"));
        assert!(in_section("/dashboard/plans/p1/goals/g1", "/dashboard"));
        assert!(!in_section("/dashboards", "/dashboard"));
    }

    #[test]
    fn plans_section_holds_the_plan_pages() {
        assert!(in_section("/", "/"));
        assert!(in_section("/plans/p1/print", "/"));
        assert!(!in_section("/dashboard", "/"));
    }
}
