//! The JSON bodies of the accounts API, as listed under "HTTP API" in
//! `docs/accounts.md`.

use serde::{Deserialize, Serialize};

use super::Role;

/// The `code` of an error response for a request without a valid session.
pub const SIGNED_OUT: &str = "signed_out";

/// The `code` of a sign-in refused because of too many failed attempts.
pub const TOO_MANY_ATTEMPTS: &str = "too_many_attempts";

/// The `code` of `POST /api/setup` once the district exists.
pub const ALREADY_SET_UP: &str = "already_set_up";

/// The `code` of an invite token that is unknown or already used.
pub const INVITE_NOT_FOUND: &str = "invite_not_found";

/// Whether a person has accepted their invite.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonStatus {
    /// Signed in at least once.
    #[default]
    Active,
    /// Invited, and has not set a password yet.
    Invited,
}

impl PersonStatus {
    /// Returns the word shown on the People page.
    pub fn label(self) -> &'static str {
        match self {
            PersonStatus::Active => "Active",
            PersonStatus::Invited => "Invited",
        }
    }
}

/// A person, as the API returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The person's id.
    pub id: String,
    /// The email they sign in with.
    pub email: String,
    /// The name shown to others.
    pub name: String,
    /// Their role in the district.
    pub role: Role,
    /// The schools they are assigned to.
    #[serde(default)]
    pub school_ids: Vec<String>,
    /// Whether they accepted their invite.
    #[serde(default)]
    pub status: PersonStatus,
}

/// A district: its id and name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct District {
    /// The district's id.
    pub id: String,
    /// The district's name, such as "Maple County Schools".
    pub name: String,
}

/// The signed-in person and their district: the body of `GET /api/session`
/// and of a successful `POST /api/session`. The browser stores it under
/// `cairn.session`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    /// The person.
    pub user: Person,
    /// Their district.
    pub district: District,
}

/// A school of the district.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct School {
    /// The school's id.
    pub id: String,
    /// The school's name.
    pub name: String,
}

/// The body of `GET /api/setup`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub struct SetupStatus {
    /// Whether the database has no people yet.
    pub needed: bool,
}

/// The body of `POST /api/setup`: the district and its first admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SetupRequest {
    /// The district's name.
    pub district_name: String,
    /// The admin's name.
    pub name: String,
    /// The admin's email.
    pub email: String,
    /// The admin's password.
    pub password: String,
}

/// The body of `POST /api/session`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignInRequest {
    /// The email the person signs in with.
    pub email: String,
    /// Their password.
    pub password: String,
}

/// The body of `POST /api/account/password`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PasswordChange {
    /// The password the person signs in with now.
    pub current_password: String,
    /// The password they choose.
    pub new_password: String,
}

/// The body of `POST /api/schools`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewSchool {
    /// The school's name.
    pub name: String,
}

/// The body of `POST /api/people`: the person to invite.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InviteRequest {
    /// Their email.
    pub email: String,
    /// Their name, which they can change when they accept.
    pub name: String,
    /// The role they get.
    pub role: Role,
    /// The schools they are assigned to.
    pub school_ids: Vec<String>,
}

/// The response to `POST /api/people`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Invited {
    /// The new person, with status `invited`.
    pub person: Person,
    /// The path of their invite link, such as `/invite/TOKEN`.
    pub invite_path: String,
}

/// The response to `POST /api/people/{id}/invite`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct InviteLink {
    /// The path of the new invite link; the older links stop working.
    pub invite_path: String,
}

/// The body of `PATCH /api/people/{id}`: only the fields that change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PersonChange {
    /// The new role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// The new list of schools, replacing the old one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub school_ids: Option<Vec<String>>,
    /// The new name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The district named in an invite: the contract gives only `district`,
/// so both a plain name and a `{id, name}` object are read.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum InviteDistrict {
    /// The district's name alone.
    Name(String),
    /// The district as `GET /api/session` returns it.
    District(District),
}

impl InviteDistrict {
    /// Returns the district's name.
    pub fn name(&self) -> &str {
        match self {
            InviteDistrict::Name(name) => name,
            InviteDistrict::District(district) => &district.name,
        }
    }
}

/// The response to `GET /api/invites/{token}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct InviteDetails {
    /// The invited email.
    pub email: String,
    /// The name the inviter entered.
    #[serde(default)]
    pub name: String,
    /// The district the person joins.
    pub district: InviteDistrict,
}

/// The body of `POST /api/invites/{token}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AcceptInvite {
    /// The name the person chooses.
    pub name: String,
    /// Their password.
    pub password: String,
}

/// An error response: `{"error": message, "code": code}`, with
/// `retry_after_seconds` on `429 too_many_attempts`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ErrorBody {
    /// The sentence to show the person.
    pub error: String,
    /// The machine-readable reason, such as `signed_out`.
    #[serde(default)]
    pub code: String,
    /// How long to wait before trying again, in seconds.
    #[serde(default)]
    pub retry_after_seconds: Option<u64>,
}

impl ErrorBody {
    /// Parses an error response body; `None` when it is not one, such as
    /// the HTML error page of a proxy.
    pub fn parse(text: &str) -> Option<ErrorBody> {
        serde_json::from_str(text).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_body_parses() {
        let body = r#"{"user": {"id": "p1", "email": "coach@example.org", "name": "Dana Coach",
            "role": "coach", "school_ids": ["s1"], "status": "active"},
            "district": {"id": "d1", "name": "Maple County Schools"}}"#;

        let signed_in: SignedIn = serde_json::from_str(body).unwrap();

        assert_eq!(signed_in.user.role, Role::Coach);
        assert_eq!(signed_in.user.school_ids, ["s1"]);
        assert_eq!(signed_in.district.name, "Maple County Schools");
    }

    #[test]
    fn stored_session_round_trips() {
        let signed_in = SignedIn {
            user: Person {
                id: "p1".to_owned(),
                email: "lead@example.org".to_owned(),
                name: "Sam Lead".to_owned(),
                role: Role::SchoolLeader,
                school_ids: vec!["s1".to_owned()],
                status: PersonStatus::Active,
            },
            district: District {
                id: "d1".to_owned(),
                name: "Maple County Schools".to_owned(),
            },
        };

        let stored = serde_json::to_string(&signed_in).unwrap();

        assert_eq!(
            serde_json::from_str::<SignedIn>(&stored).unwrap(),
            signed_in
        );
    }

    #[test]
    fn invited_person_parses() {
        let body = r#"{"person": {"id": "p2", "email": "new@example.org", "name": "New",
            "role": "viewer", "school_ids": [], "status": "invited"}, "invite_path": "/invite/abc"}"#;

        let invited: Invited = serde_json::from_str(body).unwrap();

        assert_eq!(invited.person.status, PersonStatus::Invited);
        assert_eq!(invited.invite_path, "/invite/abc");
    }

    #[test]
    fn invite_district_as_name_or_object() {
        let plain: InviteDetails =
            serde_json::from_str(r#"{"email": "a@example.org", "name": "A", "district": "Maple"}"#)
                .unwrap();
        let object: InviteDetails = serde_json::from_str(
            r#"{"email": "a@example.org", "name": "A", "district": {"id": "d1", "name": "Maple"}}"#,
        )
        .unwrap();

        assert_eq!(plain.district.name(), "Maple");
        assert_eq!(object.district.name(), "Maple");
    }

    #[test]
    fn person_change_sends_only_changed_fields() {
        let change = PersonChange {
            role: Some(Role::TeamMember),
            ..PersonChange::default()
        };

        assert_eq!(
            serde_json::to_string(&change).unwrap(),
            r#"{"role":"team_member"}"#
        );
    }

    #[test]
    fn error_body_with_retry() {
        let body = ErrorBody::parse(
            r#"{"error": "Too many sign-in attempts.", "code": "too_many_attempts", "retry_after_seconds": 600}"#,
        )
        .unwrap();

        assert_eq!(body.code, TOO_MANY_ATTEMPTS);
        assert_eq!(body.retry_after_seconds, Some(600));
    }

    #[test]
    fn error_body_rejects_html() {
        assert_eq!(ErrorBody::parse("<html>Bad gateway</html>"), None);
    }
}
