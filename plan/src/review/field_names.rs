//! The names of a plan's stored fields and choices, as the plan page shows
//! them: storage keys such as `due_date` become "Due date", and stored
//! choices such as `not_started` become "Not started".
//!
//! NOTE: the app keeps its own table of choice labels (`app/src/labels.rs`),
//! because this crate cannot depend on the app. The two must name each
//! choice alike.

use crate::document::Collection;
use crate::model::{ActionKind, ActionStatus, CheckInKind, Direction, ResourceKind, SupportType};

/// Returns the name of the plan page's section that shows `collection`.
pub(super) fn section_name(collection: Collection) -> &'static str {
    match collection {
        Collection::RootCauses => "Root causes",
        Collection::Goals => "SMART goals",
        Collection::Actions => "Actions",
        Collection::Resources => "Resources",
        Collection::Milestones => "Milestones",
        Collection::Measurements => "Progress monitoring",
        Collection::CheckIns => "Check-ins",
    }
}

/// The section name of the plan's own fields.
pub(super) const PLAN_SECTION: &str = "Plan";

/// The form a field's stored value takes in a description.
#[derive(Clone, Copy)]
pub(super) enum ValueKind {
    /// Prose or a name, shown in quotes.
    Text,
    /// A `YYYY-MM-DD` string.
    Date,
    /// A number in the unit of the goal it belongs to.
    GoalNumber,
    /// A decimal string of money, in the plan's currency.
    Amount,
    /// A decimal string of staff hours.
    Hours,
    /// A stored choice with its label.
    Choice(fn(&str) -> Option<&'static str>),
    /// A flag, described by what setting and clearing it mean.
    Flag {
        set: &'static str,
        cleared: &'static str,
    },
    /// The id of a goal.
    GoalReference,
    /// A set of links, described one link at a time.
    Links,
    /// The statuses a check-in gave the actions it discussed.
    ActionReviews,
}

/// A stored field with its name on the plan page.
pub(super) struct FieldName {
    /// `None` for a field of the plan itself.
    pub(super) collection: Option<Collection>,
    pub(super) key: &'static str,
    pub(super) label: &'static str,
    pub(super) kind: ValueKind,
}

const fn field(
    collection: Option<Collection>,
    key: &'static str,
    label: &'static str,
    kind: ValueKind,
) -> FieldName {
    FieldName {
        collection,
        key,
        label,
        kind,
    }
}

const PLAN: Option<Collection> = None;
const ROOT_CAUSE: Option<Collection> = Some(Collection::RootCauses);
const GOAL: Option<Collection> = Some(Collection::Goals);
const ACTION: Option<Collection> = Some(Collection::Actions);
const RESOURCE: Option<Collection> = Some(Collection::Resources);
const MILESTONE: Option<Collection> = Some(Collection::Milestones);
const MEASUREMENT: Option<Collection> = Some(Collection::Measurements);
const CHECK_IN: Option<Collection> = Some(Collection::CheckIns);

/// Every stored field, under the label of its control on the plan page.
#[rustfmt::skip]
pub(super) const FIELD_NAMES: &[FieldName] = &[
    field(PLAN, "title", "Title", ValueKind::Text),
    field(PLAN, "district", "District", ValueKind::Text),
    field(PLAN, "school", "School", ValueKind::Text),
    field(PLAN, "school_year", "School year", ValueKind::Text),
    field(PLAN, "focus_area", "Focus area", ValueKind::Text),
    field(PLAN, "team", "Team", ValueKind::Text),
    field(PLAN, "status", "Status", ValueKind::Text),
    field(PLAN, "currency", "Currency", ValueKind::Text),
    field(ROOT_CAUSE, "statement", "Statement", ValueKind::Text),
    field(ROOT_CAUSE, "evidence", "Evidence", ValueKind::Text),
    field(GOAL, "statement", "Statement", ValueKind::Text),
    field(GOAL, "measure", "Measure", ValueKind::Text),
    field(GOAL, "unit", "Unit", ValueKind::Text),
    field(GOAL, "baseline_value", "Baseline value", ValueKind::GoalNumber),
    field(GOAL, "baseline_date", "Baseline date", ValueKind::Date),
    field(GOAL, "target_value", "Target value", ValueKind::GoalNumber),
    field(GOAL, "target_date", "Target date", ValueKind::Date),
    field(GOAL, "direction", "Direction", ValueKind::Choice(direction_label)),
    field(GOAL, "monitoring_frequency", "Monitoring frequency", ValueKind::Text),
    field(GOAL, "rationale", "Rationale", ValueKind::Text),
    field(GOAL, "interim_target_value", "Interim target value", ValueKind::GoalNumber),
    field(GOAL, "interim_target_date", "Interim target date", ValueKind::Date),
    field(GOAL, "root_cause_ids", "Root causes", ValueKind::Links),
    field(ACTION, "kind", "Kind", ValueKind::Choice(action_kind_label)),
    field(ACTION, "support_type", "Support type", ValueKind::Choice(support_type_label)),
    field(ACTION, "title", "Title", ValueKind::Text),
    field(ACTION, "description", "Description", ValueKind::Text),
    field(ACTION, "owner", "Owner", ValueKind::Text),
    field(ACTION, "start_date", "Start date", ValueKind::Date),
    field(ACTION, "due_date", "Due date", ValueKind::Date),
    field(ACTION, "status", "Status", ValueKind::Choice(action_status_label)),
    field(ACTION, "success_indicator", "Success indicator", ValueKind::Text),
    field(ACTION, "evidence_of_implementation", "Evidence of implementation", ValueKind::Text),
    field(ACTION, "notes", "Notes", ValueKind::Text),
    field(ACTION, "goal_ids", "Goals", ValueKind::Links),
    field(RESOURCE, "kind", "Kind", ValueKind::Choice(resource_kind_label)),
    field(RESOURCE, "description", "Description", ValueKind::Text),
    field(RESOURCE, "amount", "Amount", ValueKind::Amount),
    field(RESOURCE, "funding_source", "Funding source", ValueKind::Text),
    field(RESOURCE, "hours", "Staff hours", ValueKind::Hours),
    field(RESOURCE, "action_ids", "Actions", ValueKind::Links),
    field(MILESTONE, "title", "Title", ValueKind::Text),
    field(MILESTONE, "date", "Date", ValueKind::Date),
    field(MILESTONE, "done", "Done", ValueKind::Flag { set: "Marked done", cleared: "Marked not done" }),
    field(MILESTONE, "action_ids", "Actions", ValueKind::Links),
    field(MEASUREMENT, "goal_id", "Goal", ValueKind::GoalReference),
    field(MEASUREMENT, "date", "Date", ValueKind::Date),
    field(MEASUREMENT, "value", "Value", ValueKind::GoalNumber),
    field(MEASUREMENT, "note", "Note", ValueKind::Text),
    field(CHECK_IN, "date", "Date", ValueKind::Date),
    field(CHECK_IN, "kind", "Kind", ValueKind::Choice(check_in_kind_label)),
    field(CHECK_IN, "attendees", "Attendees", ValueKind::Text),
    field(CHECK_IN, "summary", "Summary", ValueKind::Text),
    field(CHECK_IN, "decisions", "Decisions", ValueKind::Text),
    field(CHECK_IN, "next_steps", "Next steps", ValueKind::Text),
    field(CHECK_IN, "action_reviews", "Actions discussed", ValueKind::ActionReviews),
];

/// Finds the name of a stored field. A key missing from [`FIELD_NAMES`]
/// reads as its words, such as "Support type" for `support_type`, and its
/// value as text.
pub(super) fn field_name(collection: Option<Collection>, key: &str) -> (String, ValueKind) {
    let known = FIELD_NAMES
        .iter()
        .find(|name| name.collection == collection && name.key == key);

    match known {
        Some(name) => (name.label.to_owned(), name.kind),
        None => (words_of_key(key), ValueKind::Text),
    }
}

/// Turns a storage key into words: `next_steps` into "Next steps".
fn words_of_key(key: &str) -> String {
    capitalize(&key.replace('_', " "))
}

pub(super) fn direction_label(stored: &str) -> Option<&'static str> {
    Some(match stored.parse::<Direction>().ok()? {
        Direction::Increase => "Increase",
        Direction::Decrease => "Decrease",
    })
}

pub(super) fn action_kind_label(stored: &str) -> Option<&'static str> {
    Some(match stored.parse::<ActionKind>().ok()? {
        ActionKind::Primary => "Primary action",
        ActionKind::Support => "Support structure",
    })
}

pub(super) fn support_type_label(stored: &str) -> Option<&'static str> {
    Some(match stored.parse::<SupportType>().ok()? {
        SupportType::Training => "Training or professional development",
        SupportType::Tool => "Tool",
        SupportType::ProcedureAudit => "Procedure audit",
        SupportType::Other => "Other",
    })
}

pub(super) fn action_status_label(stored: &str) -> Option<&'static str> {
    Some(match stored.parse::<ActionStatus>().ok()? {
        ActionStatus::NotStarted => "Not started",
        ActionStatus::InProgress => "In progress",
        ActionStatus::Completed => "Completed",
        ActionStatus::OnHold => "On hold",
    })
}

pub(super) fn resource_kind_label(stored: &str) -> Option<&'static str> {
    Some(match stored.parse::<ResourceKind>().ok()? {
        ResourceKind::StaffRole => "Staff role",
        ResourceKind::Budget => "Budget",
        ResourceKind::ProtectedTime => "Protected time",
        ResourceKind::CoachOrMentor => "Coach or mentor",
        ResourceKind::Material => "Material",
    })
}

pub(super) fn check_in_kind_label(stored: &str) -> Option<&'static str> {
    Some(match stored.parse::<CheckInKind>().ok()? {
        CheckInKind::CheckIn => "Check-in",
        CheckInKind::PulseCheck => "Pulse check",
    })
}

/// Capitalizes the first letter of `text`.
pub(super) fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::entities::Entity;
    use crate::document::fields::FieldValue;
    use crate::document::plan_fields;
    use crate::model::{Action, CheckIn, Goal, Measurement, Milestone, Plan, Resource, RootCause};

    #[test]
    fn every_stored_field_has_a_name() {
        let goal = Goal::new("Reduce office referrals");
        let date = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        let entity_keys = |collection, fields: Vec<(&'static str, FieldValue)>| {
            fields
                .into_iter()
                .map(move |(key, _)| (Some(collection), key))
        };

        let mut stored: Vec<(Option<Collection>, &'static str)> = plan_fields(&Plan::default())
            .into_iter()
            .map(|(key, _)| (None, key))
            .collect();
        stored.extend(entity_keys(
            Collection::RootCauses,
            RootCause::new("Cause").fields(),
        ));
        stored.extend(entity_keys(Collection::Goals, goal.fields()));
        stored.extend(entity_keys(
            Collection::Actions,
            Action::new(ActionKind::Primary, "Teach").fields(),
        ));
        stored.extend(entity_keys(
            Collection::Resources,
            Resource::new(ResourceKind::Budget, "Tickets").fields(),
        ));
        stored.extend(entity_keys(
            Collection::Milestones,
            Milestone::new("Taught", None).fields(),
        ));
        stored.extend(entity_keys(
            Collection::Measurements,
            Measurement::new(goal.id.clone(), date, 1.0).fields(),
        ));
        stored.extend(entity_keys(
            Collection::CheckIns,
            CheckIn::new(CheckInKind::CheckIn, None).fields(),
        ));

        for (collection, key) in stored {
            let named = FIELD_NAMES
                .iter()
                .any(|name| name.collection == collection && name.key == key);
            assert!(
                named,
                "`{key}` of {collection:?} has no name in FIELD_NAMES"
            );
        }
    }

    #[test]
    fn unknown_key_reads_as_words() {
        let (label, _) = field_name(None, "next_review_date");

        assert_eq!(label, "Next review date");
    }

    #[test]
    fn stored_choices_read_as_labels() {
        assert_eq!(action_status_label("on_hold"), Some("On hold"));
        assert_eq!(
            support_type_label("procedure_audit"),
            Some("Procedure audit")
        );
        assert_eq!(action_status_label("finished"), None);
    }
}
