//! The HTML shell and the router.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::account_menu::AccountMenu;
use crate::components::notice::NoticeBanner;
use crate::components::session_gate::SessionGate;
use crate::components::site_nav::SiteNav;
use crate::components::update_banner::UpdateBanner;
use crate::routes::dashboard::{DashboardPage, DashboardPrintPage, GoalDetailPage, PlanDetailPage};
use crate::routes::plan_history::PlanHistoryPage;
use crate::routes::{account::AccountPage, invite::InvitePage, people::PeoplePage};
use crate::routes::{plan_list::PlanListPage, plan_page::PlanPage, print_view::PrintPage};
use crate::routes::{setup::SetupPage, sign_in::SignInPage};
use crate::session::Session;
use crate::workspace::Workspace;

/// The document around the app, rendered by the server for every route.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <meta name="theme-color" content="#1f2a33"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: header, routes and the sync status.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    // Provided before the workspace, so code built with it can read the
    // session and call `Session::mark_expired`.
    let session = Session::new();
    provide_context(session);
    Effect::new(move |_| session.start());

    let workspace = Workspace::new();
    provide_context(workspace);
    Effect::new(move |_| workspace.start());

    // The sync client learns that the session ended when its WebSocket is
    // refused; the session then shows the sign-in banner and keeps every
    // local edit.
    Effect::new(move |_| {
        if workspace.session_ended.get() {
            session.mark_expired();
        }
    });

    view! {
        <Stylesheet id="cairn" href="/pkg/cairn.css"/>
        <Title text="Cairn"/>
        <Router>
            <header class="site-header">
                <a class="brand" href="/">"Cairn"</a>
                <SiteNav/>
                <AccountMenu/>
            </header>
            <main>
                <SessionGate/>
                <NoticeBanner/>
                <UpdateBanner/>
                <Routes fallback=|| view! { <p>"Page not found."</p> }>
                    <Route path=path!("/") view=PlanListPage/>
                    <Route path=path!("/plans/:id") view=PlanPage/>
                    <Route path=path!("/plans/:id/print") view=PrintPage/>
                    <Route path=path!("/sign-in") view=SignInPage/>
                    <Route path=path!("/setup") view=SetupPage/>
                    <Route path=path!("/invite/:token") view=InvitePage/>
                    <Route path=path!("/people") view=PeoplePage/>
                    <Route path=path!("/account") view=AccountPage/>
                    <Route path=path!("/plans/:id/history/:point") view=PlanHistoryPage/>
                    <Route path=path!("/dashboard") view=DashboardPage/>
                    <Route path=path!("/dashboard/print") view=DashboardPrintPage/>
                    <Route path=path!("/dashboard/plans/:id") view=PlanDetailPage/>
                    <Route path=path!("/dashboard/plans/:id/goals/:goal_id") view=GoalDetailPage/>
                </Routes>
            </main>
        </Router>
    }
}
