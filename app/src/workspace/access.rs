//! The signed-in person's access to a plan, and the sync client's response
//! when the server rejects a plan.
//!
//! The server checks access on every request and every sync message, so
//! nothing here grants anything. These rules decide what the browser shows
//! and when it stops sending changes that the server will not take:
//!
//! - `GET /api/plans/{id}/access` returns [`PlanAccess`]. With
//!   [`Access::View`] the plan page disables its editing controls.
//! - The sync server replies with `NotFound` to `Open` of a plan it has no
//!   record of. A plan made on this device that never reached the
//!   server is then registered with `POST /api/plans` and opened again
//!   ([`respond_to_server_error`], [`registration_outcome`]).
//! - Otherwise a `NotFound` or `Forbidden` marks the plan **refused**: the
//!   device stops syncing it, keeps its copy read-only and shows a
//!   [`Refusal`] message.

use cairn_sync::ErrorCode;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The banner of a plan page for a person who may only view the plan.
pub const VIEW_ONLY_MESSAGE: &str = "You can view this plan but not change it.";

/// A person's level of access to a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// Read the plan, never change it.
    View,
    /// Read and change the plan.
    Edit,
}

/// The body of `GET /api/plans/{id}/access`, also cached on the device
/// under `cairn.access.<id>` so it is known offline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanAccess {
    /// The person's level of access to the plan.
    pub access: Access,
    /// Whether the person may share the plan with others.
    #[serde(default)]
    pub can_share: bool,
    /// The plan's school, `None` for a district-level plan.
    #[serde(default)]
    pub school_id: Option<String>,
    /// The name of the plan's school, `None` for a district-level plan.
    #[serde(default)]
    pub school_name: Option<String>,
}

/// A `GET /api/plans/{id}/access` body that is not the expected JSON.
#[derive(Debug, Error)]
#[error("the plan's access could not be read: {0}; expected {{\"access\": \"view\" or \"edit\", \"can_share\": true or false, …}}")]
pub struct AccessParseError(String);

impl PlanAccess {
    /// Parses the JSON body of the access route or its cached copy.
    ///
    /// # Errors
    ///
    /// [`AccessParseError`] when the text is not JSON, has no `access`, or
    /// its `access` is neither `"view"` nor `"edit"`.
    pub fn parse(text: &str) -> Result<Self, AccessParseError> {
        serde_json::from_str(text).map_err(|error| AccessParseError(error.to_string()))
    }

    /// Returns whether the person may only read the plan.
    pub fn is_view_only(&self) -> bool {
        self.access == Access::View
    }
}

/// The cause of the server's refusal of a plan from this device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    /// The server has no plan under this id that the person may read.
    NotFound,
    /// The person may read the plan but not change it, or the changes
    /// carry another person's actor id.
    Forbidden,
}

impl RefusalReason {
    /// Returns the message the plan page shows for this refusal.
    pub fn message(self) -> &'static str {
        match self {
            RefusalReason::NotFound => {
                "Your changes to this plan were not accepted: the server has no plan you can \
                 open under this id. It may have been removed, or your access to it was \
                 removed. Your copy stays on this device; export it to keep your work."
            }
            RefusalReason::Forbidden => {
                "Your changes to this plan were not accepted: you can view this plan but not \
                 change it. Your copy stays on this device; export it to keep your work."
            }
        }
    }
}

/// A plan the server did not accept, stored per plan under
/// `cairn.refused.<id>` so the state survives a reload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// The cause of the refusal.
    pub reason: RefusalReason,
    /// The message shown on the plan page.
    pub message: String,
}

impl Refusal {
    /// Creates the refusal for `reason` with its message.
    pub fn new(reason: RefusalReason) -> Self {
        Self {
            reason,
            message: reason.message().to_owned(),
        }
    }
}

/// The sync client's response to a server error about one plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorResponse {
    /// Register the plan with `POST /api/plans`, then open it again.
    Register,
    /// Stop syncing the plan and keep its copy on this device, read-only.
    Refuse(RefusalReason),
    /// Leave the plan alone: this device has no copy, so the page reports
    /// that no plan has this address.
    NotStored,
    /// Show the server's message and change nothing.
    Report,
}

/// Decides the response to a server error about one plan.
///
/// `stored_on_device` is whether this device has content for the plan,
/// and `acknowledged` whether the server ever acknowledged any of its
/// changes. A plan with content that was never acknowledged was made on
/// this device and never reached the server, so a `NotFound` means it is
/// not registered yet. After an acknowledgement, a `NotFound` means the
/// plan was removed or the person lost access to it.
pub fn respond_to_server_error(
    code: ErrorCode,
    stored_on_device: bool,
    acknowledged: bool,
) -> ErrorResponse {
    match code {
        ErrorCode::NotFound if acknowledged => ErrorResponse::Refuse(RefusalReason::NotFound),
        ErrorCode::NotFound if stored_on_device => ErrorResponse::Register,
        ErrorCode::NotFound => ErrorResponse::NotStored,
        ErrorCode::Forbidden => ErrorResponse::Refuse(RefusalReason::Forbidden),
        _ => ErrorResponse::Report,
    }
}

/// The sync client's next step after `POST /api/plans` returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistrationOutcome {
    /// The server created the plan record: open the plan again.
    Reopen,
    /// The server will not take a plan under this id from this person.
    Refuse,
    /// The session ended; the plan registers after the next sign-in.
    SessionEnded,
    /// Another failure, such as a server error. The plan registers again
    /// at the next connection.
    Failed,
}

/// Decides what an HTTP status of `POST /api/plans` means for the plan.
///
/// `403` (the person may not create plans there), `404` (the school is not
/// theirs) and `409` (another plan has this id) refuse the plan.
pub fn registration_outcome(status: u16) -> RegistrationOutcome {
    match status {
        200..=299 => RegistrationOutcome::Reopen,
        401 => RegistrationOutcome::SessionEnded,
        403 | 404 | 409 => RegistrationOutcome::Refuse,
        _ => RegistrationOutcome::Failed,
    }
}

/// Decides what a `404 plan_not_found` from the access route means: a
/// refusal when the server acknowledged the plan before, and `None` for a
/// plan made on this device that is not registered yet.
pub fn refusal_for_missing_access(acknowledged: bool) -> Option<RefusalReason> {
    acknowledged.then_some(RefusalReason::NotFound)
}

/// Returns whether a refused plan is worth one more sync attempt now that
/// the access route returned `access`.
///
/// A plan refused as not found is readable again, so it syncs again. A
/// plan refused as forbidden tries again only with edit access, because
/// with view access the server rejects the same changes again.
///
/// NOTE: changes refused because their actor id belongs to another person
/// are sent again once per access response with edit access (each visit to
/// the plan page and each return of the connection) and refused again each
/// time. The access route cannot tell that case apart.
pub fn may_retry_refused(reason: RefusalReason, access: Access) -> bool {
    match reason {
        RefusalReason::NotFound => true,
        RefusalReason::Forbidden => access == Access::Edit,
    }
}

/// The signed-in person as `GET /api/session` returns them: only the fields
/// the plan pages use.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct SessionPerson {
    /// `district_admin`, `school_leader`, `coach`, `team_member` or `viewer`.
    pub role: String,
    /// The schools the person is assigned to.
    #[serde(default)]
    pub school_ids: Vec<String>,
}

/// The body of `GET /api/session`: only the fields the plan pages use.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct SessionBody {
    /// The signed-in person.
    pub user: SessionPerson,
}

impl SessionPerson {
    /// Returns whether the person may create district-level plans.
    pub fn is_district_admin(&self) -> bool {
        self.role == "district_admin"
    }

    /// Returns whether the person's role creates plans: district admins,
    /// school leaders and coaches do, team members and viewers do not.
    pub fn creates_plans(&self) -> bool {
        matches!(
            self.role.as_str(),
            "district_admin" | "school_leader" | "coach"
        )
    }
}

/// The school a plan is registered under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistrationSchool {
    /// The school with this id.
    School(String),
    /// No school: a district-level plan, or a person whose role creates no
    /// plans, whose registration the server rejects with `403`.
    DistrictLevel,
    /// The person must choose among several schools first.
    NeedsChoice,
}

impl RegistrationSchool {
    /// Returns the `school_id` of the registration body, `None` for district
    /// level.
    pub fn school_id(&self) -> Option<&str> {
        match self {
            RegistrationSchool::School(id) => Some(id),
            RegistrationSchool::DistrictLevel | RegistrationSchool::NeedsChoice => None,
        }
    }
}

/// Chooses the school a plan is registered under: the one picked when the
/// plan was made or, when it was made offline with the school left for
/// later, the person's only school.
///
/// A district admin's plan without a school stays at district level. A
/// school leader or coach with several schools, or none, must choose.
pub fn registration_school(chosen: Option<&str>, person: &SessionPerson) -> RegistrationSchool {
    if let Some(chosen) = chosen {
        return RegistrationSchool::School(chosen.to_owned());
    }
    if person.is_district_admin() || !person.creates_plans() {
        return RegistrationSchool::DistrictLevel;
    }
    match person.school_ids.as_slice() {
        [only] => RegistrationSchool::School(only.clone()),
        _ => RegistrationSchool::NeedsChoice,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_parses_view() {
        let access = PlanAccess::parse(
            r#"{"access": "view", "can_share": false, "school_id": "s1", "school_name": "Lincoln Elementary"}"#,
        )
        .unwrap();

        assert_eq!(access.access, Access::View);
        assert!(access.is_view_only());
        assert!(!access.can_share);
        assert_eq!(access.school_id.as_deref(), Some("s1"));
        assert_eq!(access.school_name.as_deref(), Some("Lincoln Elementary"));
    }

    #[test]
    fn access_parses_district_plan() {
        let access = PlanAccess::parse(
            r#"{"access": "edit", "can_share": true, "school_id": null, "school_name": null}"#,
        )
        .unwrap();

        assert_eq!(access.access, Access::Edit);
        assert!(!access.is_view_only());
        assert!(access.can_share);
        assert_eq!(access.school_id, None);
    }

    #[test]
    fn access_parse_rejects_unknown_level() {
        let error = PlanAccess::parse(r#"{"access": "admin", "can_share": true}"#).unwrap_err();

        assert!(error.to_string().contains("\"view\" or \"edit\""));
    }

    #[test]
    fn access_parse_rejects_missing_access() {
        assert!(PlanAccess::parse(r#"{"can_share": true}"#).is_err());
    }

    #[test]
    fn access_round_trips_through_cache() {
        let access = PlanAccess {
            access: Access::Edit,
            can_share: true,
            school_id: Some("s1".to_owned()),
            school_name: Some("Lincoln Elementary".to_owned()),
        };

        let cached = serde_json::to_string(&access).unwrap();

        assert_eq!(PlanAccess::parse(&cached).unwrap(), access);
    }

    #[test]
    fn not_found_for_new_local_plan_registers() {
        assert_eq!(
            respond_to_server_error(ErrorCode::NotFound, true, false),
            ErrorResponse::Register
        );
    }

    #[test]
    fn not_found_after_ack_refuses() {
        assert_eq!(
            respond_to_server_error(ErrorCode::NotFound, true, true),
            ErrorResponse::Refuse(RefusalReason::NotFound)
        );
    }

    #[test]
    fn not_found_without_copy_is_left_alone() {
        assert_eq!(
            respond_to_server_error(ErrorCode::NotFound, false, false),
            ErrorResponse::NotStored
        );
    }

    #[test]
    fn forbidden_refuses_with_or_without_acks() {
        for acknowledged in [false, true] {
            assert_eq!(
                respond_to_server_error(ErrorCode::Forbidden, true, acknowledged),
                ErrorResponse::Refuse(RefusalReason::Forbidden),
                "acknowledged: {acknowledged}"
            );
        }
    }

    #[test]
    fn other_errors_are_reported() {
        for code in [
            ErrorCode::StorageFailed,
            ErrorCode::Internal,
            ErrorCode::Malformed,
            ErrorCode::Unknown(99),
        ] {
            assert_eq!(
                respond_to_server_error(code, true, true),
                ErrorResponse::Report,
                "code: {code:?}"
            );
        }
    }

    #[test]
    fn registration_statuses() {
        let cases = [
            (201, RegistrationOutcome::Reopen),
            (200, RegistrationOutcome::Reopen),
            (401, RegistrationOutcome::SessionEnded),
            (403, RegistrationOutcome::Refuse),
            (404, RegistrationOutcome::Refuse),
            (409, RegistrationOutcome::Refuse),
            (400, RegistrationOutcome::Failed),
            (500, RegistrationOutcome::Failed),
            (503, RegistrationOutcome::Failed),
        ];
        for (status, expected) in cases {
            assert_eq!(registration_outcome(status), expected, "status {status}");
        }
    }

    #[test]
    fn missing_access_refuses_only_acknowledged_plans() {
        assert_eq!(
            refusal_for_missing_access(true),
            Some(RefusalReason::NotFound)
        );
        assert_eq!(refusal_for_missing_access(false), None);
    }

    #[test]
    fn refused_plan_retries() {
        assert!(may_retry_refused(RefusalReason::NotFound, Access::View));
        assert!(may_retry_refused(RefusalReason::NotFound, Access::Edit));
        assert!(may_retry_refused(RefusalReason::Forbidden, Access::Edit));
        assert!(!may_retry_refused(RefusalReason::Forbidden, Access::View));
    }

    #[test]
    fn refusal_messages_name_the_cause() {
        let not_found = Refusal::new(RefusalReason::NotFound);
        let forbidden = Refusal::new(RefusalReason::Forbidden);

        assert!(not_found
            .message
            .starts_with("Your changes to this plan were not accepted: the server has no plan"));
        assert!(forbidden
            .message
            .contains("you can view this plan but not change it."));
        assert!(not_found.message.ends_with("export it to keep your work."));
        assert!(forbidden.message.ends_with("export it to keep your work."));
    }

    #[test]
    fn refusal_round_trips_through_store() {
        let refusal = Refusal::new(RefusalReason::Forbidden);

        let stored = serde_json::to_string(&refusal).unwrap();

        assert!(stored.contains("\"forbidden\""));
        assert_eq!(serde_json::from_str::<Refusal>(&stored).unwrap(), refusal);
    }

    fn person(role: &str, schools: &[&str]) -> SessionPerson {
        SessionPerson {
            role: role.to_owned(),
            school_ids: schools.iter().map(|school| (*school).to_owned()).collect(),
        }
    }

    #[test]
    fn registration_keeps_chosen_school() {
        let school = registration_school(Some("s2"), &person("coach", &["s1"]));

        assert_eq!(school, RegistrationSchool::School("s2".to_owned()));
        assert_eq!(school.school_id(), Some("s2"));
    }

    #[test]
    fn registration_fills_only_school() {
        assert_eq!(
            registration_school(None, &person("coach", &["s1"])),
            RegistrationSchool::School("s1".to_owned())
        );
    }

    #[test]
    fn registration_asks_among_several_schools() {
        assert_eq!(
            registration_school(None, &person("school_leader", &["s1", "s2"])),
            RegistrationSchool::NeedsChoice
        );
        assert_eq!(
            registration_school(None, &person("coach", &[])),
            RegistrationSchool::NeedsChoice
        );
    }

    #[test]
    fn registration_keeps_admin_plan_at_district_level() {
        let school = registration_school(None, &person("district_admin", &["s1"]));

        assert_eq!(school, RegistrationSchool::DistrictLevel);
        assert_eq!(school.school_id(), None);
    }

    #[test]
    fn registration_leaves_non_creators_to_server() {
        assert_eq!(
            registration_school(None, &person("team_member", &["s1", "s2"])),
            RegistrationSchool::DistrictLevel
        );
    }

    #[test]
    fn plan_creating_roles() {
        for role in ["district_admin", "school_leader", "coach"] {
            assert!(person(role, &[]).creates_plans(), "{role}");
        }
        for role in ["team_member", "viewer", "auditor"] {
            assert!(!person(role, &[]).creates_plans(), "{role}");
        }
    }

    #[test]
    fn session_body_parses() {
        let body: SessionBody = serde_json::from_str(
            r#"{"user": {"id": "p1", "email": "coach@example.org", "name": "Dana Coach",
                "role": "coach", "school_ids": ["s1"], "status": "active"},
                "district": {"id": "d1", "name": "Maple County Schools"}}"#,
        )
        .unwrap();

        assert_eq!(body.user.role, "coach");
        assert!(!body.user.is_district_admin());
        assert!(body.user.creates_plans());
        assert_eq!(body.user.school_ids, vec!["s1".to_owned()]);
    }

    // The browser applies the decisions above to a `cairn_sync` client
    // session. These tests run the session steps it relies on.

    use cairn_plan::{Plan, PlanDocument};
    use cairn_sync::{ClientEvent, ClientSession, DocumentId, Message};

    fn plan_document() -> PlanDocument {
        PlanDocument::from_plan(&Plan {
            title: "Attendance".to_owned(),
            ..Plan::default()
        })
        .unwrap()
    }

    fn server_error(doc: DocumentId, code: ErrorCode) -> Message {
        Message::Error {
            doc: Some(doc),
            code,
            message: "no plan has this id".to_owned(),
        }
    }

    #[test]
    fn refused_plan_stops_sending() {
        let id = DocumentId::new_random();
        let mut plan = plan_document();
        let mut session = ClientSession::new();
        let _ = session.connected();
        let opened = session.open(id, plan.automerge(), 0);
        assert!(matches!(opened.first(), Some(Message::Open { .. })));

        let received = session
            .receive(server_error(id, ErrorCode::Forbidden), None, 10)
            .unwrap();
        assert!(matches!(
            received.events.as_slice(),
            [ClientEvent::ServerError {
                code: ErrorCode::Forbidden,
                ..
            }]
        ));
        assert_eq!(
            respond_to_server_error(ErrorCode::Forbidden, true, false),
            ErrorResponse::Refuse(RefusalReason::Forbidden)
        );

        let closed = session.close(id);
        assert_eq!(closed, vec![Message::Close { doc: id }]);

        plan.set_title("Attendance and punctuality").unwrap();
        assert!(session.local_change(id, plan.automerge(), 20).is_empty());
        assert!(session.tick(id, plan.automerge(), 60_000).is_empty());
        session.disconnected();
        assert!(session.connected().is_empty());
    }

    #[test]
    fn registered_plan_opens_again() {
        let id = DocumentId::new_random();
        let plan = plan_document();
        let mut session = ClientSession::new();
        let _ = session.connected();
        let _ = session.open(id, plan.automerge(), 0);
        let _ = session
            .receive(server_error(id, ErrorCode::NotFound), None, 10)
            .unwrap();
        assert_eq!(
            respond_to_server_error(
                ErrorCode::NotFound,
                plan.is_initialized(),
                !session.acked_heads(&id).is_empty()
            ),
            ErrorResponse::Register
        );
        assert!(session.is_open(&id));

        let reopened = session.open(id, plan.automerge(), 20);

        assert!(matches!(reopened.first(), Some(Message::Open { doc }) if *doc == id));
        assert!(matches!(reopened.get(1), Some(Message::Sync { doc, .. }) if *doc == id));
    }

    #[test]
    fn full_ack_leaves_no_unacked_changes() {
        let id = DocumentId::new_random();
        let mut plan = plan_document();
        let mut session = ClientSession::new();
        let _ = session.connected();
        let _ = session.open(id, plan.automerge(), 0);
        assert!(session.unacked_changes(&id, plan.automerge()) > 0);

        let heads = plan
            .automerge()
            .get_heads()
            .into_iter()
            .map(|hash| hash.0)
            .collect();
        let _ = session
            .receive(
                Message::Ack { doc: id, heads },
                Some(plan.automerge_mut()),
                10,
            )
            .unwrap();

        assert_eq!(session.unacked_changes(&id, plan.automerge()), 0);
    }
}
