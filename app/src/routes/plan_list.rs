//! The list of plans: the server's plan index merged with the plans stored
//! on this device, so the list still works offline.

use cairn_plan::templates::{template, templates};
use cairn_plan::timeline::SchoolYear;
use cairn_plan::Plan;
use cairn_sync::DocumentId;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use serde::Deserialize;

use crate::routes::plan_page::today;
use crate::workspace::use_workspace;

/// The template a new plan starts from unless the user picks another.
const BLANK_TEMPLATE: &str = "blank";

/// One row of the plan list.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct PlanListItem {
    /// The plan's document.
    pub id: DocumentId,
    /// The plan's title.
    #[serde(default)]
    pub title: String,
    /// The school, empty for a district plan.
    #[serde(default)]
    pub school: String,
    /// The district.
    #[serde(default)]
    pub district: String,
    /// The school year, such as `2026-27`.
    #[serde(default)]
    pub school_year: String,
}

/// What the server's plan index returned, or why it could not.
// Only the browser build fetches the list.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
enum ServerList {
    Loading,
    Loaded(Vec<PlanListItem>),
    Unavailable(String),
}

/// The page at `/`.
#[component]
pub fn PlanListPage() -> impl IntoView {
    let workspace = use_workspace();
    let server_list = RwSignal::new(ServerList::Loading);
    let import_result = RwSignal::new(None::<String>);

    Effect::new(move |_| load_server_list(server_list));

    let rows = Memo::new(move |_| {
        let local = workspace.local_plans();
        let mut rows: Vec<(PlanListItem, bool)> = match server_list.get() {
            ServerList::Loaded(items) => items.into_iter().map(|item| (item, false)).collect(),
            _ => Vec::new(),
        };
        for entry in local {
            match rows.iter_mut().find(|(item, _)| item.id == entry.id) {
                Some((_, on_device)) => *on_device = true,
                None => rows.push((
                    PlanListItem {
                        id: entry.id,
                        title: entry.title,
                        school: entry.school,
                        district: String::new(),
                        school_year: entry.school_year,
                    },
                    true,
                )),
            }
        }
        rows
    });

    let navigate = use_navigate();
    let template_key = RwSignal::new(BLANK_TEMPLATE.to_owned());

    // The school years to choose from depend on today's date, which only the
    // browser has, so they fill in after hydration: this school year and
    // the next, for teams that plan ahead in spring.
    let school_years = RwSignal::new(Vec::<String>::new());
    let school_year_choice = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let current = SchoolYear::containing(today());
        let next = SchoolYear::containing(current.last_day + chrono::Days::new(1));
        school_years.set(vec![current.label(), next.label()]);
    });
    let new_plan = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let school_year = school_year_choice
            .get_untracked()
            .unwrap_or_else(|| SchoolYear::containing(today()).label());
        let content = match template(&template_key.get_untracked())
            .map(|template| template.plan(&school_year))
        {
            Some(Ok(plan)) => plan,
            Some(Err(error)) => {
                import_result.set(Some(format!("The template could not be used: {error}")));
                return;
            }
            None => Plan::default(),
        };
        let content = Plan {
            title: if content.title.trim().is_empty() {
                "Untitled plan".to_owned()
            } else {
                content.title
            },
            ..content
        };
        if let Some(id) = workspace.create_plan(&content, None) {
            navigate(&format!("/plans/{id}"), Default::default());
        }
    };
    let template_options = templates()
        .into_iter()
        .map(|template| {
            let key = template.key().to_owned();
            view! { <option value=key.clone() selected=move || template_key.get() == key>{template.name().to_owned()}</option> }
        })
        .collect_view();
    let template_description =
        move || template(&template_key.get()).map(|template| template.description().to_owned());

    view! {
        <section class="plan-list">
            <div class="page-heading">
                <h1>"Action plans"</h1>
                <form class="new-plan" on:submit=new_plan>
                    <label class="field">
                        <span class="field-label">"Start from"</span>
                        <select data-testid="new-plan-template" aria-describedby="template-description" on:change=move |event| template_key.set(event_target_value(&event))>
                            {template_options}
                        </select>
                    </label>
                    <label class="field">
                        <span class="field-label">"School year"</span>
                        <select data-testid="new-plan-school-year" on:change=move |event| school_year_choice.set(Some(event_target_value(&event)))>
                            <For each=move || school_years.get() key=|year| year.clone() let:year>
                                <option value=year.clone()>{year.clone()}</option>
                            </For>
                        </select>
                    </label>
                    <button type="submit" class="primary" data-testid="new-plan">
                        "New plan"
                    </button>
                </form>
                <ImportButton import_result/>
            </div>
            <p id="template-description" class="template-description">{template_description}</p>
            {move || import_result.get().map(|message| view! { <p class="notice" role="status">{message}</p> })}
            {move || match server_list.get() {
                ServerList::Unavailable(reason) => Some(view! {
                    <p class="notice" role="status">
                        "The server's plan list is unavailable (" {reason} "). Showing the plans stored on this device."
                    </p>
                }),
                _ => None,
            }}
            <table class="plans" data-testid="plan-list">
                <thead>
                    <tr>
                        <th scope="col">"Plan"</th>
                        <th scope="col">"School or district"</th>
                        <th scope="col">"School year"</th>
                        <th scope="col">"On this device"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|(item, on_device)| (item.id, item.title.clone(), *on_device) let:row>
                        <PlanRow item=row.0 on_device=row.1/>
                    </For>
                </tbody>
            </table>
            <Show when=move || rows.with(Vec::is_empty) && server_list.get() != ServerList::Loading>
                <p>"No plans yet. Create one or import a spreadsheet."</p>
            </Show>
        </section>
    }
}

#[component]
fn PlanRow(item: PlanListItem, on_device: bool) -> impl IntoView {
    let href = format!("/plans/{}", item.id);
    let title = if item.title.is_empty() {
        "Untitled plan".to_owned()
    } else {
        item.title
    };
    let place = if item.school.is_empty() {
        item.district
    } else {
        item.school
    };

    view! {
        <tr>
            <td>
                <a href=href>{title}</a>
            </td>
            <td>{place}</td>
            <td>{item.school_year}</td>
            <td>{if on_device { "Yes" } else { "" }}</td>
        </tr>
    }
}

/// The import report of `POST /api/plans/import`: rows imported and
/// skipped, and cells that could not be read.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ImportReportBody {
    pub rows_imported: usize,
    pub rows_skipped: usize,
    pub skipped: Vec<SkippedRowBody>,
    pub warnings: Vec<CellWarningBody>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct SkippedRowBody {
    pub line: usize,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CellWarningBody {
    pub line: usize,
    pub column: String,
    pub message: String,
}

/// An import that needs the user's attention before they open the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportWithProblems {
    pub file_name: String,
    pub id: DocumentId,
    pub report: ImportReportBody,
}

/// Imports a CSV plan through the server. A clean import opens the plan; an
/// import with skipped rows or unreadable cells shows them first.
#[component]
fn ImportButton(import_result: RwSignal<Option<String>>) -> impl IntoView {
    let problems = RwSignal::new(None::<ImportWithProblems>);
    #[cfg(feature = "hydrate")]
    let navigate = use_navigate();
    let on_change = move |event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;

            let Some(input) = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            // Choosing the same file again, after fixing it, must import again.
            input.set_value("");
            import_result.set(None);
            problems.set(None);

            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                let file_name = file.name();
                match import_file(file).await {
                    Ok((id, report)) if report.skipped.is_empty() && report.warnings.is_empty() => {
                        navigate(&format!("/plans/{id}"), Default::default())
                    }
                    Ok((id, report)) => problems.set(Some(ImportWithProblems {
                        file_name,
                        id,
                        report,
                    })),
                    Err(message) => import_result.set(Some(message)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (event, import_result);
    };

    view! {
        <label class="button">
            "Import CSV"
            <input type="file" accept=".csv,text/csv" class="visually-hidden" on:change=on_change data-testid="import-csv"/>
        </label>
        {move || problems.get().map(|problems| view! { <ImportProblems problems/> })}
    }
}

/// Lists the rows and cells an import could not read, with a link to the
/// plan.
#[component]
fn ImportProblems(problems: ImportWithProblems) -> impl IntoView {
    let report = problems.report;
    let rows = if report.rows_imported == 1 {
        "1 row".to_owned()
    } else {
        format!("{} rows", report.rows_imported)
    };
    let skipped = report
        .skipped
        .into_iter()
        .map(|row| view! { <li>{format!("Line {}: skipped. {}", row.line, row.reason)}</li> });
    let warnings = report
        .warnings
        .into_iter()
        .map(|warning| view! { <li>{format!("Line {}, column {}: {}", warning.line, warning.column, warning.message)}</li> });

    view! {
        <section class="import-report" role="status" aria-labelledby="import-report-heading" data-testid="import-report">
            <h2 id="import-report-heading">{format!("{}: imported {rows}, skipped {}", problems.file_name, report.rows_skipped)}</h2>
            <p>"Check these lines against the spreadsheet; what they hold is not in the plan, or is in it only in part."</p>
            <ul>{skipped.collect_view()}{warnings.collect_view()}</ul>
            <a class="button primary" href=format!("/plans/{}", problems.id) data-testid="open-imported-plan">"Open the imported plan"</a>
        </section>
    }
}

#[cfg(feature = "hydrate")]
async fn import_file(file: web_sys::File) -> Result<(DocumentId, ImportReportBody), String> {
    #[derive(Deserialize)]
    struct Imported {
        id: DocumentId,
        report: ImportReportBody,
    }

    // The bytes go as they are, so the server can name rows that are not
    // valid UTF-8 instead of the browser replacing their characters.
    let bytes = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| format!("The file {} could not be read.", file.name()))?;
    let imported: Imported = crate::browser::http::request_json_with_body(
        "POST",
        "/api/plans/import",
        Some(js_sys::Uint8Array::new(&bytes).into()),
    )
    .await
    .map_err(|error| format!("Import failed: {error}"))?;
    Ok((imported.id, imported.report))
}

fn load_server_list(server_list: RwSignal<ServerList>) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        let result =
            crate::browser::http::request_json::<Vec<PlanListItem>>("GET", "/api/plans", None)
                .await;
        server_list.set(match result {
            Ok(items) => ServerList::Loaded(items),
            Err(error) => ServerList::Unavailable(error.to_string()),
        });
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = server_list;
}
