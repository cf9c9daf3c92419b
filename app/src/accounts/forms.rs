//! The checks the account forms run before they send anything, and the
//! request bodies they build. The server checks again; these checks only
//! spare a round trip and name the field to fix.

use thiserror::Error;

use super::api::{
    AcceptInvite, InviteRequest, NewSchool, PasswordChange, PersonChange, School, SetupRequest,
    SignInRequest,
};
use super::Role;

/// The minimum length of a password, in characters (Unicode scalar
/// values), as the server requires.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The hint under every field for a new password.
pub const PASSWORD_HINT: &str = "At least 10 characters.";

/// A problem with what someone typed into an account form. The messages are
/// shown as they are.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum FormError {
    /// A required field is empty.
    #[error("Enter {field}.")]
    Missing {
        /// The field, as in "Enter your email."
        field: &'static str,
    },
    /// The email has no `@` or contains spaces.
    #[error("“{email}” is not an email address. Enter one such as name@example.org.")]
    InvalidEmail {
        /// The text entered.
        email: String,
    },
    /// The new password is shorter than [`MIN_PASSWORD_CHARS`].
    #[error(
        "The password has {chars} characters, and it needs at least {MIN_PASSWORD_CHARS}. \
         Choose a longer one."
    )]
    PasswordTooShort {
        /// The length of what was typed, in characters.
        chars: usize,
    },
    /// The password and its confirmation differ.
    #[error("The two passwords differ. Type the same password in both fields.")]
    PasswordsDiffer,
    /// The new password equals the current one.
    #[error("The new password is the same as the current one. Choose a different one.")]
    SamePassword,
    /// The inviter's role may not give this role.
    #[error("You cannot give the role {}. Choose a role from the list.", role.label())]
    RoleNotAllowed {
        /// The role chosen.
        role: Role,
    },
    /// A school leader or coach was given no school.
    #[error(
        "Choose at least one school: a {} sees only the plans of their schools.",
        role.label().to_lowercase()
    )]
    SchoolRequired {
        /// The role chosen.
        role: Role,
    },
    /// A school leader invited someone without one of their schools, so
    /// they could not manage that person afterwards.
    #[error("Choose at least one of your schools, so that you can manage this person later.")]
    LeaderSchoolRequired,
    /// The district already has a school of this name.
    #[error("A school named “{name}” already exists.")]
    DuplicateSchool {
        /// The name typed.
        name: String,
    },
}

/// Returns `value` trimmed, or [`FormError::Missing`] naming `field` when
/// nothing is left.
pub fn required(value: &str, field: &'static str) -> Result<String, FormError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FormError::Missing { field });
    }
    Ok(value.to_owned())
}

/// Returns the email trimmed when it looks like an address: something
/// before and after one `@`, and no spaces. The server has the last word.
pub fn email(value: &str, field: &'static str) -> Result<String, FormError> {
    let value = required(value, field)?;
    let looks_valid = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !value.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if !looks_valid {
        return Err(FormError::InvalidEmail { email: value });
    }
    Ok(value)
}

/// Checks a new password and its confirmation: at least
/// [`MIN_PASSWORD_CHARS`] characters, and the same twice. Passwords are
/// never trimmed.
pub fn new_password(password: &str, confirmation: &str) -> Result<(), FormError> {
    if password.is_empty() {
        return Err(FormError::Missing {
            field: "a password",
        });
    }
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(FormError::PasswordTooShort { chars });
    }
    if password != confirmation {
        return Err(FormError::PasswordsDiffer);
    }
    Ok(())
}

/// The sign-in form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignInForm {
    pub email: String,
    pub password: String,
}

impl SignInForm {
    /// Builds the request. Only empty fields are rejected, so a wrong
    /// password gets the server's message and nothing more.
    pub fn check(&self) -> Result<SignInRequest, FormError> {
        let email = required(&self.email, "your email")?;
        if self.password.is_empty() {
            return Err(FormError::Missing {
                field: "your password",
            });
        }
        Ok(SignInRequest {
            email,
            password: self.password.clone(),
        })
    }
}

/// The first-run form: the district and its first admin.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SetupForm {
    pub district_name: String,
    pub name: String,
    pub email: String,
    pub password: String,
    pub confirmation: String,
}

impl SetupForm {
    /// Checks every field, in the order of the form, and builds the request.
    pub fn check(&self) -> Result<SetupRequest, FormError> {
        let district_name = required(&self.district_name, "the district's name")?;
        let name = required(&self.name, "your name")?;
        let email = email(&self.email, "your email")?;
        new_password(&self.password, &self.confirmation)?;
        Ok(SetupRequest {
            district_name,
            name,
            email,
            password: self.password.clone(),
        })
    }
}

/// The form that accepts an invite.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AcceptInviteForm {
    pub name: String,
    pub password: String,
    pub confirmation: String,
}

impl AcceptInviteForm {
    /// Checks every field and builds the request.
    pub fn check(&self) -> Result<AcceptInvite, FormError> {
        let name = required(&self.name, "your name")?;
        new_password(&self.password, &self.confirmation)?;
        Ok(AcceptInvite {
            name,
            password: self.password.clone(),
        })
    }
}

/// The change-password form of the Account page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PasswordChangeForm {
    pub current: String,
    pub new: String,
    pub confirmation: String,
}

impl PasswordChangeForm {
    /// Checks every field and builds the request.
    pub fn check(&self) -> Result<PasswordChange, FormError> {
        if self.current.is_empty() {
            return Err(FormError::Missing {
                field: "your current password",
            });
        }
        new_password(&self.new, &self.confirmation)?;
        if self.new == self.current {
            return Err(FormError::SamePassword);
        }
        Ok(PasswordChange {
            current_password: self.current.clone(),
            new_password: self.new.clone(),
        })
    }
}

/// The invite form of the People page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InviteForm {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub school_ids: Vec<String>,
}

impl InviteForm {
    /// Checks the form for an inviter of role `inviter`, and builds the
    /// request. School leaders and coaches need a school. A school leader's
    /// invitee needs one of the leader's schools whatever their role,
    /// because leaders manage only the people of their schools.
    pub fn check(&self, inviter: Role) -> Result<InviteRequest, FormError> {
        let email = email(&self.email, "the person's email")?;
        let name = required(&self.name, "the person's name")?;
        if !inviter.may_assign(self.role) {
            return Err(FormError::RoleNotAllowed { role: self.role });
        }

        let school_ids = if self.role.has_schools() {
            self.school_ids.clone()
        } else {
            Vec::new()
        };
        if school_ids.is_empty() {
            if inviter == Role::SchoolLeader {
                return Err(FormError::LeaderSchoolRequired);
            }
            if self.role.needs_school() {
                return Err(FormError::SchoolRequired { role: self.role });
            }
        }

        Ok(InviteRequest {
            email,
            name,
            role: self.role,
            school_ids,
        })
    }
}

/// Checks a role change made on the People page by a manager of role
/// `manager`, for a person assigned to `school_ids`, and builds the
/// request. A school leader or coach needs a school first.
pub fn role_change(
    manager: Role,
    role: Role,
    school_ids: &[String],
) -> Result<PersonChange, FormError> {
    if !manager.may_assign(role) {
        return Err(FormError::RoleNotAllowed { role });
    }
    if role.needs_school() && school_ids.is_empty() {
        return Err(FormError::SchoolRequired { role });
    }
    Ok(PersonChange {
        role: Some(role),
        ..PersonChange::default()
    })
}

/// Checks a new list of schools for a person of `role`, and builds the
/// request. A school leader or coach keeps at least one school.
pub fn schools_change(role: Role, school_ids: Vec<String>) -> Result<PersonChange, FormError> {
    if role.needs_school() && school_ids.is_empty() {
        return Err(FormError::SchoolRequired { role });
    }
    Ok(PersonChange {
        school_ids: Some(school_ids),
        ..PersonChange::default()
    })
}

/// Checks a new school's name against the district's schools, ignoring
/// case and surrounding spaces, and builds the request.
pub fn new_school(name: &str, schools: &[School]) -> Result<NewSchool, FormError> {
    let name = required(name, "the school's name")?;
    let name_in_use = schools
        .iter()
        .any(|school| school.name.trim().to_lowercase() == name.to_lowercase());
    if name_in_use {
        return Err(FormError::DuplicateSchool { name });
    }
    Ok(NewSchool { name })
}

/// Says how long to wait after too many sign-in attempts, rounded up to
/// whole minutes from one minute on.
pub fn retry_sentence(seconds: u64) -> String {
    match seconds {
        0 | 1 => "Try again in 1 second.".to_owned(),
        2..=59 => format!("Try again in {seconds} seconds."),
        _ => match seconds.div_ceil(60) {
            1 => "Try again in 1 minute.".to_owned(),
            minutes => format!("Try again in {minutes} minutes."),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup_form() -> SetupForm {
        SetupForm {
            district_name: " Maple County Schools ".to_owned(),
            name: "Ana Admin".to_owned(),
            email: "admin@example.org".to_owned(),
            password: "correct horse".to_owned(),
            confirmation: "correct horse".to_owned(),
        }
    }

    fn invite(role: Role, schools: &[&str]) -> InviteForm {
        InviteForm {
            email: "coach@example.org".to_owned(),
            name: "Dana Coach".to_owned(),
            role,
            school_ids: schools.iter().map(|school| (*school).to_owned()).collect(),
        }
    }

    #[test]
    fn password_needs_ten_characters() {
        assert_eq!(
            new_password("123456789", "123456789"),
            Err(FormError::PasswordTooShort { chars: 9 })
        );
        assert_eq!(new_password("1234567890", "1234567890"), Ok(()));
    }

    #[test]
    fn password_hint_names_the_minimum() {
        assert!(PASSWORD_HINT.contains(&MIN_PASSWORD_CHARS.to_string()));
    }

    #[test]
    fn password_length_counts_characters() {
        // Ten characters, twenty bytes in UTF-8.
        let password = "éééééééééé";

        assert_eq!(new_password(password, password), Ok(()));
    }

    #[test]
    fn passwords_must_match() {
        assert_eq!(
            new_password("1234567890", "1234567891"),
            Err(FormError::PasswordsDiffer)
        );
    }

    #[test]
    fn empty_password_is_missing() {
        assert_eq!(
            new_password("", ""),
            Err(FormError::Missing {
                field: "a password"
            })
        );
    }

    #[test]
    fn password_message_names_the_minimum() {
        let message = FormError::PasswordTooShort { chars: 4 }.to_string();

        assert_eq!(
            message,
            "The password has 4 characters, and it needs at least 10. Choose a longer one."
        );
    }

    #[test]
    fn email_shapes() {
        assert_eq!(
            email(" a@example.org ", "your email"),
            Ok("a@example.org".to_owned())
        );
        assert_eq!(
            email("", "your email"),
            Err(FormError::Missing {
                field: "your email"
            })
        );
        for invalid in [
            "example.org",
            "@example.org",
            "a@",
            "a b@example.org",
            "a@b@c",
        ] {
            assert!(
                matches!(
                    email(invalid, "your email"),
                    Err(FormError::InvalidEmail { .. })
                ),
                "{invalid}"
            );
        }
    }

    #[test]
    fn setup_form_trims_names() {
        let request = setup_form().check().unwrap();

        assert_eq!(request.district_name, "Maple County Schools");
        assert_eq!(request.password, "correct horse");
    }

    #[test]
    fn setup_form_reports_first_problem() {
        let form = SetupForm {
            district_name: String::new(),
            email: "not an email".to_owned(),
            ..setup_form()
        };

        assert_eq!(
            form.check(),
            Err(FormError::Missing {
                field: "the district's name"
            })
        );
    }

    #[test]
    fn sign_in_keeps_password_spaces() {
        let form = SignInForm {
            email: " a@example.org".to_owned(),
            password: " secret ".to_owned(),
        };

        let request = form.check().unwrap();

        assert_eq!(request.email, "a@example.org");
        assert_eq!(request.password, " secret ");
    }

    #[test]
    fn sign_in_needs_both_fields() {
        let form = SignInForm {
            email: "a@example.org".to_owned(),
            password: String::new(),
        };

        assert_eq!(
            form.check(),
            Err(FormError::Missing {
                field: "your password"
            })
        );
    }

    #[test]
    fn accept_invite_checks_password() {
        let form = AcceptInviteForm {
            name: "Dana".to_owned(),
            password: "short".to_owned(),
            confirmation: "short".to_owned(),
        };

        assert_eq!(form.check(), Err(FormError::PasswordTooShort { chars: 5 }));
    }

    #[test]
    fn new_password_differs_from_current() {
        let form = PasswordChangeForm {
            current: "1234567890".to_owned(),
            new: "1234567890".to_owned(),
            confirmation: "1234567890".to_owned(),
        };

        assert_eq!(form.check(), Err(FormError::SamePassword));
    }

    #[test]
    fn password_change_builds_request() {
        let form = PasswordChangeForm {
            current: "old password".to_owned(),
            new: "new password".to_owned(),
            confirmation: "new password".to_owned(),
        };

        let request = form.check().unwrap();

        assert_eq!(request.current_password, "old password");
        assert_eq!(request.new_password, "new password");
    }

    #[test]
    fn leader_cannot_invite_leader() {
        let form = invite(Role::SchoolLeader, &["north"]);

        assert_eq!(
            form.check(Role::SchoolLeader),
            Err(FormError::RoleNotAllowed {
                role: Role::SchoolLeader
            })
        );
    }

    #[test]
    fn coach_needs_school() {
        assert_eq!(
            invite(Role::Coach, &[]).check(Role::DistrictAdmin),
            Err(FormError::SchoolRequired { role: Role::Coach })
        );
    }

    #[test]
    fn admin_invites_viewer_without_school() {
        let request = invite(Role::Viewer, &[])
            .check(Role::DistrictAdmin)
            .unwrap();

        assert!(request.school_ids.is_empty());
    }

    #[test]
    fn leader_invitee_needs_school() {
        assert_eq!(
            invite(Role::Viewer, &[]).check(Role::SchoolLeader),
            Err(FormError::LeaderSchoolRequired)
        );
        assert!(invite(Role::Viewer, &["north"])
            .check(Role::SchoolLeader)
            .is_ok());
    }

    #[test]
    fn admin_invite_drops_schools() {
        let request = invite(Role::DistrictAdmin, &["north"])
            .check(Role::DistrictAdmin)
            .unwrap();

        assert!(request.school_ids.is_empty());
    }

    #[test]
    fn role_change_needs_school_for_coach() {
        assert_eq!(
            role_change(Role::DistrictAdmin, Role::Coach, &[]),
            Err(FormError::SchoolRequired { role: Role::Coach })
        );
        let change = role_change(Role::DistrictAdmin, Role::Coach, &["north".to_owned()]).unwrap();
        assert_eq!(change.role, Some(Role::Coach));
        assert_eq!(change.school_ids, None);
    }

    #[test]
    fn leader_cannot_promote_to_admin() {
        assert_eq!(
            role_change(Role::SchoolLeader, Role::DistrictAdmin, &[]),
            Err(FormError::RoleNotAllowed {
                role: Role::DistrictAdmin
            })
        );
    }

    #[test]
    fn schools_change_keeps_one_for_coach() {
        assert_eq!(
            schools_change(Role::Coach, Vec::new()),
            Err(FormError::SchoolRequired { role: Role::Coach })
        );
        assert_eq!(
            schools_change(Role::Viewer, Vec::new()).unwrap().school_ids,
            Some(Vec::new())
        );
    }

    #[test]
    fn school_role_message() {
        let message = FormError::SchoolRequired { role: Role::Coach }.to_string();

        assert_eq!(
            message,
            "Choose at least one school: a coach sees only the plans of their schools."
        );
    }

    #[test]
    fn school_names_are_unique() {
        let schools = [School {
            id: "s1".to_owned(),
            name: "Lincoln Elementary".to_owned(),
        }];

        assert_eq!(
            new_school(" lincoln elementary ", &schools),
            Err(FormError::DuplicateSchool {
                name: "lincoln elementary".to_owned()
            })
        );
        assert_eq!(
            new_school("Roosevelt Middle", &schools),
            Ok(NewSchool {
                name: "Roosevelt Middle".to_owned()
            })
        );
    }

    #[test]
    fn retry_sentences() {
        assert_eq!(retry_sentence(1), "Try again in 1 second.");
        assert_eq!(retry_sentence(45), "Try again in 45 seconds.");
        assert_eq!(retry_sentence(60), "Try again in 1 minute.");
        assert_eq!(retry_sentence(61), "Try again in 2 minutes.");
        assert_eq!(retry_sentence(900), "Try again in 15 minutes.");
    }
}
