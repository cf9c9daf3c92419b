//! Who may do what: pure decisions over [`Person`] and [`PlanRecord`].
//!
//! Every HTTP route and every sync message calls these functions. None of
//! them reads the database, so `tests` below walks every role.

use cairn_plan::review::ReviewAction;
use uuid::Uuid;

use super::model::{Access, Person, PlanRecord, Role};

/// The access `person` has to a plan, given the direct share they have on
/// it, if any. `None` means the plan does not exist for them.
///
/// A share adds to what the role gives. A viewer never edits, whatever
/// access the share gives.
pub fn plan_access(person: &Person, plan: &PlanRecord, share: Option<Access>) -> Option<Access> {
    if person.district_id != plan.district_id {
        return None;
    }

    let from_role = match person.role {
        Role::DistrictAdmin => Some(Access::Edit),
        Role::SchoolLeader | Role::Coach => plan
            .school_id
            .filter(|school| person.school_ids.contains(school))
            .map(|_| Access::Edit),
        Role::TeamMember | Role::Viewer => None,
    };

    let access = from_role.max(share)?;
    if person.role == Role::Viewer {
        return Some(Access::View);
    }
    Some(access)
}

/// Returns whether `person` may share the plan and change its shares.
pub fn can_share(person: &Person, plan: &PlanRecord) -> bool {
    if person.district_id != plan.district_id {
        return false;
    }
    match person.role {
        Role::DistrictAdmin => true,
        Role::SchoolLeader => plan
            .school_id
            .is_some_and(|school| person.school_ids.contains(&school)),
        Role::Coach | Role::TeamMember | Role::Viewer => false,
    }
}

/// Returns whether `person` approves the plan: a district admin, or a
/// leader of the plan's school. They are the people who may share it.
pub fn is_approver(person: &Person, plan: &PlanRecord) -> bool {
    can_share(person, plan)
}

/// The reason a person may not take a review action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReviewDenied {
    /// Approving, returning and closing are for approvers.
    #[error("only a district admin or a leader of the plan's school can {0} a plan")]
    NotApprover(&'static str),
    /// Submitting and marking active need edit access.
    #[error("you can only view this plan; ask its school leader for edit access")]
    ViewOnly,
}

/// Checks that `person`, with `access` to the plan, may take `action`.
/// Whether the action applies to the plan's status is
/// [`ReviewAction::apply`]'s rule.
pub fn can_review(
    person: &Person,
    plan: &PlanRecord,
    access: Access,
    action: ReviewAction,
) -> Result<(), ReviewDenied> {
    if action.needs_approver() {
        if is_approver(person, plan) {
            return Ok(());
        }
        let verb = match action {
            ReviewAction::Approve => "approve",
            ReviewAction::Return => "return",
            _ => "close",
        };
        return Err(ReviewDenied::NotApprover(verb));
    }
    if access == Access::Edit || is_approver(person, plan) {
        Ok(())
    } else {
        Err(ReviewDenied::ViewOnly)
    }
}

/// The reason a person may not create a plan where they requested.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CreateDenied {
    /// Team members and viewers create no plans.
    #[error("a {0} cannot create plans; ask a school leader or a district admin")]
    Role(Role),
    /// The school is not one of theirs.
    #[error("you can create plans only in the schools you are assigned to; pick one of them")]
    NotYourSchool,
    /// Only district admins create district-level plans.
    #[error("only a district admin can create a district-level plan; pick one of your schools")]
    DistrictLevel,
}

/// Checks that `person` may create a plan in `school` (`None`: at district
/// level). The caller checks that the school belongs to their district.
pub fn can_create_plan(person: &Person, school: Option<Uuid>) -> Result<(), CreateDenied> {
    match (person.role, school) {
        (Role::DistrictAdmin, _) => Ok(()),
        (Role::SchoolLeader | Role::Coach, None) => Err(CreateDenied::DistrictLevel),
        (Role::SchoolLeader | Role::Coach, Some(school)) => {
            if person.school_ids.contains(&school) {
                Ok(())
            } else {
                Err(CreateDenied::NotYourSchool)
            }
        }
        (role @ (Role::TeamMember | Role::Viewer), _) => Err(CreateDenied::Role(role)),
    }
}

/// The reason a person may not make a change to people.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ManageDenied {
    /// Coaches, team members and viewers manage no one.
    #[error("only district admins and school leaders manage people")]
    NotAManager,
    /// A school leader asked to give a role they may not give.
    #[error("a school leader can give only the coach, team member and viewer roles")]
    RoleTooHigh,
    /// A school leader asked for a school that is not theirs, or for none.
    #[error("pick one or more of your own schools for this person")]
    OutsideTheirSchools,
    /// The person is someone this manager does not manage.
    #[error("this person is not one of the people you manage")]
    NotTheirPerson,
    /// A manager tried to demote or remove themselves.
    #[error("you cannot change your own role or remove yourself; ask another district admin")]
    Themselves,
}

/// Returns whether `manager` may see the people page and invite anyone.
pub fn manages_people(manager: &Person) -> bool {
    matches!(manager.role, Role::DistrictAdmin | Role::SchoolLeader)
}

/// Checks that `manager` may give `role` with `school_ids` to someone (a new
/// invitation or a change).
pub fn can_assign(manager: &Person, role: Role, school_ids: &[Uuid]) -> Result<(), ManageDenied> {
    match manager.role {
        Role::DistrictAdmin => Ok(()),
        Role::SchoolLeader => {
            if matches!(role, Role::DistrictAdmin | Role::SchoolLeader) {
                return Err(ManageDenied::RoleTooHigh);
            }
            let all_theirs = school_ids
                .iter()
                .all(|school| manager.school_ids.contains(school));
            if school_ids.is_empty() || !all_theirs {
                return Err(ManageDenied::OutsideTheirSchools);
            }
            Ok(())
        }
        Role::Coach | Role::TeamMember | Role::Viewer => Err(ManageDenied::NotAManager),
    }
}

/// Checks that `manager` may change or remove `person`.
pub fn can_manage(manager: &Person, person: &Person) -> Result<(), ManageDenied> {
    if manager.district_id != person.district_id {
        return Err(ManageDenied::NotTheirPerson);
    }
    if manager.id == person.id {
        return Err(ManageDenied::Themselves);
    }
    match manager.role {
        Role::DistrictAdmin => Ok(()),
        Role::SchoolLeader => {
            let lower_role = !matches!(person.role, Role::DistrictAdmin | Role::SchoolLeader);
            let in_their_schools = !person.school_ids.is_empty()
                && person
                    .school_ids
                    .iter()
                    .all(|school| manager.school_ids.contains(school));
            if lower_role && in_their_schools {
                Ok(())
            } else {
                Err(ManageDenied::NotTheirPerson)
            }
        }
        Role::Coach | Role::TeamMember | Role::Viewer => Err(ManageDenied::NotAManager),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::model::PersonStatus;

    fn person(role: Role, district: Uuid, schools: &[Uuid]) -> Person {
        Person {
            id: Uuid::new_v4(),
            district_id: district,
            email: format!("{role}@example.org"),
            name: role.to_string(),
            role,
            school_ids: schools.to_vec(),
            status: PersonStatus::Active,
        }
    }

    #[test]
    fn approvers_decide_and_editors_submit() {
        let district = Uuid::new_v4();
        let lincoln = Uuid::new_v4();
        let oak = Uuid::new_v4();
        let plan = PlanRecord {
            district_id: district,
            school_id: Some(lincoln),
        };
        let admin = person(Role::DistrictAdmin, district, &[]);
        let leader = person(Role::SchoolLeader, district, &[lincoln]);
        let other_leader = person(Role::SchoolLeader, district, &[oak]);
        let coach = person(Role::Coach, district, &[lincoln]);
        let viewer = person(Role::Viewer, district, &[]);

        for action in [
            ReviewAction::Approve,
            ReviewAction::Return,
            ReviewAction::Close,
        ] {
            assert_eq!(can_review(&admin, &plan, Access::Edit, action), Ok(()));
            assert_eq!(can_review(&leader, &plan, Access::Edit, action), Ok(()));
            assert!(can_review(&other_leader, &plan, Access::Edit, action).is_err());
            assert!(can_review(&coach, &plan, Access::Edit, action).is_err());
        }
        for action in [ReviewAction::Submit, ReviewAction::Activate] {
            assert_eq!(can_review(&coach, &plan, Access::Edit, action), Ok(()));
            assert_eq!(
                can_review(&viewer, &plan, Access::View, action),
                Err(ReviewDenied::ViewOnly)
            );
        }
        assert_eq!(
            can_review(&coach, &plan, Access::Edit, ReviewAction::Return)
                .expect_err("a coach cannot return a plan")
                .to_string(),
            "only a district admin or a leader of the plan's school can return a plan"
        );
    }

    #[test]
    fn roles_read_and_edit_the_plans_of_their_scope() {
        let district = Uuid::new_v4();
        let lincoln = Uuid::new_v4();
        let oak = Uuid::new_v4();
        let plan = PlanRecord {
            district_id: district,
            school_id: Some(lincoln),
        };

        let cases = [
            (
                person(Role::DistrictAdmin, district, &[]),
                Some(Access::Edit),
            ),
            (
                person(Role::SchoolLeader, district, &[lincoln]),
                Some(Access::Edit),
            ),
            (person(Role::SchoolLeader, district, &[oak]), None),
            (
                person(Role::Coach, district, &[lincoln]),
                Some(Access::Edit),
            ),
            (person(Role::Coach, district, &[oak]), None),
            (person(Role::TeamMember, district, &[lincoln]), None),
            (person(Role::Viewer, district, &[lincoln]), None),
            (person(Role::DistrictAdmin, Uuid::new_v4(), &[]), None),
        ];
        for (who, expected) in cases {
            assert_eq!(plan_access(&who, &plan, None), expected, "{:?}", who.role);
        }
    }

    #[test]
    fn shares_add_access_but_a_viewer_only_reads() {
        let district = Uuid::new_v4();
        let plan = PlanRecord {
            district_id: district,
            school_id: None,
        };

        let member = person(Role::TeamMember, district, &[]);
        assert_eq!(
            plan_access(&member, &plan, Some(Access::Edit)),
            Some(Access::Edit)
        );
        assert_eq!(
            plan_access(&member, &plan, Some(Access::View)),
            Some(Access::View)
        );

        let viewer = person(Role::Viewer, district, &[]);
        assert_eq!(
            plan_access(&viewer, &plan, Some(Access::Edit)),
            Some(Access::View)
        );

        let elsewhere = person(Role::TeamMember, Uuid::new_v4(), &[]);
        assert_eq!(plan_access(&elsewhere, &plan, Some(Access::Edit)), None);
    }

    #[test]
    fn only_admins_and_the_schools_leaders_share() {
        let district = Uuid::new_v4();
        let lincoln = Uuid::new_v4();
        let plan = PlanRecord {
            district_id: district,
            school_id: Some(lincoln),
        };

        assert!(can_share(
            &person(Role::DistrictAdmin, district, &[]),
            &plan
        ));
        assert!(can_share(
            &person(Role::SchoolLeader, district, &[lincoln]),
            &plan
        ));
        assert!(!can_share(
            &person(Role::SchoolLeader, district, &[Uuid::new_v4()]),
            &plan
        ));
        assert!(!can_share(
            &person(Role::Coach, district, &[lincoln]),
            &plan
        ));
        assert!(!can_share(&person(Role::TeamMember, district, &[]), &plan));
    }

    #[test]
    fn plans_are_created_in_ones_own_schools() {
        let district = Uuid::new_v4();
        let lincoln = Uuid::new_v4();
        let oak = Uuid::new_v4();

        assert_eq!(
            can_create_plan(&person(Role::DistrictAdmin, district, &[]), None),
            Ok(())
        );
        let coach = person(Role::Coach, district, &[lincoln]);
        assert_eq!(can_create_plan(&coach, Some(lincoln)), Ok(()));
        assert_eq!(
            can_create_plan(&coach, Some(oak)),
            Err(CreateDenied::NotYourSchool)
        );
        assert_eq!(
            can_create_plan(&coach, None),
            Err(CreateDenied::DistrictLevel)
        );
        assert_eq!(
            can_create_plan(
                &person(Role::TeamMember, district, &[lincoln]),
                Some(lincoln)
            ),
            Err(CreateDenied::Role(Role::TeamMember))
        );
    }

    #[test]
    fn leaders_manage_lower_roles_of_their_schools() {
        let district = Uuid::new_v4();
        let lincoln = Uuid::new_v4();
        let oak = Uuid::new_v4();
        let leader = person(Role::SchoolLeader, district, &[lincoln]);

        assert_eq!(can_assign(&leader, Role::Coach, &[lincoln]), Ok(()));
        assert_eq!(
            can_assign(&leader, Role::SchoolLeader, &[lincoln]),
            Err(ManageDenied::RoleTooHigh)
        );
        assert_eq!(
            can_assign(&leader, Role::Viewer, &[oak]),
            Err(ManageDenied::OutsideTheirSchools)
        );
        assert_eq!(
            can_assign(&leader, Role::Viewer, &[]),
            Err(ManageDenied::OutsideTheirSchools)
        );

        assert_eq!(
            can_manage(&leader, &person(Role::Coach, district, &[lincoln])),
            Ok(())
        );
        assert_eq!(
            can_manage(&leader, &person(Role::Coach, district, &[oak])),
            Err(ManageDenied::NotTheirPerson)
        );
        assert_eq!(
            can_manage(&leader, &person(Role::DistrictAdmin, district, &[])),
            Err(ManageDenied::NotTheirPerson)
        );
        assert_eq!(can_manage(&leader, &leader), Err(ManageDenied::Themselves));
        assert_eq!(
            can_assign(
                &person(Role::Coach, district, &[lincoln]),
                Role::Viewer,
                &[lincoln]
            ),
            Err(ManageDenied::NotAManager)
        );
    }
}
