//! Plan templates: starting content for a new plan, kept as JSON data files
//! under `plan/templates/`.
//!
//! Each file contains a template's name, description and focus area, and the
//! root causes, SMART goal shells, actions, resources and milestones that a
//! new plan starts with. Entities in a file link to each other by short
//! local keys, and [`Template::plan`] gives every entity a fresh
//! [`EntityId`]. Dates are a month and day that
//! [`Template::plan`] places in the plan's school year. Baselines, targets,
//! amounts and hours are left to the team, because they depend on the
//! school's own data and budget.
//!
//! The files are compiled in with `include_str!`, so the crate still does
//! no IO. A new template is a new file plus one line in the `BUNDLED` list
//! below. The format is described in `docs/templates.md`.
//!
//! ```
//! use cairn_plan::templates::template;
//!
//! let pbis = template("pbis-tier-1").unwrap();
//! let plan = pbis.plan("2026-27").unwrap();
//!
//! assert_eq!(plan.school_year, "2026-27");
//! assert!(!plan.actions.is_empty());
//! ```

mod format;

use thiserror::Error;

use crate::document::Collection;
use crate::ids::EntityId;
use crate::model::{Action, Goal, Milestone, Plan, Resource, RootCause};
use crate::timeline::SchoolYear;
use format::{
    linked_indexes, ActionEntry, GoalEntry, Keyed, MilestoneEntry, ResourceEntry, TemplateFile,
};

pub use format::MonthDay;

/// Names the file `plan/templates/<key>.json` and its contents.
macro_rules! bundled {
    ($key:literal) => {
        ($key, include_str!(concat!("../templates/", $key, ".json")))
    };
}

/// The key and JSON text of every template that ships with Cairn, in the
/// order a new-plan form lists them.
const BUNDLED: &[(&str, &str)] = &[
    bundled!("blank"),
    bundled!("pbis-tier-1"),
    bundled!("early-literacy"),
    bundled!("attendance"),
];

/// Errors from loading a template file or building a plan from it.
#[derive(Debug, Error)]
pub enum TemplateError {
    #[error("template `{template}` is not a valid template file: {source}")]
    InvalidFile {
        template: String,
        #[source]
        source: serde_json::Error,
    },

    #[error(
        "template `{template}` uses the {} key `{key}` twice: give each {} its own key",
        collection.singular(),
        collection.singular()
    )]
    DuplicateKey {
        template: String,
        collection: Collection,
        key: String,
    },

    #[error(
        "template `{template}`: the {} `{label}` links to the {} key `{key}`, which no {} in the file has",
        from.singular(),
        to.singular(),
        to.singular()
    )]
    UnknownKey {
        template: String,
        from: Collection,
        label: String,
        to: Collection,
        key: String,
    },

    #[error(
        "template `{template}`: the primary action `{title}` has a support type; \
         only support structures (kind `support`) have one"
    )]
    SupportTypeOnPrimaryAction { template: String, title: String },

    #[error(
        "template `{template}`: the action `{title}` starts on {start} but is due on {due}, \
         earlier in the school year (which runs from 07-01 to 06-30)"
    )]
    DueBeforeStart {
        template: String,
        title: String,
        start: MonthDay,
        due: MonthDay,
    },

    #[error("`{text}` is not a school year: expected a year such as 2026-27")]
    InvalidSchoolYear { text: String },
}

/// A plan template, loaded and checked.
#[derive(Clone, Debug)]
pub struct Template {
    key: String,
    file: TemplateFile,
}

impl Template {
    /// Loads a template from the JSON text of a template file, and checks
    /// its keys, links and dates. `key` names the template in errors and in
    /// [`Template::key`].
    pub fn from_json(key: &str, json: &str) -> Result<Template, TemplateError> {
        let file: TemplateFile =
            serde_json::from_str(json).map_err(|source| TemplateError::InvalidFile {
                template: key.to_owned(),
                source,
            })?;

        file.check(key)?;

        Ok(Template {
            key: key.to_owned(),
            file,
        })
    }

    /// Returns the key that selects this template, such as `pbis-tier-1`.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Returns the name shown in the list of templates.
    pub fn name(&self) -> &str {
        &self.file.name
    }

    /// Returns the one-paragraph description shown under the name.
    pub fn description(&self) -> &str {
        &self.file.description
    }

    /// Returns the focus area that a new plan starts with.
    pub fn focus_area(&self) -> &str {
        &self.file.focus_area
    }

    /// Builds a new plan for `school_year`, such as `2026-27`, with fresh
    /// entity ids.
    ///
    /// The plan's `school_year` is the year in its short form, its title is
    /// the template's title followed by that year, and every month and day
    /// is placed in that year. Returns [`TemplateError::InvalidSchoolYear`]
    /// when `school_year` names no school year (see [`SchoolYear::parse`]).
    pub fn plan(&self, school_year: &str) -> Result<Plan, TemplateError> {
        let year =
            SchoolYear::parse(school_year).ok_or_else(|| TemplateError::InvalidSchoolYear {
                text: school_year.to_owned(),
            })?;
        let file = &self.file;

        let title = match file.title.as_str() {
            "" => String::new(),
            title => format!("{title} {}", year.label()),
        };
        let mut plan = Plan {
            title,
            school_year: year.label(),
            focus_area: file.focus_area.clone(),
            ..Plan::default()
        };

        plan.root_causes = file
            .root_causes
            .iter()
            .map(|entry| RootCause {
                evidence: entry.evidence.clone(),
                ..RootCause::new(entry.statement.clone())
            })
            .collect();

        plan.goals = file
            .goals
            .iter()
            .map(|entry| build_goal(entry, file, &plan.root_causes))
            .collect();

        plan.actions = file
            .actions
            .iter()
            .map(|entry| build_action(entry, file, &plan.goals, &year))
            .collect();

        plan.resources = file
            .resources
            .iter()
            .map(|entry| build_resource(entry, file, &plan.actions))
            .collect();

        plan.milestones = file
            .milestones
            .iter()
            .map(|entry| build_milestone(entry, file, &plan.actions, &year))
            .collect();

        Ok(plan)
    }
}

fn build_goal(entry: &GoalEntry, file: &TemplateFile, root_causes: &[RootCause]) -> Goal {
    let root_cause_ids = linked_ids(&file.root_causes, &entry.root_causes, root_causes, |r| {
        &r.id
    });

    Goal {
        measure: entry.measure.clone(),
        unit: entry.unit.clone(),
        direction: entry.direction,
        monitoring_frequency: entry.monitoring_frequency.clone(),
        root_cause_ids,
        ..Goal::new(entry.statement.clone())
    }
}

/// Builds an action. The dates of a loaded template exist in every school
/// year, because loading rejects February 29.
fn build_action(
    entry: &ActionEntry,
    file: &TemplateFile,
    goals: &[Goal],
    year: &SchoolYear,
) -> Action {
    let new_action = match entry.support_type {
        Some(support_type) => Action::support(support_type, entry.title.clone()),
        None => Action::new(entry.kind, entry.title.clone()),
    };

    Action {
        description: entry.description.clone(),
        owner: entry.owner.clone(),
        start_date: entry.start.and_then(|date| date.in_school_year(year)),
        due_date: entry.due.and_then(|date| date.in_school_year(year)),
        success_indicator: entry.success_indicator.clone(),
        evidence_of_implementation: entry.evidence_of_implementation.clone(),
        goal_ids: linked_ids(&file.goals, &entry.goals, goals, |g| &g.id),
        ..new_action
    }
}

fn build_resource(entry: &ResourceEntry, file: &TemplateFile, actions: &[Action]) -> Resource {
    Resource {
        amount: entry.amount,
        funding_source: entry.funding_source.clone(),
        hours: entry.hours,
        action_ids: linked_ids(&file.actions, &entry.actions, actions, |a| &a.id),
        ..Resource::new(entry.kind, entry.description.clone())
    }
}

fn build_milestone(
    entry: &MilestoneEntry,
    file: &TemplateFile,
    actions: &[Action],
    year: &SchoolYear,
) -> Milestone {
    let date = entry.date.and_then(|date| date.in_school_year(year));

    Milestone {
        action_ids: linked_ids(&file.actions, &entry.actions, actions, |a| &a.id),
        ..Milestone::new(entry.title.clone(), date)
    }
}

/// Returns the ids of the built entities that `keys` name, in plan order.
/// `entries` are the file's entries of the linked collection and `built`
/// the entities made from them, index for index.
fn linked_ids<E: Keyed, B>(
    entries: &[E],
    keys: &[String],
    built: &[B],
    id_of: impl Fn(&B) -> &EntityId,
) -> Vec<EntityId> {
    linked_indexes(entries, keys)
        .into_iter()
        .map(|index| id_of(&built[index]).clone())
        .collect()
}

/// Loads every template that ships with Cairn, in the order a new-plan form
/// lists them: blank, pbis-tier-1, early-literacy, attendance.
///
/// # Panics
///
/// Panics when a bundled file is not a valid template. The files are
/// compiled in, and the crate's tests load every one of them.
pub fn templates() -> Vec<Template> {
    BUNDLED
        .iter()
        .map(|(key, json)| load_bundled(key, json))
        .collect()
}

/// Loads the bundled template with this key, or returns `None` when no
/// bundled template has it.
///
/// # Panics
///
/// Panics when the bundled file is not a valid template, as [`templates`]
/// does.
pub fn template(key: &str) -> Option<Template> {
    BUNDLED
        .iter()
        .find(|(bundled_key, _)| *bundled_key == key)
        .map(|(key, json)| load_bundled(key, json))
}

fn load_bundled(key: &str, json: &str) -> Template {
    match Template::from_json(key, json) {
        Ok(template) => template,
        Err(error) => panic!("the bundled template file {key}.json is invalid: {error}"),
    }
}
