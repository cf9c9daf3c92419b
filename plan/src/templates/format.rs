//! The JSON format of a template file, and the checks that a file must
//! pass before it can build plans.
//!
//! Entities name each other by short local keys, which are unique within
//! their collection. Dates are a month and day (`MM-DD`) placed in the
//! school year when a plan is built. The format is described for template
//! authors in `docs/templates.md`.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::document::Collection;
use crate::model::{ActionKind, Direction, ResourceKind, SupportType};
use crate::templates::TemplateError;
use crate::timeline::SchoolYear;

/// A whole template file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TemplateFile {
    pub(crate) name: String,
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) focus_area: String,
    /// The plan title, to which the school year is appended.
    #[serde(default)]
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) root_causes: Vec<RootCauseEntry>,
    #[serde(default)]
    pub(crate) goals: Vec<GoalEntry>,
    #[serde(default)]
    pub(crate) actions: Vec<ActionEntry>,
    #[serde(default)]
    pub(crate) resources: Vec<ResourceEntry>,
    #[serde(default)]
    pub(crate) milestones: Vec<MilestoneEntry>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RootCauseEntry {
    pub(crate) key: Option<String>,
    pub(crate) statement: String,
    #[serde(default)]
    pub(crate) evidence: String,
}

/// A SMART goal shell. Baselines and targets are not part of the format,
/// because only the team has its own data.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GoalEntry {
    pub(crate) key: Option<String>,
    pub(crate) statement: String,
    #[serde(default)]
    pub(crate) measure: String,
    #[serde(default)]
    pub(crate) unit: String,
    pub(crate) direction: Option<Direction>,
    #[serde(default)]
    pub(crate) monitoring_frequency: String,
    /// Keys of root causes.
    #[serde(default)]
    pub(crate) root_causes: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionEntry {
    pub(crate) key: Option<String>,
    pub(crate) kind: ActionKind,
    pub(crate) support_type: Option<SupportType>,
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) owner: String,
    pub(crate) start: Option<MonthDay>,
    pub(crate) due: Option<MonthDay>,
    #[serde(default)]
    pub(crate) success_indicator: String,
    #[serde(default)]
    pub(crate) evidence_of_implementation: String,
    /// Keys of goals.
    #[serde(default)]
    pub(crate) goals: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResourceEntry {
    pub(crate) kind: ResourceKind,
    pub(crate) description: String,
    /// An exact decimal string, such as `"1200.00"`.
    pub(crate) amount: Option<Decimal>,
    #[serde(default)]
    pub(crate) funding_source: String,
    /// An exact decimal string, such as `"18"`.
    pub(crate) hours: Option<Decimal>,
    /// Keys of actions.
    #[serde(default)]
    pub(crate) actions: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MilestoneEntry {
    pub(crate) title: String,
    pub(crate) date: Option<MonthDay>,
    /// Keys of actions.
    #[serde(default)]
    pub(crate) actions: Vec<String>,
}

/// A date without a year, written `MM-DD`, that a template places in the
/// school year of the plan it builds: July to December fall in the year's
/// first calendar year, January to June in its second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct MonthDay {
    month: u32,
    day: u32,
}

impl MonthDay {
    /// Returns the date of this month and day in `year`, or `None` when the
    /// day does not exist in that calendar year.
    pub(crate) fn in_school_year(self, year: &SchoolYear) -> Option<NaiveDate> {
        let calendar_year = if self.month >= 7 {
            year.first_day.year()
        } else {
            year.last_day.year()
        };
        NaiveDate::from_ymd_opt(calendar_year, self.month, self.day)
    }

    /// Returns a key that sorts month-days in school-year order, July first.
    fn school_year_order(self) -> (bool, u32, u32) {
        (self.month < 7, self.month, self.day)
    }
}

impl TryFrom<String> for MonthDay {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        let invalid = || format!("`{text}` is not a month and day: expected MM-DD, such as 09-15");

        let (month, day) = text.split_once('-').ok_or_else(invalid)?;
        let two_digits = |part: &str| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit());
        if !two_digits(month) || !two_digits(day) {
            return Err(invalid());
        }
        let month: u32 = month.parse().map_err(|_| invalid())?;
        let day: u32 = day.parse().map_err(|_| invalid())?;

        if (month, day) == (2, 29) {
            return Err(
                "`02-29` does not exist in every school year: use 02-28 or 03-01".to_owned(),
            );
        }
        // 2001 is not a leap year, so every other real month and day exists in it.
        if NaiveDate::from_ymd_opt(2001, month, day).is_none() {
            return Err(invalid());
        }
        Ok(MonthDay { month, day })
    }
}

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

/// An entity that other entities of a template can link to by key.
pub(crate) trait Keyed {
    fn key(&self) -> Option<&str>;
}

impl Keyed for RootCauseEntry {
    fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }
}

impl Keyed for GoalEntry {
    fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }
}

impl Keyed for ActionEntry {
    fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }
}

/// Returns the indexes in `entries` of the entities that `keys` name, in
/// the order of `entries`, each once. Keys that name no entity are left
/// out, which [`TemplateFile::check`] rules out for a loaded template.
pub(crate) fn linked_indexes<E: Keyed>(entries: &[E], keys: &[String]) -> Vec<usize> {
    entries
        .iter()
        .enumerate()
        .filter(|(_, entry)| {
            entry
                .key()
                .is_some_and(|key| keys.iter().any(|wanted| wanted == key))
        })
        .map(|(index, _)| index)
        .collect()
}

impl TemplateFile {
    /// Checks what the JSON types cannot: that keys are unique, that links
    /// name existing keys, that only support structures have a support
    /// type, and that no action is due before it starts.
    pub(crate) fn check(&self, template: &str) -> Result<(), TemplateError> {
        check_unique_keys(template, Collection::RootCauses, &self.root_causes)?;
        check_unique_keys(template, Collection::Goals, &self.goals)?;
        check_unique_keys(template, Collection::Actions, &self.actions)?;

        for goal in &self.goals {
            let links = Links {
                from: (Collection::Goals, &goal.statement),
                to: Collection::RootCauses,
                keys: &goal.root_causes,
            };
            links.check(template, &self.root_causes)?;
        }

        for action in &self.actions {
            check_action(template, action)?;
            let links = Links {
                from: (Collection::Actions, &action.title),
                to: Collection::Goals,
                keys: &action.goals,
            };
            links.check(template, &self.goals)?;
        }

        for resource in &self.resources {
            let links = Links {
                from: (Collection::Resources, &resource.description),
                to: Collection::Actions,
                keys: &resource.actions,
            };
            links.check(template, &self.actions)?;
        }

        for milestone in &self.milestones {
            let links = Links {
                from: (Collection::Milestones, &milestone.title),
                to: Collection::Actions,
                keys: &milestone.actions,
            };
            links.check(template, &self.actions)?;
        }

        Ok(())
    }
}

fn check_unique_keys<E: Keyed>(
    template: &str,
    collection: Collection,
    entries: &[E],
) -> Result<(), TemplateError> {
    for (index, entry) in entries.iter().enumerate() {
        let Some(key) = entry.key() else {
            continue;
        };
        if entries[..index]
            .iter()
            .any(|other| other.key() == Some(key))
        {
            return Err(TemplateError::DuplicateKey {
                template: template.to_owned(),
                collection,
                key: key.to_owned(),
            });
        }
    }
    Ok(())
}

/// The links from one entity of a template to the entities of one
/// collection.
struct Links<'a> {
    /// The collection and the label of the entity with the links.
    from: (Collection, &'a str),
    to: Collection,
    keys: &'a [String],
}

impl Links<'_> {
    /// Checks that every key names one of `targets`, the entities of the
    /// `to` collection.
    fn check<E: Keyed>(&self, template: &str, targets: &[E]) -> Result<(), TemplateError> {
        let (from, label) = self.from;

        for key in self.keys {
            if !targets.iter().any(|target| target.key() == Some(key)) {
                return Err(TemplateError::UnknownKey {
                    template: template.to_owned(),
                    from,
                    label: label.to_owned(),
                    to: self.to,
                    key: key.clone(),
                });
            }
        }
        Ok(())
    }
}

fn check_action(template: &str, action: &ActionEntry) -> Result<(), TemplateError> {
    if action.kind == ActionKind::Primary && action.support_type.is_some() {
        return Err(TemplateError::SupportTypeOnPrimaryAction {
            template: template.to_owned(),
            title: action.title.clone(),
        });
    }

    if let (Some(start), Some(due)) = (action.start, action.due) {
        if due.school_year_order() < start.school_year_order() {
            return Err(TemplateError::DueBeforeStart {
                template: template.to_owned(),
                title: action.title.clone(),
                start,
                due,
            });
        }
    }
    Ok(())
}
