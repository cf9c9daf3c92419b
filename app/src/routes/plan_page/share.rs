//! The plan's share panel, for people who may share the plan: its direct
//! shares with their access, and a row to share it with one more person.
//!
//! A direct share adds to what a person's role gives and never takes it
//! away, so the list shows only the shares made here, not everyone who can
//! read the plan. Every change goes to the server at once, and then the
//! list is loaded again.

use leptos::prelude::*;
use serde::Deserialize;

use super::requests::{self, RequestError};
use super::use_plan;
use crate::workspace::access::Access;

/// One direct share of a plan, from `GET /api/plans/{id}/members`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Member {
    /// The person's id.
    pub person_id: String,
    /// The name shown to others.
    #[serde(default)]
    pub name: String,
    /// The person's email.
    #[serde(default)]
    pub email: String,
    /// The access the share gives.
    pub access: Access,
}

/// A person the plan can be shared with, from `GET /api/people`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Person {
    /// The person's id.
    pub id: String,
    /// The name shown to others.
    #[serde(default)]
    pub name: String,
    /// The person's email.
    #[serde(default)]
    pub email: String,
}

/// The choices of an access select: its value and its label.
const ACCESS_CHOICES: [(Access, &str, &str); 2] = [
    (Access::Edit, "edit", "Can edit"),
    (Access::View, "view", "Can view"),
];

/// Reads an access select's value.
pub fn parse_access(value: &str) -> Option<Access> {
    ACCESS_CHOICES
        .iter()
        .find(|(_, choice, _)| *choice == value)
        .map(|(access, _, _)| *access)
}

fn access_value(access: Access) -> &'static str {
    match access {
        Access::Edit => "edit",
        Access::View => "view",
    }
}

/// Lists the people who have no direct share yet, sorted by name, for the
/// "Add person" select.
pub fn shareable_people(people: &[Person], members: &[Member]) -> Vec<Person> {
    let mut shareable: Vec<Person> = people
        .iter()
        .filter(|person| !members.iter().any(|member| member.person_id == person.id))
        .cloned()
        .collect();
    shareable.sort_by_key(|person| person.name.to_lowercase());
    shareable
}

/// Labels a person as "Name (email)", or the email alone without a name.
pub fn person_label(name: &str, email: &str) -> String {
    if name.trim().is_empty() {
        email.to_owned()
    } else {
        format!("{} ({email})", name.trim())
    }
}

/// Words a failed request for the panel's alert.
fn failure(action: &str, error: &RequestError) -> String {
    match error {
        RequestError::NeedsConnection => {
            format!("{action} failed: the server cannot be reached. Sharing needs a connection to the server.")
        }
        error => format!("{action} failed: {error}."),
    }
}

/// The panel's shared state.
#[derive(Clone, Copy)]
struct ShareState {
    members: RwSignal<Option<Vec<Member>>>,
    people: RwSignal<Vec<Person>>,
    error: RwSignal<Option<String>>,
}

impl ShareState {
    /// Loads the direct shares again.
    fn reload(self, plan: cairn_sync::DocumentId) {
        leptos::task::spawn_local(async move {
            match requests::members(plan).await {
                Ok(members) => {
                    let _ = self.members.try_set(Some(members));
                }
                Err(error) => {
                    let _ = self
                        .error
                        .try_set(Some(failure("Loading the plan's shares", &error)));
                }
            }
        });
    }

    /// Sets a person's access, then loads the shares again. On failure it
    /// also calls `on_failure`, which puts back what the control showed.
    fn set_access(
        self,
        plan: cairn_sync::DocumentId,
        person_id: String,
        access: Access,
        action: String,
        on_failure: impl FnOnce() + 'static,
    ) {
        self.error.set(None);
        leptos::task::spawn_local(async move {
            match requests::set_member(plan, &person_id, access).await {
                Ok(()) => self.reload(plan),
                Err(error) => {
                    let _ = self.error.try_set(Some(failure(&action, &error)));
                    on_failure();
                    self.reload(plan);
                }
            }
        });
    }

    /// Removes a person's direct share, then loads the shares again.
    fn remove(self, plan: cairn_sync::DocumentId, member: Member) {
        self.error.set(None);
        leptos::task::spawn_local(async move {
            match requests::remove_member(plan, &member.person_id).await {
                Ok(()) => self.reload(plan),
                Err(error) => {
                    let action = format!("Removing {}", person_label(&member.name, &member.email));
                    let _ = self.error.try_set(Some(failure(&action, &error)));
                }
            }
        });
    }
}

/// Shows the panel opened by the Share button.
#[component]
pub fn SharePanel() -> impl IntoView {
    let context = use_plan();
    let state = ShareState {
        members: RwSignal::new(None),
        people: RwSignal::new(Vec::new()),
        error: RwSignal::new(None),
    };

    Effect::new(move |_| {
        state.reload(context.id);
        leptos::task::spawn_local(async move {
            match requests::people().await {
                Ok(people) => {
                    let _ = state.people.try_set(people);
                }
                Err(error) => {
                    let _ = state.error.try_set(Some(failure(
                        "Loading the people you can share with",
                        &error,
                    )));
                }
            }
        });
    });

    view! {
        <section class="share-panel" id="plan-share" aria-labelledby="plan-share-heading" data-testid="share-panel">
            <h2 id="plan-share-heading">"Share this plan"</h2>
            <p class="share-error" role="alert" data-testid="share-error">{move || state.error.get()}</p>
            {move || match state.members.get() {
                None => view! { <p>"Loading the shares…"</p> }.into_any(),
                Some(members) if members.is_empty() => view! {
                    <p>"Not shared with anyone directly. People whose role covers this plan can open it too."</p>
                }
                .into_any(),
                Some(members) => view! {
                    <ul class="share-members">
                        {members.into_iter().map(|member| view! { <MemberRow member state/> }).collect_view()}
                    </ul>
                }
                .into_any(),
            }}
            <AddPersonRow state/>
        </section>
    }
}

#[component]
fn MemberRow(member: Member, state: ShareState) -> impl IntoView {
    let context = use_plan();
    let label = person_label(&member.name, &member.email);
    let current = member.access;

    let options = ACCESS_CHOICES
        .iter()
        .map(|(access, value, text)| {
            view! { <option value=*value selected=*access == current>{*text}</option> }
        })
        .collect_view();

    let person_id = member.person_id.clone();
    let change_label = label.clone();
    let on_change = move |event: leptos::ev::Event| {
        let Some(access) = parse_access(&event_target_value(&event)) else {
            return;
        };
        if access == current {
            return;
        }
        let action = format!("Changing the access of {change_label}");

        // A refused change must not leave the control showing it. The list
        // reloads with the same values, which changes nothing in the page,
        // so the select is set back directly.
        #[cfg(feature = "hydrate")]
        let revert = {
            let select = event_target::<web_sys::HtmlSelectElement>(&event);
            move || select.set_value(access_value(current))
        };
        #[cfg(not(feature = "hydrate"))]
        let revert = || ();
        state.set_access(context.id, person_id.clone(), access, action, revert);
    };
    let removed = member.clone();

    view! {
        <li class="share-member" data-testid="share-member">
            <span class="share-person">{label.clone()}</span>
            <label class="field">
                <span class="visually-hidden">{format!("Access of {label}")}</span>
                <select on:change=on_change data-testid="share-member-access">{options}</select>
            </label>
            <button type="button" class="remove" on:click=move |_| state.remove(context.id, removed.clone()) data-testid="share-member-remove">
                "Remove"
                <span class="visually-hidden">{format!(" {label}")}</span>
            </button>
        </li>
    }
}

#[component]
fn AddPersonRow(state: ShareState) -> impl IntoView {
    let context = use_plan();
    let chosen_person = RwSignal::new(String::new());
    let chosen_access = RwSignal::new(Access::Edit);

    let candidates = Memo::new(move |_| {
        let members = state.members.get().unwrap_or_default();
        state
            .people
            .with(|people| shareable_people(people, &members))
    });

    let share = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let person_id = chosen_person.get_untracked();
        let Some(person) = candidates
            .get_untracked()
            .into_iter()
            .find(|person| person.id == person_id)
        else {
            state
                .error
                .set(Some("Choose a person to share the plan with.".to_owned()));
            return;
        };
        chosen_person.set(String::new());
        let action = format!("Sharing with {}", person_label(&person.name, &person.email));
        state.set_access(
            context.id,
            person.id,
            chosen_access.get_untracked(),
            action,
            || (),
        );
    };

    let access_options = ACCESS_CHOICES
        .iter()
        .map(|(_, value, text)| view! { <option value=*value>{*text}</option> })
        .collect_view();

    view! {
        <form class="share-add" on:submit=share>
            <h3>"Add person"</h3>
            <label class="field">
                <span class="field-label">"Person"</span>
                <select
                    data-testid="share-person"
                    prop:value=move || chosen_person.get()
                    on:change=move |event| chosen_person.set(event_target_value(&event))
                >
                    <option value="">"Choose a person"</option>
                    <For each=move || candidates.get() key=|person| person.id.clone() let:person>
                        <option value=person.id.clone()>{person_label(&person.name, &person.email)}</option>
                    </For>
                </select>
            </label>
            <label class="field">
                <span class="field-label">"Access"</span>
                <select
                    data-testid="share-access"
                    prop:value=move || access_value(chosen_access.get())
                    on:change=move |event| {
                        if let Some(access) = parse_access(&event_target_value(&event)) {
                            chosen_access.set(access);
                        }
                    }
                >
                    {access_options}
                </select>
            </label>
            <button type="submit" class="primary" data-testid="share-submit">"Share"</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, name: &str) -> Person {
        Person {
            id: id.to_owned(),
            name: name.to_owned(),
            email: format!("{id}@example.org"),
        }
    }

    #[test]
    fn shareable_people_skip_members() {
        let people = [person("p1", "Rae Lead"), person("p2", "Ana Coach")];
        let members = [Member {
            person_id: "p1".to_owned(),
            name: "Rae Lead".to_owned(),
            email: "p1@example.org".to_owned(),
            access: Access::Edit,
        }];

        let shareable = shareable_people(&people, &members);

        assert_eq!(shareable, vec![person("p2", "Ana Coach")]);
    }

    #[test]
    fn shareable_people_sort_by_name() {
        let people = [person("p1", "rae Lead"), person("p2", "Ana Coach")];

        let names: Vec<String> = shareable_people(&people, &[])
            .into_iter()
            .map(|person| person.name)
            .collect();

        assert_eq!(names, vec!["Ana Coach".to_owned(), "rae Lead".to_owned()]);
    }

    #[test]
    fn access_values_parse() {
        assert_eq!(parse_access("edit"), Some(Access::Edit));
        assert_eq!(parse_access("view"), Some(Access::View));
        assert_eq!(parse_access("owner"), None);
        assert_eq!(access_value(Access::View), "view");
    }

    #[test]
    fn person_label_falls_back_to_email() {
        assert_eq!(
            person_label("Dana Coach", "dana@example.org"),
            "Dana Coach (dana@example.org)"
        );
        assert_eq!(person_label(" ", "dana@example.org"), "dana@example.org");
    }

    #[test]
    fn member_list_parses() {
        let members: Vec<Member> = serde_json::from_str(
            r#"[{"person_id": "p1", "name": "Dana Coach", "email": "dana@example.org", "access": "view"}]"#,
        )
        .unwrap();

        assert_eq!(members[0].access, Access::View);
        assert_eq!(members[0].person_id, "p1");
    }

    #[test]
    fn offline_failure_says_why() {
        let message = failure("Sharing with Dana", &RequestError::NeedsConnection);

        assert_eq!(
            message,
            "Sharing with Dana failed: the server cannot be reached. Sharing needs a connection to the server."
        );
    }
}
