//! The HTML shell and the router.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::notice::NoticeBanner;
use crate::routes::plan_history::PlanHistoryPage;
use crate::routes::{plan_list::PlanListPage, plan_page::PlanPage, print_view::PrintPage};
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

    let workspace = Workspace::new();
    provide_context(workspace);
    Effect::new(move |_| workspace.start());

    view! {
        <Stylesheet id="cairn" href="/pkg/cairn.css"/>
        <Title text="Cairn"/>
        <Router>
            <header class="site-header">
                <a class="brand" href="/">"Cairn"</a>
            </header>
            <main>
                <NoticeBanner/>
                <Routes fallback=|| view! { <p>"Page not found."</p> }>
                    <Route path=path!("/") view=PlanListPage/>
                    <Route path=path!("/plans/:id") view=PlanPage/>
                    <Route path=path!("/plans/:id/print") view=PrintPage/>
                    <Route path=path!("/plans/:id/history/:point") view=PlanHistoryPage/>
                </Routes>
            </main>
        </Router>
    }
}
