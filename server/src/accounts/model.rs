//! The records behind access: districts, schools, people, plan records.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A person's id.
pub type PersonId = Uuid;

/// A district: the organization that owns plans and people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct District {
    /// The district's id.
    pub id: Uuid,
    /// Its name, such as "Maple County Schools".
    pub name: String,
}

/// A school of a district.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct School {
    /// The school's id.
    pub id: Uuid,
    /// Its name, such as "Lincoln Elementary".
    pub name: String,
}

/// A person's role in their district. See `docs/accounts.md` for what each
/// role may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads, edits and shares every plan of the district and manages
    /// everyone in it.
    DistrictAdmin,
    /// Reads, edits and shares the plans of their schools and manages the
    /// coaches, team members and viewers of those schools.
    SchoolLeader,
    /// Edits the plans of the schools they are assigned to.
    Coach,
    /// Edits the plans shared with them.
    TeamMember,
    /// Reads the plans shared with them.
    Viewer,
}

impl Role {
    /// Every role, from the most to the least access.
    pub const ALL: [Role; 5] = [
        Role::DistrictAdmin,
        Role::SchoolLeader,
        Role::Coach,
        Role::TeamMember,
        Role::Viewer,
    ];

    /// The role as stored and sent: `district_admin`, `school_leader`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Role::DistrictAdmin => "district_admin",
            Role::SchoolLeader => "school_leader",
            Role::Coach => "coach",
            Role::TeamMember => "team_member",
            Role::Viewer => "viewer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of [`Role::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a role; use district-admin, school-leader, coach, team-member or viewer")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    /// Accepts the stored form (`district_admin`) and the command-line form
    /// (`district-admin`).
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let normalized = input.trim().to_ascii_lowercase().replace('-', "_");
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == normalized)
            .ok_or_else(|| UnknownRole(input.to_owned()))
    }
}

/// Whether a person has set their password yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonStatus {
    /// Signed in at least once, or created with a password.
    Active,
    /// Invited; the invite link has not been used.
    Invited,
}

/// A person of a district, without their password hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Person {
    /// The person's id.
    pub id: PersonId,
    /// Their district.
    #[serde(skip)]
    pub district_id: Uuid,
    /// Their email, lowercased.
    pub email: String,
    /// The name others see.
    pub name: String,
    /// Their role.
    pub role: Role,
    /// The schools they lead, coach or belong to.
    pub school_ids: Vec<Uuid>,
    /// Whether they accepted their invitation.
    pub status: PersonStatus,
}

/// The level of access a person has to a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Read the plan and receive its changes.
    View,
    /// Also change it.
    Edit,
}

impl Access {
    /// The access as stored and sent: `view` or `edit`.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::View => "view",
            Access::Edit => "edit",
        }
    }

    /// Reads the stored form.
    pub fn parse(input: &str) -> Option<Self> {
        match input {
            "view" => Some(Access::View),
            "edit" => Some(Access::Edit),
            _ => None,
        }
    }
}

/// The district and school a plan belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanRecord {
    /// The plan's district.
    pub district_id: Uuid,
    /// Its school, or `None` for a district-level plan.
    pub school_id: Option<Uuid>,
}

/// Returns whether `email` (trimmed and lowercased) looks like an email
/// address: something before one `@`, a dot after it, no spaces.
pub fn is_email(email: &str) -> bool {
    let valid_parts = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !domain.contains('@')
    });
    valid_parts && !email.contains(char::is_whitespace) && email.len() <= 200
}
