//! The invite form of the People page, and the box that shows an invite
//! link to copy.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;

use super::use_people;
use crate::accounts::forms::InviteForm;
use crate::accounts::Role;
use crate::components::account_fields::{FormAlert, SchoolChoices, TextInput};

/// The role the invite form starts with; every manager may give it.
const DEFAULT_ROLE: Role = Role::Coach;

/// Renders the form that invites someone, and the link of the last invite.
#[component]
pub(super) fn InviteSection() -> impl IntoView {
    let context = use_people();
    let manager_role = context.manager.with_value(|manager| manager.role);
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(DEFAULT_ROLE);
    let school_ids = RwSignal::new(Vec::<String>::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // The invited person's name and link path.
    let invited = RwSignal::new(None::<(String, String)>);

    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }

        let form = InviteForm {
            email: email.get_untracked(),
            name: name.get_untracked(),
            role: role.get_untracked(),
            school_ids: school_ids.get_untracked(),
        };
        let request = match form.check(manager_role) {
            Ok(request) => request,
            Err(problem) => {
                error.set(Some(problem.to_string()));
                return;
            }
        };

        #[cfg(feature = "hydrate")]
        {
            use crate::accounts::api::Invited;
            use crate::browser::http::send_json;

            busy.set(true);
            error.set(None);
            invited.set(None);
            leptos::task::spawn_local(async move {
                let result = send_json::<Invited>("POST", "/api/people", &request).await;
                busy.set(false);
                match result {
                    Ok(answer) => {
                        invited.set(Some((answer.person.name.clone(), answer.invite_path)));
                        context.store(answer.person);
                        email.set(String::new());
                        name.set(String::new());
                        school_ids.set(Vec::new());
                    }
                    Err(failure) => error.set(Some(context.change_error(&failure))),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = request;
    };

    let role_options = manager_role
        .assignable_roles()
        .iter()
        .map(|choice| {
            let choice = *choice;
            view! { <option value=choice.as_str() selected=move || role.get() == choice>{choice.label()}</option> }
        })
        .collect_view();

    view! {
        <section class="account-section" aria-labelledby="invite-heading">
            <h2 id="invite-heading">"Invite someone"</h2>
            <form class="account-form invite-form" novalidate on:submit=submit>
                <TextInput label="Email" id="invite-email" value=email input_type="email" autocomplete="off"/>
                <TextInput label="Name" id="invite-person-name" value=name autocomplete="off" hint="They can change it when they accept the invite."/>
                <div class="field">
                    <label class="field-label" for="invite-role">"Role"</label>
                    <select
                        id="invite-role"
                        data-testid="invite-role"
                        on:change=move |event| {
                            if let Some(choice) = Role::parse(&event_target_value(&event)) {
                                role.set(choice);
                            }
                        }
                    >
                        {role_options}
                    </select>
                </div>
                <Show when=move || role.get().has_schools()>
                    <SchoolChoices
                        legend="Schools"
                        schools=Signal::derive(move || context.assignable_schools())
                        chosen=school_ids
                    />
                </Show>
                <FormAlert message=error/>
                <button type="submit" class="primary" disabled=move || busy.get() data-testid="invite-submit">"Invite"</button>
            </form>
            {move || invited.get().map(|(name, path)| view! { <InviteLinkBox invite_path=path name/> })}
        </section>
    }
}

/// Shows an invite link in a read-only field, with a Copy link button.
#[component]
pub(super) fn InviteLinkBox(
    /// The server's `invite_path`, such as `/invite/TOKEN`.
    invite_path: String,
    /// The invited person's name.
    name: String,
) -> impl IntoView {
    let input = NodeRef::<html::Input>::new();
    let copy_result = RwSignal::new(None::<String>);
    let url = invite_link(&invite_path);
    let field_id = format!(
        "invite-link{}",
        invite_path.replace(|letter: char| !letter.is_ascii_alphanumeric(), "-")
    );

    let copy = {
        let url = url.clone();
        move |_| {
            #[cfg(feature = "hydrate")]
            {
                let url = url.clone();
                leptos::task::spawn_local(async move {
                    let message = if copy_to_clipboard(&url).await {
                        "Link copied.".to_owned()
                    } else {
                        // Without the Clipboard API (an address that is not
                        // HTTPS or localhost), the person copies by hand.
                        if let Some(input) = input.get_untracked() {
                            input.select();
                        }
                        "This browser does not allow copying here. The link is selected: press Ctrl+C, or ⌘C on a Mac."
                            .to_owned()
                    };
                    copy_result.set(Some(message));
                });
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (&url, input);
        }
    };

    view! {
        <div class="invite-link" data-testid="invite-link">
            <p>"Send this link to the person; it lets them set their password."</p>
            <div class="field">
                <label class="field-label" for=field_id.clone()>{format!("Invite link for {name}")}</label>
                <input id=field_id type="text" readonly value=url node_ref=input data-testid="invite-link-url"/>
            </div>
            <button type="button" on:click=copy data-testid="copy-invite-link">"Copy link"</button>
            {move || copy_result.get().map(|message| view! { <p class="form-status" role="status">{message}</p> })}
        </div>
    }
}

/// Builds the invite link as an absolute address on this site.
fn invite_link(invite_path: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        let origin = web_sys::window()
            .and_then(|window| window.location().origin().ok())
            .unwrap_or_default();
        crate::accounts::invite_url(&origin, invite_path)
    }
    #[cfg(not(feature = "hydrate"))]
    invite_path.to_owned()
}

/// Writes `text` to the clipboard and returns whether the browser allowed
/// it.
#[cfg(feature = "hydrate")]
async fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = window.navigator();

    // `navigator.clipboard` is undefined outside secure contexts, and
    // calling a method on it would throw.
    let has_clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into())
        .map(|value| !value.is_undefined())
        .unwrap_or(false);
    if !has_clipboard {
        return false;
    }
    wasm_bindgen_futures::JsFuture::from(navigator.clipboard().write_text(text))
        .await
        .is_ok()
}
