//! The page at `/people`, for district admins and school leaders: the
//! people of the district, the invite form, and for district admins the
//! schools.
//!
//! The lists come from the server after hydration and need a connection;
//! every change is sent at once, and the server checks it again.

mod invite_form;
mod person_row;
mod schools;

use leptos::prelude::*;

use crate::accounts::api::{Person, School, SignedIn};
use crate::accounts::{assignable_schools, Role};
use crate::session::{use_session, Session};

use self::invite_form::InviteSection;
use self::person_row::PersonRow;
use self::schools::SchoolsSection;

/// The id of the list's heading, which takes focus after a removal.
const PEOPLE_HEADING_ID: &str = "people-heading";

/// The access of the person on this device to the page.
#[derive(Clone, Debug, PartialEq)]
enum Access {
    /// The browser has not read the stored person yet.
    Unknown,
    SignedOut,
    /// Signed in with a role that does not manage people.
    NotManager(Role),
    Manager(SignedIn),
}

/// The lists of the page, shared by its sections.
#[derive(Clone, Copy)]
struct PeopleContext {
    /// The signed-in district admin or school leader.
    manager: StoredValue<Person>,
    /// The people the server listed, updated after every change.
    people: RwSignal<Vec<Person>>,
    /// The district's schools.
    schools: RwSignal<Vec<School>>,
    /// The result of the last removal, for the list's status line.
    status: RwSignal<Option<String>>,
    /// The app's session, marked expired when a change gets `401`.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    session: Session,
}

impl PeopleContext {
    /// Returns the schools the manager may assign, tracked.
    fn assignable_schools(&self) -> Vec<School> {
        self.schools.with(|schools| {
            self.manager
                .with_value(|manager| assignable_schools(manager, schools))
        })
    }

    /// Returns the sentence for a failed change, for the row or form that
    /// made it, and marks the session expired on `401 signed_out`.
    #[cfg(feature = "hydrate")]
    fn change_error(&self, error: &crate::browser::http::HttpError) -> String {
        if error.is_signed_out() {
            self.session.mark_expired();
            return "Your session has ended. Sign in again, then repeat this change.".to_owned();
        }
        if error.is_unreachable() {
            return "The server cannot be reached, so nothing was changed. \
                    Try again when this device is online."
                .to_owned();
        }
        error.user_message()
    }

    /// Puts the server's copy of a person in the list, replacing the old
    /// one.
    #[cfg(feature = "hydrate")]
    fn store(&self, person: Person) {
        self.people.update(
            |people| match people.iter_mut().find(|known| known.id == person.id) {
                Some(known) => *known = person,
                None => people.push(person),
            },
        );
    }
}

fn use_people() -> PeopleContext {
    expect_context::<PeopleContext>()
}

/// The state of loading the lists.
// Only the browser build loads them.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
enum Load {
    Loading,
    Loaded,
    Failed(String),
}

/// Renders the page at `/people`.
#[component]
pub fn PeoplePage() -> impl IntoView {
    let session = use_session();
    let access = Memo::new(move |_| {
        if !session.is_known() {
            return Access::Unknown;
        }
        match session.signed_in() {
            None => Access::SignedOut,
            Some(signed_in) if signed_in.user.role.manages_people() => Access::Manager(signed_in),
            Some(signed_in) => Access::NotManager(signed_in.user.role),
        }
    });

    view! {
        <section class="people-page" aria-labelledby="people-title">
            <h1 id="people-title">"People"</h1>
            {move || match access.get() {
                Access::Unknown => view! { <p>"Loading…"</p> }.into_any(),
                Access::SignedOut => view! {
                    <p>"Sign in to manage people. " <a href="/sign-in?next=/people">"Sign in"</a></p>
                }
                .into_any(),
                Access::NotManager(role) => view! {
                    <p data-testid="people-not-allowed">
                        {format!(
                            "Only district admins and school leaders manage people, and your role is {}. Ask one of them to invite someone or change a role.",
                            role.label().to_lowercase(),
                        )}
                    </p>
                }
                .into_any(),
                Access::Manager(signed_in) => view! { <ManagerView signed_in/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ManagerView(signed_in: SignedIn) -> impl IntoView {
    let context = PeopleContext {
        manager: StoredValue::new(signed_in.user.clone()),
        people: RwSignal::new(Vec::new()),
        schools: RwSignal::new(Vec::new()),
        status: RwSignal::new(None),
        session: use_session(),
    };
    provide_context(context);
    let load = RwSignal::new(Load::Loading);

    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            load.set(match load_lists(context).await {
                Ok(()) => Load::Loaded,
                Err(error) => {
                    if error.is_signed_out() {
                        context.session.mark_expired();
                    }
                    Load::Failed(load_error_message(&error))
                }
            });
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (context, load);
    });

    let is_admin = signed_in.user.role == Role::DistrictAdmin;
    let district = signed_in.district.name;

    move || match load.get() {
        Load::Loading => view! { <p>"Loading the people of the district…"</p> }.into_any(),
        Load::Failed(message) => {
            view! { <p class="form-error" role="alert">{message}</p> }.into_any()
        }
        Load::Loaded => view! {
            <InviteSection/>
            <PeopleList district=district.clone()/>
            {is_admin.then(|| view! { <SchoolsSection/> })}
        }
        .into_any(),
    }
}

/// Lists the people, sorted by name, each with the controls the manager
/// may use.
#[component]
fn PeopleList(district: String) -> impl IntoView {
    let context = use_people();
    let ids = Memo::new(move |_| {
        context.people.with(|people| {
            let mut sorted: Vec<&Person> = people.iter().collect();
            sorted.sort_by_key(|person| person.name.to_lowercase());
            sorted
                .into_iter()
                .map(|person| person.id.clone())
                .collect::<Vec<_>>()
        })
    });

    view! {
        <section class="account-section" aria-labelledby=PEOPLE_HEADING_ID>
            <h2 id=PEOPLE_HEADING_ID tabindex="-1">{format!("People of {district}")}</h2>
            {move || context.status.get().map(|message| view! { <p class="form-status" role="status">{message}</p> })}
            <ul class="people" data-testid="people">
                <For each=move || ids.get() key=|id| id.clone() let:id>
                    <PersonRow id/>
                </For>
            </ul>
        </section>
    }
}

/// Loads the people and the schools.
#[cfg(feature = "hydrate")]
async fn load_lists(context: PeopleContext) -> Result<(), crate::browser::http::HttpError> {
    use crate::browser::http::request_json;

    let people = request_json::<Vec<Person>>("GET", "/api/people", None).await?;
    let schools = request_json::<Vec<School>>("GET", "/api/schools", None).await?;
    context.people.set(people);
    context.schools.set(schools);
    Ok(())
}

#[cfg(feature = "hydrate")]
fn load_error_message(error: &crate::browser::http::HttpError) -> String {
    if error.is_signed_out() {
        "Your session has ended. Sign in again to manage people.".to_owned()
    } else if error.is_unreachable() {
        "Managing people needs the server, which cannot be reached. Check the connection and reload the page."
            .to_owned()
    } else {
        format!(
            "The people of the district could not be loaded. {}",
            error.user_message()
        )
    }
}
