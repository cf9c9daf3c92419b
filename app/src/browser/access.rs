//! Plan access in the tab: read-only plans, registering plans made on this
//! device, refused plans, and ended sessions.
//!
//! The rules sit in [`crate::workspace::access`]; this module applies them
//! to the tab's replicas, store and connection:
//!
//! - A `NotFound` for a plan made here that the server never acknowledged
//!   registers it with `POST /api/plans` and opens it again.
//! - A plan the server does not accept otherwise is refused: the tab sends
//!   `Close`, keeps the copy, stores the refusal under `cairn.refused.<id>`
//!   and opens the plan again only when its access route shows that the
//!   server may accept it. A sync that the server acknowledges in full
//!   clears the refusal.
//! - After every close of the socket the tab requests `GET /api/session`,
//!   and a `401` sets `session_ended`.

use cairn_plan::PlanDocument;
use cairn_sync::{DocumentId, ErrorCode};
use leptos::prelude::*;

use super::api::{self, ApiError};
use super::store;
use super::{browser_is_online, now_ms, BrowserHandle};
use crate::workspace::access::{
    may_retry_refused, refusal_for_missing_access, registration_outcome, registration_school,
    respond_to_server_error, ErrorResponse, PlanAccess, Refusal, RefusalReason,
    RegistrationOutcome, RegistrationSchool, SessionBody,
};
use crate::workspace::LocalPlanEntry;

impl BrowserHandle {
    /// Returns whether edits of a plan are turned off in this tab.
    pub fn is_read_only(&self, id: DocumentId) -> bool {
        let state = self.state.borrow();
        state.read_only.contains(&id) || state.refused.contains_key(&id)
    }

    /// Turns edits of a plan off, for a person who may only view it, or on
    /// again.
    pub fn set_read_only(&self, id: DocumentId, read_only: bool) {
        let changed = {
            let mut state = self.state.borrow_mut();
            if read_only {
                state.read_only.insert(id)
            } else {
                state.read_only.remove(&id)
            }
        };
        if changed {
            self.signals.bump();
        }
    }

    /// Returns why the server did not accept a plan, if it did not.
    pub fn refusal(&self, id: DocumentId) -> Option<Refusal> {
        self.state.borrow().refused.get(&id).cloned()
    }

    /// Applies a response of the plan's access route: stores it, sets the
    /// plan read-only for a viewer, and opens a refused plan once more when
    /// the server may now accept it.
    pub fn apply_access(&self, id: DocumentId, access: &PlanAccess) {
        if let Err(error) = store::save_access(&id, access) {
            leptos::logging::warn!("storing the access to plan {id} failed: {error}");
        }
        self.set_read_only(id, access.is_view_only());

        // The response can arrive while the plan still loads from the
        // device, before its stored refusal is in the tab.
        let loading = self.state.borrow().loading.contains(&id);
        let refusal = if loading {
            store::load_refusal(&id)
        } else {
            self.refusal(id)
        };
        let retry = refusal.is_some_and(|refusal| may_retry_refused(refusal.reason, access.access));
        if retry && loading {
            self.state.borrow_mut().retry_after_load.insert(id);
        } else if retry {
            self.retry_refused(id);
        }
    }

    /// Returns whether the plan was made on this device and no change of it
    /// is acknowledged yet, so the server does not know it.
    pub fn awaits_registration(&self, id: DocumentId) -> bool {
        let state = self.state.borrow();
        let made_here = store::entry(&id).is_some_and(|entry| entry.made_here);
        made_here && state.session.acked_heads(&id).is_empty()
    }

    /// Handles `404 plan_not_found` from the plan's access route.
    pub fn access_not_found(&self, id: DocumentId) {
        let acknowledged = !self.state.borrow().session.acked_heads(&id).is_empty();
        if let Some(reason) = refusal_for_missing_access(acknowledged) {
            self.refuse(id, reason);
        }
    }

    /// Handles a server error about one plan: registers a plan made on this
    /// device, refuses one the server will not take, or shows the message.
    pub(super) fn on_plan_error(&self, id: DocumentId, code: ErrorCode, message: String) {
        leptos::logging::warn!("the server reported {code:?} for plan {id}: {message}");
        let (stored_on_device, acknowledged) = {
            let state = self.state.borrow();
            let stored = state
                .plans
                .get(&id)
                .is_some_and(PlanDocument::is_initialized);
            (stored, !state.session.acked_heads(&id).is_empty())
        };

        match respond_to_server_error(code, stored_on_device, acknowledged) {
            ErrorResponse::Register => self.register(id),
            ErrorResponse::Refuse(reason) => self.refuse(id, reason),
            // The plan page reports a plan found neither here nor on the
            // server.
            ErrorResponse::NotStored => {}
            ErrorResponse::Report => self.signals.notice.set(Some(message)),
        }
    }

    /// Registers a plan made on this device with `POST /api/plans`, then
    /// opens it again.
    fn register(&self, id: DocumentId) {
        let school_id = {
            let mut state = self.state.borrow_mut();
            if !state.registering.insert(id) {
                return;
            }
            store::entry(&id).and_then(|entry| entry.school_id)
        };

        let handle = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let result = register_plan(id, school_id).await;
            handle.state.borrow_mut().registering.remove(&id);
            handle.finish_registration(id, result);
        });
    }

    /// Returns whether a plan waits for its person to choose its school
    /// before it can be registered.
    pub fn needs_school(&self, id: DocumentId) -> bool {
        self.state.borrow().needs_school.contains(&id)
    }

    /// Stores the school chosen for a plan made on this device and, when
    /// the plan waits for it, registers the plan under it.
    pub fn choose_school(&self, id: DocumentId, school_id: String) {
        let (stored, waiting) = {
            let mut state = self.state.borrow_mut();
            let waiting = state.needs_school.remove(&id);
            let stored = match store::entry(&id) {
                Some(entry) => store::save_entry(LocalPlanEntry {
                    school_id: Some(school_id),
                    ..entry
                }),
                None => Ok(()),
            };
            (stored, waiting)
        };
        if let Err(error) = stored {
            self.signals.notice.set(Some(error.to_string()));
            return;
        }
        if waiting {
            self.register(id);
        }
        self.signals.bump();
    }

    fn finish_registration(&self, id: DocumentId, result: Result<Registered, ApiError>) {
        let outcome = match &result {
            Ok(Registered::Created) => RegistrationOutcome::Reopen,
            Ok(Registered::NeedsSchool) => {
                leptos::logging::log!("plan {id} waits for its school to be chosen");
                self.state.borrow_mut().needs_school.insert(id);
                self.signals.bump();
                return;
            }
            Err(error) => match error.status() {
                Some(status) => registration_outcome(status),
                None => RegistrationOutcome::Failed,
            },
        };

        match outcome {
            RegistrationOutcome::Reopen => {
                leptos::logging::log!("plan {id} is registered with the server");
                let outgoing = {
                    let mut state = self.state.borrow_mut();
                    let state = &mut *state;
                    // A page closed meanwhile opens the plan itself later.
                    match state.plans.get(&id) {
                        Some(plan) if state.session.is_open(&id) => {
                            state.session.open(id, plan.automerge(), now_ms())
                        }
                        _ => Vec::new(),
                    }
                };
                self.send(outgoing);
            }
            RegistrationOutcome::Refuse => self.refuse(id, RefusalReason::NotFound),
            RegistrationOutcome::SessionEnded => self.signals.session_ended.set(true),
            RegistrationOutcome::Failed => {
                let reason = result
                    .err()
                    .map(|error| error.to_string())
                    .unwrap_or_default();
                leptos::logging::warn!("registering plan {id} with the server failed: {reason}");
                self.signals.notice.set(Some(format!(
                    "registering plan {id} with the server failed ({reason}); it stays on this \
                     device and is registered again at the next connection"
                )));
            }
        }
        self.signals.bump();
    }

    /// Marks a plan refused: stops syncing it, stores the refusal, and
    /// keeps the local copy as it is.
    fn refuse(&self, id: DocumentId, reason: RefusalReason) {
        let refusal = Refusal::new(reason);
        let outgoing = {
            let mut state = self.state.borrow_mut();
            state.refused.insert(id, refusal.clone());
            state.session.close(id)
        };
        self.send(outgoing);
        leptos::logging::warn!("plan {id} was not accepted by the server ({reason:?})");

        if let Err(error) = store::save_refusal(&id, Some(&refusal)) {
            self.signals.notice.set(Some(error.to_string()));
        }
        self.signals.bump();
    }

    /// Opens a refused plan on the connection once more. The refusal stays
    /// until the server acknowledges every change of the plan.
    pub(super) fn retry_refused(&self, id: DocumentId) {
        let outgoing = {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            match state.plans.get(&id) {
                Some(plan) if !state.session.is_open(&id) => {
                    state.session.open(id, plan.automerge(), now_ms())
                }
                _ => return,
            }
        };
        leptos::logging::log!("syncing refused plan {id} again");
        self.send(outgoing);
    }

    /// Clears a plan's refusal once the server has acknowledged every one
    /// of its changes on an open sync.
    pub(super) fn clear_refusal_if_saved(&self, id: DocumentId) {
        let saved = {
            let state = self.state.borrow();
            let unacked = state
                .plans
                .get(&id)
                .map(|plan| state.session.unacked_changes(&id, plan.automerge()));
            state.refused.contains_key(&id) && state.session.is_open(&id) && unacked == Some(0)
        };
        if !saved {
            return;
        }

        self.state.borrow_mut().refused.remove(&id);
        leptos::logging::log!("plan {id} syncs again; its refusal is cleared");
        if let Err(error) = store::save_refusal(&id, None) {
            self.signals.notice.set(Some(error.to_string()));
        }
        self.signals.bump();
    }

    /// Asks the server whether the session is alive, after the socket
    /// closed or failed to open, and sets `session_ended` on a `401`. The
    /// browser does not tell a page why a WebSocket upgrade failed, so this
    /// is how the tab learns that its session ended.
    pub(super) fn check_session(&self) {
        if !browser_is_online() {
            return;
        }
        let session_ended = self.signals.session_ended;
        wasm_bindgen_futures::spawn_local(async move {
            match api::get_json::<serde_json::Value>("/api/session").await {
                Ok(_) => session_ended.set(false),
                Err(error) if error.is_signed_out() => {
                    leptos::logging::warn!("the session ended; edits stay on this device");
                    session_ended.set(true);
                }
                Err(_) => {}
            }
        });
    }
}

/// The result of a registration that did not fail.
enum Registered {
    /// The server created the plan record.
    Created,
    /// The person must choose the plan's school first; nothing was sent.
    NeedsSchool,
}

/// Registers a plan made on this device: `POST /api/plans` with its id and
/// school. A plan whose school was left for later goes under the person's
/// only school, or waits for a choice when they have several.
async fn register_plan(id: DocumentId, school_id: Option<String>) -> Result<Registered, ApiError> {
    let school = match school_id {
        Some(school_id) => RegistrationSchool::School(school_id),
        None => {
            let session: SessionBody = api::get_json("/api/session").await?;
            registration_school(None, &session.user)
        }
    };
    if school == RegistrationSchool::NeedsChoice {
        return Ok(Registered::NeedsSchool);
    }

    let body = serde_json::json!({ "id": id, "school_id": school.school_id() });
    api::send_json::<_, serde_json::Value>("POST", "/api/plans", Some(&body)).await?;
    Ok(Registered::Created)
}
