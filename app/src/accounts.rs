//! People, roles and schools as the account pages see them.
//!
//! The server decides who may do what (see `docs/accounts.md`). The rules
//! here only choose what the pages offer, such as which roles a school
//! leader can pick when inviting someone, so that a person is not shown a
//! choice the server would reject.

pub mod api;
pub mod forms;

use serde::{Deserialize, Serialize};

use self::api::{Person, School};

/// A person's role in their district, as the API spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads, edits and shares every plan of the district and manages
    /// everyone in it.
    DistrictAdmin,
    /// Reads, edits and shares the plans of their schools and manages the
    /// coaches, team members and viewers assigned to them.
    SchoolLeader,
    /// Reads and edits the plans of the schools they are assigned to.
    Coach,
    /// Reads the plans shared with them and edits those shared as editor.
    TeamMember,
    /// Reads the plans shared with them.
    Viewer,
}

/// The roles a school leader may give.
const LEADER_ASSIGNABLE: [Role; 3] = [Role::Coach, Role::TeamMember, Role::Viewer];

impl Role {
    /// Every role, from the most to the least access.
    pub const ALL: [Role; 5] = [
        Role::DistrictAdmin,
        Role::SchoolLeader,
        Role::Coach,
        Role::TeamMember,
        Role::Viewer,
    ];

    /// Returns the value the API sends and expects, such as `team_member`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::DistrictAdmin => "district_admin",
            Role::SchoolLeader => "school_leader",
            Role::Coach => "coach",
            Role::TeamMember => "team_member",
            Role::Viewer => "viewer",
        }
    }

    /// Parses the API value; `None` for anything else.
    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == value)
    }

    /// Returns the name shown to people, such as "Team member".
    pub fn label(self) -> &'static str {
        match self {
            Role::DistrictAdmin => "District admin",
            Role::SchoolLeader => "School leader",
            Role::Coach => "Coach",
            Role::TeamMember => "Team member",
            Role::Viewer => "Viewer",
        }
    }

    /// Returns whether people of this role invite and manage others.
    pub fn manages_people(self) -> bool {
        matches!(self, Role::DistrictAdmin | Role::SchoolLeader)
    }

    /// Returns the roles a person of this role may give to others: all
    /// five for a district admin, coach, team member and viewer for a
    /// school leader, none for the others.
    pub fn assignable_roles(self) -> &'static [Role] {
        match self {
            Role::DistrictAdmin => &Role::ALL,
            Role::SchoolLeader => &LEADER_ASSIGNABLE,
            Role::Coach | Role::TeamMember | Role::Viewer => &[],
        }
    }

    /// Returns whether a person of this role may give `role` to someone.
    pub fn may_assign(self, role: Role) -> bool {
        self.assignable_roles().contains(&role)
    }

    /// Returns whether the role reaches plans through school assignments,
    /// so that a person of this role needs a school to see any plan.
    pub fn needs_school(self) -> bool {
        matches!(self, Role::SchoolLeader | Role::Coach)
    }

    /// Returns whether people of this role are assigned to schools at all.
    /// A district admin works across the whole district.
    pub fn has_schools(self) -> bool {
        self != Role::DistrictAdmin
    }
}

/// Returns whether `manager` may change or remove `person` on the People
/// page.
///
/// A district admin manages everyone else in the district. A school leader
/// manages the people whose role they may give and who are assigned to at
/// least one of the leader's schools. A person's own account is on the
/// Account page, not here.
pub fn may_manage(manager: &Person, person: &Person) -> bool {
    if manager.id == person.id {
        return false;
    }
    match manager.role {
        Role::DistrictAdmin => true,
        Role::SchoolLeader => {
            manager.role.may_assign(person.role)
                && person
                    .school_ids
                    .iter()
                    .any(|school| manager.school_ids.contains(school))
        }
        Role::Coach | Role::TeamMember | Role::Viewer => false,
    }
}

/// Returns the schools a manager may assign people to: every school for a
/// district admin, their own schools for a school leader.
pub fn assignable_schools(manager: &Person, schools: &[School]) -> Vec<School> {
    schools
        .iter()
        .filter(|school| {
            manager.role == Role::DistrictAdmin || manager.school_ids.contains(&school.id)
        })
        .cloned()
        .collect()
}

/// Names the schools of `school_ids`, in the order of `schools`, joined
/// with commas. Ids missing from `schools` (a school the page has not
/// loaded) are counted at the end.
pub fn school_names(school_ids: &[String], schools: &[School]) -> String {
    let mut names: Vec<String> = schools
        .iter()
        .filter(|school| school_ids.contains(&school.id))
        .map(|school| school.name.clone())
        .collect();

    let unknown = school_ids
        .iter()
        .filter(|id| !schools.iter().any(|school| &school.id == *id))
        .count();
    match unknown {
        0 => {}
        1 => names.push("1 other school".to_owned()),
        count => names.push(format!("{count} other schools")),
    }

    if names.is_empty() {
        "No school".to_owned()
    } else {
        names.join(", ")
    }
}

/// Replaces the schools a manager may assign in `current` with `chosen`,
/// keeping the person's other schools, so a school leader who saves a
/// coach's schools does not take away a school of another leader.
pub fn merge_school_ids(current: &[String], editable: &[String], chosen: &[String]) -> Vec<String> {
    let mut merged: Vec<String> = current
        .iter()
        .filter(|id| !editable.contains(id))
        .cloned()
        .collect();
    for id in chosen {
        if editable.contains(id) && !merged.contains(id) {
            merged.push(id.clone());
        }
    }
    merged
}

/// Builds the invite link to send: the page's origin, such as
/// `https://cairn.example.org`, followed by the server's `invite_path`. A
/// path that is already an absolute address is kept.
pub fn invite_url(origin: &str, invite_path: &str) -> String {
    if invite_path.starts_with("http://") || invite_path.starts_with("https://") {
        return invite_path.to_owned();
    }
    let origin = origin.trim_end_matches('/');
    if invite_path.starts_with('/') {
        format!("{origin}{invite_path}")
    } else {
        format!("{origin}/{invite_path}")
    }
}

#[cfg(test)]
mod tests {
    use super::api::PersonStatus;
    use super::*;

    fn person(id: &str, role: Role, schools: &[&str]) -> Person {
        Person {
            id: id.to_owned(),
            email: format!("{id}@example.org"),
            name: format!("Person {id}"),
            role,
            school_ids: schools.iter().map(|school| (*school).to_owned()).collect(),
            status: PersonStatus::Active,
        }
    }

    fn school(id: &str, name: &str) -> School {
        School {
            id: id.to_owned(),
            name: name.to_owned(),
        }
    }

    fn ids(values: &[&str]) -> Vec<String> {
        values.iter().map(|value| (*value).to_owned()).collect()
    }

    #[test]
    fn role_labels() {
        let labels: Vec<&str> = Role::ALL.iter().map(|role| role.label()).collect();

        assert_eq!(
            labels,
            [
                "District admin",
                "School leader",
                "Coach",
                "Team member",
                "Viewer"
            ]
        );
    }

    #[test]
    fn role_values_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
        assert_eq!(Role::parse("District admin"), None);
    }

    #[test]
    fn admin_assigns_every_role() {
        assert_eq!(Role::DistrictAdmin.assignable_roles(), &Role::ALL);
    }

    #[test]
    fn leader_assigns_three_roles() {
        assert_eq!(
            Role::SchoolLeader.assignable_roles(),
            &[Role::Coach, Role::TeamMember, Role::Viewer]
        );
        assert!(!Role::SchoolLeader.may_assign(Role::SchoolLeader));
        assert!(!Role::SchoolLeader.may_assign(Role::DistrictAdmin));
    }

    #[test]
    fn other_roles_assign_nothing() {
        for role in [Role::Coach, Role::TeamMember, Role::Viewer] {
            assert!(role.assignable_roles().is_empty(), "{role:?}");
            assert!(!role.manages_people(), "{role:?}");
        }
    }

    #[test]
    fn admin_manages_everyone_but_themselves() {
        let admin = person("a", Role::DistrictAdmin, &[]);

        assert!(may_manage(&admin, &person("b", Role::DistrictAdmin, &[])));
        assert!(may_manage(&admin, &person("c", Role::Viewer, &[])));
        assert!(!may_manage(&admin, &admin));
    }

    #[test]
    fn leader_manages_own_schools_only() {
        let leader = person("l", Role::SchoolLeader, &["north"]);

        assert!(may_manage(
            &leader,
            &person("c", Role::Coach, &["north", "south"])
        ));
        assert!(!may_manage(&leader, &person("d", Role::Coach, &["south"])));
        assert!(!may_manage(&leader, &person("e", Role::Viewer, &[])));
        assert!(!may_manage(
            &leader,
            &person("f", Role::SchoolLeader, &["north"])
        ));
    }

    #[test]
    fn leader_assigns_own_schools() {
        let leader = person("l", Role::SchoolLeader, &["north"]);
        let schools = [school("north", "North"), school("south", "South")];

        assert_eq!(
            assignable_schools(&leader, &schools),
            [school("north", "North")]
        );
    }

    #[test]
    fn admin_assigns_every_school() {
        let admin = person("a", Role::DistrictAdmin, &[]);
        let schools = [school("north", "North"), school("south", "South")];

        assert_eq!(assignable_schools(&admin, &schools), schools);
    }

    #[test]
    fn school_names_in_list_order() {
        let schools = [school("north", "North"), school("south", "South")];

        assert_eq!(
            school_names(&ids(&["south", "north"]), &schools),
            "North, South"
        );
        assert_eq!(school_names(&[], &schools), "No school");
        assert_eq!(
            school_names(&ids(&["north", "gone"]), &schools),
            "North, 1 other school"
        );
    }

    #[test]
    fn merge_keeps_schools_out_of_reach() {
        let merged = merge_school_ids(
            &ids(&["north", "south"]),
            &ids(&["north", "east"]),
            &ids(&["east"]),
        );

        assert_eq!(merged, ids(&["south", "east"]));
    }

    #[test]
    fn merge_ignores_schools_out_of_reach() {
        let merged = merge_school_ids(&ids(&[]), &ids(&["north"]), &ids(&["north", "south"]));

        assert_eq!(merged, ids(&["north"]));
    }

    #[test]
    fn invite_url_joins_origin_and_path() {
        assert_eq!(
            invite_url("https://cairn.example.org", "/invite/abc"),
            "https://cairn.example.org/invite/abc"
        );
        assert_eq!(
            invite_url("http://127.0.0.1:3000/", "invite/abc"),
            "http://127.0.0.1:3000/invite/abc"
        );
        assert_eq!(
            invite_url(
                "http://127.0.0.1:3000",
                "https://cairn.example.org/invite/abc"
            ),
            "https://cairn.example.org/invite/abc"
        );
    }
}
