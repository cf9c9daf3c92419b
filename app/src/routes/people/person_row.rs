//! One person of the People page: who they are, and for the people the
//! manager may manage, their role, their schools, a new invite link and
//! removal.

use leptos::html;
use leptos::prelude::*;

use super::invite_form::InviteLinkBox;
use super::{use_people, PeopleContext};
use crate::accounts::api::{Person, PersonStatus};
use crate::accounts::forms::{role_change, schools_change};
use crate::accounts::{may_manage, merge_school_ids, school_names, Role};
use crate::components::account_fields::{FormAlert, FormStatus, SchoolChoices};

/// Renders one person, found by id in the page's list. The row's own state (the
/// choices, the last result, an invite link) survives changes to the
/// person, because only the parts that show the person render again.
#[component]
pub(super) fn PersonRow(id: String) -> impl IntoView {
    let context = use_people();
    let person = Memo::new(move |_| {
        context
            .people
            .with(|people| people.iter().find(|person| person.id == id).cloned())
    });
    let manageable = Memo::new(move |_| {
        person.with(|person| {
            person.as_ref().is_some_and(|person| {
                context
                    .manager
                    .with_value(|manager| may_manage(manager, person))
            })
        })
    });

    view! {
        <li class="person" data-testid="person">
            {move || person.get().map(|person| view! { <PersonSummary person/> })}
            <Show when=move || manageable.get()>
                <PersonControls person/>
            </Show>
        </li>
    }
}

/// Shows the person's name, email, role, schools and status.
#[component]
fn PersonSummary(person: Person) -> impl IntoView {
    let context = use_people();
    let school_ids = person.school_ids.clone();
    let schools = person
        .role
        .has_schools()
        .then(|| view! { <span class="person-schools">{move || context.schools.with(|schools| school_names(&school_ids, schools))}</span> });
    let status_class = match person.status {
        PersonStatus::Active => "status-tag active",
        PersonStatus::Invited => "status-tag invited",
    };

    view! {
        <div class="person-summary">
            <span class="person-name">{person.name}</span>
            <span class="person-email">{person.email}</span>
            <span class="person-role">{person.role.label()}</span>
            {schools}
            <span class=status_class>{person.status.label()}</span>
        </div>
    }
}

/// Role, schools, new invite link and removal of one person.
#[component]
fn PersonControls(person: Memo<Option<Person>>) -> impl IntoView {
    let context = use_people();
    let name = move || {
        person.with(|person| {
            person
                .as_ref()
                .map(|person| person.name.clone())
                .unwrap_or_default()
        })
    };
    let current_role = move || person.with(|person| person.as_ref().map(|person| person.role));

    let role_choice = RwSignal::new(
        person
            .with_untracked(|person| person.as_ref().map(|person| person.role))
            .unwrap_or(Role::Viewer),
    );
    let editable_ids = move || {
        context
            .assignable_schools()
            .into_iter()
            .map(|school| school.id)
            .collect::<Vec<_>>()
    };
    let school_choice = RwSignal::<Vec<String>>::new({
        let editable = untrack(editable_ids);
        person.with_untracked(|person| {
            person
                .as_ref()
                .map(|person| {
                    person
                        .school_ids
                        .iter()
                        .filter(|id| editable.contains(id))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        })
    });
    let error = RwSignal::new(None::<String>);
    let status = RwSignal::new(None::<String>);
    let invite_path = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let confirming = RwSignal::new(false);

    let save_role = move |_| {
        let Some(current) = person.get_untracked() else {
            return;
        };
        let manager_role = context.manager.with_value(|manager| manager.role);
        let change = role_change(
            manager_role,
            role_choice.get_untracked(),
            &current.school_ids,
        );
        send_change(context, current, change, busy, error, status, |person| {
            format!("{} is now {}.", person.name, with_article(person.role))
        });
    };
    let save_schools = move |_| {
        let Some(current) = person.get_untracked() else {
            return;
        };
        let merged = merge_school_ids(
            &current.school_ids,
            &editable_ids(),
            &school_choice.get_untracked(),
        );
        let change = schools_change(current.role, merged);
        send_change(context, current, change, busy, error, status, |person| {
            format!("Schools saved for {}.", person.name)
        });
    };
    let new_invite_link = move |_| {
        let Some(current) = person.get_untracked() else {
            return;
        };
        error.set(None);
        status.set(None);
        #[cfg(feature = "hydrate")]
        {
            use crate::accounts::api::InviteLink;
            use crate::browser::http::{path_segment, request_json};

            busy.set(true);
            let url = format!("/api/people/{}/invite", path_segment(&current.id));
            leptos::task::spawn_local(async move {
                let result = request_json::<InviteLink>("POST", &url, None).await;
                busy.set(false);
                match result {
                    Ok(link) => invite_path.set(Some(link.invite_path)),
                    Err(failure) => error.set(Some(context.change_error(&failure))),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (current, invite_path);
    };

    let role_options = move || {
        let manager_role = context.manager.with_value(|manager| manager.role);
        manager_role
            .assignable_roles()
            .iter()
            .map(|role| {
                let role = *role;
                view! { <option value=role.as_str() selected=move || role_choice.get() == role>{role.label()}</option> }
            })
            .collect_view()
    };
    let is_invited = move || {
        person.with(|person| {
            person
                .as_ref()
                .is_some_and(|person| person.status == PersonStatus::Invited)
        })
    };
    let has_schools = move || current_role().is_some_and(Role::has_schools);
    let role_unchanged = move || current_role() == Some(role_choice.get());

    view! {
        <div class="person-controls">
            <label class="field">
                <span class="field-label">"Role"<span class="visually-hidden">{move || format!(" of {}", name())}</span></span>
                <select
                    data-testid="person-role"
                    on:change=move |event| {
                        if let Some(role) = Role::parse(&event_target_value(&event)) {
                            role_choice.set(role);
                        }
                    }
                >
                    {role_options}
                </select>
            </label>
            <button type="button" on:click=save_role disabled=move || busy.get() || role_unchanged() data-testid="save-role">
                "Save role"<span class="visually-hidden">{move || format!(" of {}", name())}</span>
            </button>
            <Show when=is_invited>
                <button type="button" on:click=new_invite_link disabled=move || busy.get() data-testid="new-invite-link">
                    "New invite link"<span class="visually-hidden">{move || format!(" for {}", name())}</span>
                </button>
            </Show>
            <button type="button" class="remove" on:click=move |_| confirming.set(true) disabled=move || busy.get() data-testid="remove-person">
                "Remove"<span class="visually-hidden">{move || format!(" {}", name())}</span>
            </button>
        </div>
        <Show when=has_schools>
            <div class="person-schools-editor">
                <SchoolChoices
                    legend=Signal::derive(move || format!("Schools of {}", name()))
                    schools=Signal::derive(move || context.assignable_schools())
                    chosen=school_choice
                />
                <button type="button" on:click=save_schools disabled=move || busy.get() data-testid="save-schools">
                    "Save schools"<span class="visually-hidden">{move || format!(" of {}", name())}</span>
                </button>
            </div>
        </Show>
        <FormAlert message=error/>
        <FormStatus message=status/>
        {move || invite_path.get().map(|path| view! { <InviteLinkBox invite_path=path name=name()/> })}
        <Show when=move || confirming.get()>
            <RemoveConfirm person confirming busy error/>
        </Show>
    }
}

/// Asks before a removal, with the safe choice focused.
#[component]
fn RemoveConfirm(
    person: Memo<Option<Person>>,
    confirming: RwSignal<bool>,
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let context = use_people();
    let keep_button = NodeRef::<html::Button>::new();
    let name = move || {
        person.with(|person| {
            person
                .as_ref()
                .map(|person| person.name.clone())
                .unwrap_or_default()
        })
    };
    let question_id = move || {
        person.with(|person| {
            format!(
                "remove-question-{}",
                person
                    .as_ref()
                    .map(|person| person.id.as_str())
                    .unwrap_or_default()
            )
        })
    };

    // Enter keeps the person and Escape closes the question, from the
    // keyboard.
    Effect::new(move |_| {
        if let Some(button) = keep_button.get() {
            let _ = button.focus();
        }
    });

    let remove = move |_| {
        let Some(current) = person.get_untracked() else {
            return;
        };
        error.set(None);
        #[cfg(feature = "hydrate")]
        {
            use crate::browser::http::{path_segment, request_no_content};

            busy.set(true);
            let url = format!("/api/people/{}", path_segment(&current.id));
            leptos::task::spawn_local(async move {
                let result = request_no_content("DELETE", &url).await;
                busy.set(false);
                match result {
                    Ok(()) => {
                        context
                            .status
                            .set(Some(format!("{} was removed.", current.name)));
                        context
                            .people
                            .update(|people| people.retain(|person| person.id != current.id));
                        focus_people_heading();
                    }
                    Err(failure) => {
                        confirming.set(false);
                        error.set(Some(context.change_error(&failure)));
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (current, busy, context);
    };

    view! {
        <div
            class="confirm"
            role="alertdialog"
            aria-labelledby=question_id
            data-testid="confirm-remove-person"
            on:keydown=move |event| {
                if event.key() == "Escape" {
                    confirming.set(false);
                }
            }
        >
            <p id=question_id>{move || format!("Remove {}? They lose access to every plan of the district and are signed out.", name())}</p>
            <button type="button" class="remove" on:click=remove disabled=move || busy.get() data-testid="confirm-remove-person-button">
                {move || format!("Remove {}", name())}
            </button>
            <button type="button" node_ref=keep_button on:click=move |_| confirming.set(false)>
                {move || format!("Keep {}", name())}
            </button>
        </div>
    }
}

/// Returns the role with its article, such as "a coach", for result
/// lines. Every role's label starts with a consonant.
fn with_article(role: Role) -> String {
    format!("a {}", role.label().to_lowercase())
}

/// Sends a checked change of `person` with `PATCH /api/people/{id}` and
/// reports the outcome in the row: `describe` words the success from the
/// server's copy of the person.
fn send_change(
    context: PeopleContext,
    person: Person,
    change: Result<crate::accounts::api::PersonChange, crate::accounts::forms::FormError>,
    busy: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    status: RwSignal<Option<String>>,
    describe: fn(&Person) -> String,
) {
    status.set(None);
    let change = match change {
        Ok(change) => change,
        Err(problem) => {
            error.set(Some(problem.to_string()));
            return;
        }
    };
    error.set(None);

    #[cfg(feature = "hydrate")]
    {
        use crate::browser::http::{path_segment, send_json};

        busy.set(true);
        let url = format!("/api/people/{}", path_segment(&person.id));
        leptos::task::spawn_local(async move {
            let result = send_json::<Person>("PATCH", &url, &change).await;
            busy.set(false);
            match result {
                Ok(updated) => {
                    status.set(Some(describe(&updated)));
                    context.store(updated);
                }
                Err(failure) => error.set(Some(context.change_error(&failure))),
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (context, person, change, busy, describe);
}

#[cfg(feature = "hydrate")]
fn focus_people_heading() {
    use wasm_bindgen::JsCast;

    let heading = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id(super::PEOPLE_HEADING_ID))
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(heading) = heading {
        let _ = heading.focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_with_articles() {
        assert_eq!(with_article(Role::Coach), "a coach");
        assert_eq!(with_article(Role::DistrictAdmin), "a district admin");
        assert_eq!(with_article(Role::TeamMember), "a team member");
    }
}
