//! The list of plans: the server's plan index merged with the plans stored
//! on this device, so the list still works offline.
//!
//! The new-plan form picks the plan's school from `GET /api/schools`, with
//! "District level" for district admins (from `GET /api/session`). Offline,
//! or without a session, the only choice is "School chosen later", and the
//! plan is registered under a school when it first reaches the server.

use cairn_plan::templates::{template, templates};
use cairn_plan::timeline::SchoolYear;
use cairn_plan::Plan;
use cairn_sync::DocumentId;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use serde::Deserialize;

use crate::routes::plan_page::today;
use crate::workspace::access::{Access, SessionPerson};
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
    /// The signed-in person's access to the plan; `None` for a plan stored
    /// only on this device.
    #[serde(default)]
    pub access: Option<Access>,
    /// Whether the signed-in person may share the plan.
    #[serde(default)]
    pub can_share: bool,
}

/// A school of the district, from `GET /api/schools`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct School {
    /// The server's id of the school.
    pub id: String,
    /// The school's name.
    pub name: String,
}

/// The schools a new plan can go under, as far as this page can tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchoolChoices {
    /// Offline, signed out, or still loading: the school is chosen later.
    Unknown,
    /// The schools the signed-in person may create plans in.
    Known {
        /// The schools, in the server's order.
        schools: Vec<School>,
        /// Whether the person may create district-level plans.
        district_level: bool,
    },
}

impl SchoolChoices {
    /// Narrows the district's schools to those the person creates plans in:
    /// all of them for a district admin, their assigned schools otherwise.
    pub fn for_person(schools: Vec<School>, person: &SessionPerson) -> Self {
        let district_level = person.is_district_admin();
        let schools = if district_level {
            schools
        } else {
            schools
                .into_iter()
                .filter(|school| person.school_ids.contains(&school.id))
                .collect()
        };
        SchoolChoices::Known {
            schools,
            district_level,
        }
    }

    /// Lists the school select's options as (value, label). The empty value
    /// means no school: district level, or chosen later.
    pub fn options(&self) -> Vec<(String, String)> {
        let chosen_later = || vec![(String::new(), "School chosen later".to_owned())];
        match self {
            SchoolChoices::Unknown => chosen_later(),
            SchoolChoices::Known {
                schools,
                district_level,
            } => {
                let mut options: Vec<(String, String)> = schools
                    .iter()
                    .map(|school| (school.id.clone(), school.name.clone()))
                    .collect();
                if *district_level {
                    options.push((String::new(), "District level".to_owned()));
                }
                if options.is_empty() {
                    return chosen_later();
                }
                options
            }
        }
    }

    /// Returns the name of the school with `id`, if it is a choice.
    pub fn school_name(&self, id: &str) -> Option<String> {
        match self {
            SchoolChoices::Known { schools, .. } => schools
                .iter()
                .find(|school| school.id == id)
                .map(|school| school.name.clone()),
            SchoolChoices::Unknown => None,
        }
    }
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
                        access: None,
                        can_share: false,
                    },
                    true,
                )),
            }
        }
        rows
    });

    let navigate = use_navigate();
    let template_key = RwSignal::new(BLANK_TEMPLATE.to_owned());

    // The school choices need the session and fill in after hydration.
    // `school_choice` is `None` until the person picks one, which means the
    // first option.
    let school_choices = RwSignal::new(SchoolChoices::Unknown);
    let school_choice = RwSignal::new(None::<String>);
    let creates_plans = RwSignal::new(true);
    Effect::new(move |_| load_school_choices(school_choices, creates_plans));
    let chosen_school = Signal::derive(move || {
        let value = school_choice.get().unwrap_or_else(|| {
            school_choices
                .with(|choices| choices.options().into_iter().next())
                .map(|(value, _)| value)
                .unwrap_or_default()
        });
        (!value.is_empty()).then_some(value)
    });

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
        let school_id = chosen_school.get_untracked();
        let school_name = school_id
            .as_deref()
            .and_then(|id| school_choices.with_untracked(|choices| choices.school_name(id)));
        let content = Plan {
            title: if content.title.trim().is_empty() {
                "Untitled plan".to_owned()
            } else {
                content.title
            },
            school: match school_name {
                Some(name) if content.school.trim().is_empty() => name,
                _ => content.school,
            },
            ..content
        };
        if let Some(id) = workspace.create_plan(&content, school_id) {
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
                    <label class="field">
                        <span class="field-label">"School"</span>
                        <select
                            data-testid="new-plan-school"
                            prop:value=move || chosen_school.get().unwrap_or_default()
                            on:change=move |event| school_choice.set(Some(event_target_value(&event)))
                        >
                            {move || school_choices.with(SchoolChoices::options).into_iter().map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
                        </select>
                    </label>
                    <button type="submit" class="primary" data-testid="new-plan" disabled=move || !creates_plans.get() aria-describedby="new-plan-role">
                        "New plan"
                    </button>
                </form>
                <ImportButton import_result school_id=chosen_school disabled=Signal::derive(move || !creates_plans.get())/>
            </div>
            <p id="template-description" class="template-description">{template_description}</p>
            <p id="new-plan-role" class="template-description" hidden=move || creates_plans.get()>
                "Your role does not create plans. A school leader, coach or district admin can create one and share it with you."
            </p>
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
                    <For each=move || rows.get() key=|(item, on_device)| (item.id, item.title.clone(), item.access, *on_device) let:row>
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
                {(item.access == Some(Access::View)).then(|| view! { " " <span class="tag" data-testid="view-only-tag">"View only"</span> })}
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
///
/// The plan goes under `school_id`, or at district level without one.
#[component]
fn ImportButton(
    import_result: RwSignal<Option<String>>,
    school_id: Signal<Option<String>>,
    disabled: Signal<bool>,
) -> impl IntoView {
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
            let school_id = school_id.get_untracked();
            leptos::task::spawn_local(async move {
                let file_name = file.name();
                match import_file(file, school_id).await {
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
        let _ = (event, import_result, school_id);
    };

    view! {
        <label class="button">
            "Import CSV"
            <input type="file" accept=".csv,text/csv" class="visually-hidden" on:change=on_change disabled=move || disabled.get() data-testid="import-csv"/>
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
async fn import_file(
    file: web_sys::File,
    school_id: Option<String>,
) -> Result<(DocumentId, ImportReportBody), String> {
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
    let url = match school_id {
        Some(school_id) => format!(
            "/api/plans/import?school_id={}",
            crate::browser::api::encode_component(&school_id)
        ),
        None => "/api/plans/import".to_owned(),
    };
    let imported: Imported = crate::browser::http::request_json_with_body(
        "POST",
        &url,
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

/// Loads the schools a new plan can go under, and whether the person's role
/// creates plans. Without a session or a connection the choices stay
/// unknown and the form stays enabled: the server decides at registration.
pub(crate) fn load_school_choices(choices: RwSignal<SchoolChoices>, creates_plans: RwSignal<bool>) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        use crate::browser::api::get_json;
        use crate::workspace::access::SessionBody;

        let session = match get_json::<SessionBody>("/api/session").await {
            Ok(session) => session,
            Err(error) => {
                leptos::logging::log!("the school choices stay unknown: {error}");
                return;
            }
        };
        creates_plans.set(session.user.creates_plans());

        match get_json::<Vec<School>>("/api/schools").await {
            Ok(schools) => choices.set(SchoolChoices::for_person(schools, &session.user)),
            Err(error) => leptos::logging::warn!("loading the district's schools failed: {error}"),
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (choices, creates_plans);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn school(id: &str, name: &str) -> School {
        School {
            id: id.to_owned(),
            name: name.to_owned(),
        }
    }

    fn person(role: &str, schools: &[&str]) -> SessionPerson {
        serde_json::from_value(serde_json::json!({ "role": role, "school_ids": schools })).unwrap()
    }

    fn labels(choices: &SchoolChoices) -> Vec<String> {
        choices
            .options()
            .into_iter()
            .map(|(_, label)| label)
            .collect()
    }

    #[test]
    fn unknown_schools_are_chosen_later() {
        assert_eq!(
            SchoolChoices::Unknown.options(),
            vec![(String::new(), "School chosen later".to_owned())]
        );
    }

    #[test]
    fn admin_gets_every_school_and_district_level() {
        let choices = SchoolChoices::for_person(
            vec![
                school("s1", "Lincoln Elementary"),
                school("s2", "Cedar Park Elementary"),
            ],
            &person("district_admin", &[]),
        );

        assert_eq!(
            labels(&choices),
            vec![
                "Lincoln Elementary",
                "Cedar Park Elementary",
                "District level"
            ]
        );
        assert_eq!(choices.options()[2].0, "");
    }

    #[test]
    fn coach_gets_assigned_schools() {
        let choices = SchoolChoices::for_person(
            vec![
                school("s1", "Lincoln Elementary"),
                school("s2", "Cedar Park Elementary"),
            ],
            &person("coach", &["s2"]),
        );

        assert_eq!(
            choices.options(),
            vec![("s2".to_owned(), "Cedar Park Elementary".to_owned())]
        );
        assert_eq!(
            choices.school_name("s2").as_deref(),
            Some("Cedar Park Elementary")
        );
        assert_eq!(choices.school_name("s1"), None);
    }

    #[test]
    fn no_school_falls_back_to_later() {
        let choices = SchoolChoices::for_person(
            vec![school("s1", "Lincoln Elementary")],
            &person("school_leader", &[]),
        );

        assert_eq!(labels(&choices), vec!["School chosen later"]);
    }

    #[test]
    fn plan_list_reads_access() {
        let items: Vec<PlanListItem> = serde_json::from_str(
            r#"[{"id": "67e55044-10b1-426f-9247-bb680e5fe0c8", "title": "Attendance", "access": "view", "can_share": false},
                {"id": "67e55044-10b1-426f-9247-bb680e5fe0c9", "title": "Literacy"}]"#,
        )
        .unwrap();

        assert_eq!(items[0].access, Some(Access::View));
        assert!(!items[0].can_share);
        assert_eq!(items[1].access, None);
    }
}
