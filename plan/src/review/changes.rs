//! The changes since a plan's approval, worded for the leader who approved
//! it.
//!
//! [`changes_between`] takes the structural differences that undo and redo
//! work on (`diff_plans` in [`crate::history`]) and turns each one into a
//! [`ChangeLine`]: the section of the plan, the item's name, and what
//! changed. Storage keys become the field names the plan page shows, stored
//! choices become their labels, dates read as "Mar 1, 2027", and long text
//! is shortened with an ellipsis around the part that changed.

use chrono::NaiveDate;

use super::excerpt::{collapse_whitespace, excerpts_around_edit, shorten};
use super::field_names::{
    action_status_label, capitalize, check_in_kind_label, field_name, resource_kind_label,
    section_name, ValueKind, PLAN_SECTION,
};
use super::ChangeLine;
use crate::document::fields::{FieldValue, DATE_FORMAT};
use crate::document::Collection;
use crate::history::diff::{diff_plans, Change};
use crate::history::Target;
use crate::ids::EntityId;
use crate::model::{ActionKind, Plan};
use crate::text::format_value;

/// The maximum length of an item's name, in characters.
const ITEM_MAX_CHARS: usize = 60;

/// The maximum length of one value in a description, in characters.
const VALUE_MAX_CHARS: usize = 80;

/// The word for a missing value, such as a date not set yet.
const NONE: &str = "none";

/// Lists what changed from `before` to `after`, one line per change, in
/// the order of the plan: the plan's own fields first, then each section.
///
/// The plan's stored `status` field is left out. The review status is the
/// server's record of decisions, so the stored field is not part of what a
/// leader approves.
///
/// ```
/// use cairn_plan::review::changes_between;
/// use cairn_plan::{Goal, Plan};
///
/// let mut goal = Goal::new("Reduce office referrals by 25% by June 2027");
/// goal.target_value = Some(60.0);
/// let before = Plan { goals: vec![goal.clone()], ..Plan::default() };
/// goal.target_value = Some(65.0);
/// let after = Plan { goals: vec![goal], ..Plan::default() };
///
/// let lines = changes_between(&before, &after);
///
/// assert_eq!(lines[0].section, "SMART goals");
/// assert_eq!(lines[0].item, "Reduce office referrals by 25% by June 2027");
/// assert_eq!(lines[0].description, "Target value: 60 → 65");
/// ```
pub fn changes_between(before: &Plan, after: &Plan) -> Vec<ChangeLine> {
    let plans = Snapshots { before, after };

    diff_plans(before, after)
        .iter()
        .filter_map(|change| plans.describe(change))
        .collect()
}

/// The two snapshots being compared, for looking up the names of items.
struct Snapshots<'a> {
    before: &'a Plan,
    after: &'a Plan,
}

impl Snapshots<'_> {
    /// Words one change, or returns `None` for a change that is left out.
    fn describe(&self, change: &Change) -> Option<ChangeLine> {
        match change {
            Change::Field {
                target: Target::Plan,
                key: "status",
                ..
            } => None,
            Change::Field {
                target,
                key,
                before,
                after,
            } => Some(self.describe_field(target, key, before, after)),
            Change::Schools { before, after } => Some(ChangeLine {
                section: PLAN_SECTION.to_owned(),
                item: String::new(),
                description: format!(
                    "Participating schools: {} → {}",
                    school_list(before),
                    school_list(after)
                ),
            }),
            Change::Link {
                collection,
                id,
                linked_collection,
                linked,
                added,
                ..
            } => {
                let linked_name = self.linked_name(*linked_collection, linked, *added);
                let description = if *added {
                    format!("Linked to {linked_name}")
                } else {
                    format!("Unlinked from {linked_name}")
                };
                Some(self.line(*collection, id, description))
            }
            Change::Label {
                collection,
                id,
                linked_collection,
                linked,
                before,
                after,
                ..
            } => {
                let linked_name = self.linked_name(*linked_collection, linked, after.is_some());
                let description = format!(
                    "{}: {} → {}",
                    capitalize(&linked_name),
                    review_label(before.as_deref()),
                    review_label(after.as_deref())
                );
                Some(self.line(*collection, id, description))
            }
            Change::Inserted(entity) => {
                Some(self.line(entity.collection, &entity.id, "Added".to_owned()))
            }
            Change::Removed(entity) => {
                Some(self.line(entity.collection, &entity.id, "Removed".to_owned()))
            }
            Change::Moved { collection, id, .. } => {
                Some(self.line(*collection, id, "Moved".to_owned()))
            }
        }
    }

    fn line(&self, collection: Collection, id: &EntityId, description: String) -> ChangeLine {
        ChangeLine {
            section: section_name(collection).to_owned(),
            item: self.item_name(collection, id),
            description,
        }
    }

    fn describe_field(
        &self,
        target: &Target,
        key: &str,
        before: &FieldValue,
        after: &FieldValue,
    ) -> ChangeLine {
        let (collection, id) = match target {
            Target::Plan => (None, None),
            Target::Entity { collection, id } => (Some(*collection), Some(id)),
        };
        let (label, kind) = field_name(collection, key);
        let unit = id
            .map(|id| self.goal_unit(collection, id))
            .unwrap_or_default();

        let description = match (kind, before, after) {
            (ValueKind::Flag { set, .. }, _, FieldValue::Bool(true)) => set.to_owned(),
            (ValueKind::Flag { cleared, .. }, _, _) => cleared.to_owned(),
            (
                ValueKind::Text,
                FieldValue::Text(old) | FieldValue::Str(Some(old)),
                FieldValue::Text(new) | FieldValue::Str(Some(new)),
            ) => describe_text_edit(&label, old, new),
            _ => format!(
                "{label}: {} → {}",
                self.value_text(kind, before, &unit),
                self.value_text(kind, after, &unit)
            ),
        };

        match (collection, id) {
            (Some(collection), Some(id)) => self.line(collection, id, description),
            _ => ChangeLine {
                section: PLAN_SECTION.to_owned(),
                item: String::new(),
                description,
            },
        }
    }

    /// Words one stored value on its own.
    fn value_text(&self, kind: ValueKind, value: &FieldValue, unit: &str) -> String {
        match (kind, value) {
            (_, FieldValue::Str(None) | FieldValue::F64(None)) => NONE.to_owned(),
            (ValueKind::Date, FieldValue::Str(Some(stored))) => date_text(stored),
            (ValueKind::GoalNumber, FieldValue::F64(Some(number))) => format_value(*number, unit),
            (ValueKind::Amount, FieldValue::Str(Some(amount))) => {
                format!("{amount} {}", self.after.currency)
            }
            (ValueKind::Hours, FieldValue::Str(Some(hours))) => hours.clone(),
            (ValueKind::Choice(label_of), FieldValue::Str(Some(stored))) => {
                label_of(stored).map_or_else(|| quoted(stored), str::to_owned)
            }
            (_, FieldValue::Ref(collection, id)) => match self.name_of(*collection, id, true) {
                Some(name) => quoted(&name),
                None => format!(
                    "{} no longer in the plan",
                    with_article(collection.singular())
                ),
            },
            (_, FieldValue::F64(Some(number))) => format_value(*number, ""),
            (_, FieldValue::Bool(flag)) => if *flag { "yes" } else { "no" }.to_owned(),
            (_, FieldValue::Text(text) | FieldValue::Str(Some(text))) => {
                if text.trim().is_empty() {
                    NONE.to_owned()
                } else {
                    quoted(&shorten(text, VALUE_MAX_CHARS))
                }
            }
            (_, FieldValue::Links(_, ids)) => format!("{} links", ids.len()),
            (_, FieldValue::Labels(_, labels)) => format!("{} entries", labels.len()),
        }
    }

    /// Returns the unit of the goal a field belongs to: the goal's own
    /// unit, or a measurement's goal's unit. Empty for other fields.
    fn goal_unit(&self, collection: Option<Collection>, id: &EntityId) -> String {
        let goal_id = match collection {
            Some(Collection::Goals) => Some(id.clone()),
            Some(Collection::Measurements) => [self.after, self.before].iter().find_map(|plan| {
                plan.measurements
                    .iter()
                    .find(|measurement| &measurement.id == id)
                    .map(|measurement| measurement.goal_id.clone())
            }),
            _ => None,
        };

        goal_id
            .and_then(|goal_id| {
                [self.after, self.before]
                    .iter()
                    .find_map(|plan| plan.goal(&goal_id).map(|goal| goal.unit.clone()))
            })
            .unwrap_or_default()
    }

    /// Names an item as the plan shows it now, or as it was when it has
    /// been removed since.
    fn item_name(&self, collection: Collection, id: &EntityId) -> String {
        [self.after, self.before]
            .iter()
            .find_map(|plan| name_in(plan, collection, id))
            .unwrap_or_else(|| {
                let missing = with_article(collection.singular());
                format!("{} no longer in the plan", capitalize(&missing))
            })
    }

    /// Names the other end of a link, such as `goal “Reduce referrals”`,
    /// looking first in the snapshot where the link exists.
    fn linked_name(&self, collection: Collection, id: &EntityId, in_after: bool) -> String {
        let singular = collection.singular();
        match self.name_of(collection, id, in_after) {
            Some(name) => format!("{singular} {}", quoted(&name)),
            None => format!("{} no longer in the plan", with_article(singular)),
        }
    }

    /// Names an item, looking first in the `after` snapshot when
    /// `after_first` and in the `before` snapshot otherwise.
    fn name_of(&self, collection: Collection, id: &EntityId, after_first: bool) -> Option<String> {
        let order = if after_first {
            [self.after, self.before]
        } else {
            [self.before, self.after]
        };
        order.iter().find_map(|plan| name_in(plan, collection, id))
    }
}

/// Names an item of `plan`, or returns `None` when the plan has no such
/// item. Empty titles get a stand-in, such as "Untitled goal".
fn name_in(plan: &Plan, collection: Collection, id: &EntityId) -> Option<String> {
    let name = match collection {
        Collection::RootCauses => {
            let cause = plan.root_causes.iter().find(|cause| &cause.id == id)?;
            title_or(&cause.statement, "Untitled root cause")
        }
        Collection::Goals => title_or(&plan.goal(id)?.statement, "Untitled goal"),
        Collection::Actions => {
            let action = plan.actions.iter().find(|action| &action.id == id)?;
            let untitled = match action.kind {
                ActionKind::Primary => "Untitled action",
                ActionKind::Support => "Untitled support structure",
            };
            title_or(&action.title, untitled)
        }
        Collection::Resources => {
            let resource = plan.resources.iter().find(|resource| &resource.id == id)?;
            let kind = resource_kind_label(resource.kind.as_str()).unwrap_or("Resource");
            title_or(&resource.description, kind)
        }
        Collection::Milestones => {
            let milestone = plan
                .milestones
                .iter()
                .find(|milestone| &milestone.id == id)?;
            title_or(&milestone.title, "Untitled milestone")
        }
        Collection::Measurements => {
            let measurement = plan
                .measurements
                .iter()
                .find(|measurement| &measurement.id == id)?;
            let date = format_date(measurement.date);
            let goal = plan
                .goal(&measurement.goal_id)
                .map(|goal| title_or(&goal.statement, "untitled goal"))
                .unwrap_or_else(|| "a removed goal".to_owned());
            format!("Measurement of {date} for {goal}")
        }
        Collection::CheckIns => {
            let check_in = plan.check_ins.iter().find(|check_in| &check_in.id == id)?;
            let kind = check_in_kind_label(check_in.kind.as_str()).unwrap_or("Check-in");
            match check_in.date {
                Some(date) => format!("{kind} of {}", format_date(date)),
                None => format!("{kind} without a date"),
            }
        }
    };

    Some(shorten(&name, ITEM_MAX_CHARS))
}

fn title_or(title: &str, untitled: &str) -> String {
    if title.trim().is_empty() {
        untitled.to_owned()
    } else {
        title.to_owned()
    }
}

/// Returns the label of the status a check-in gave an action, or "Not
/// discussed" when it gave none.
fn review_label(stored: Option<&str>) -> String {
    match stored {
        None => "Not discussed".to_owned(),
        Some(stored) => action_status_label(stored).map_or_else(|| quoted(stored), str::to_owned),
    }
}

fn school_list(schools: &[String]) -> String {
    if schools.is_empty() {
        NONE.to_owned()
    } else {
        quoted(&shorten(&schools.join(", "), VALUE_MAX_CHARS))
    }
}

/// Formats a date as "Mar 1, 2027".
fn format_date(date: NaiveDate) -> String {
    date.format("%b %-d, %Y").to_string()
}

/// Formats a stored date, or quotes the stored text when it is not a date.
fn date_text(stored: &str) -> String {
    match NaiveDate::parse_from_str(stored, DATE_FORMAT) {
        Ok(date) => format_date(date),
        Err(_) => quoted(&shorten(stored, VALUE_MAX_CHARS)),
    }
}

/// Puts "a" or "an" before a noun, such as "an action".
fn with_article(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {noun}")
}

fn quoted(text: &str) -> String {
    format!("“{text}”")
}

/// Describes an edit of a text field as "Label: “old” → “new”", with each
/// side cut down to the part that changed when the text is long.
fn describe_text_edit(label: &str, before: &str, after: &str) -> String {
    let before = collapse_whitespace(before);
    let after = collapse_whitespace(after);

    if before == after {
        return format!("{label}: spacing or line breaks changed");
    }
    if before.is_empty() {
        return format!(
            "{label}: {NONE} → {}",
            quoted(&shorten(&after, VALUE_MAX_CHARS))
        );
    }
    if after.is_empty() {
        return format!(
            "{label}: {} → {NONE}",
            quoted(&shorten(&before, VALUE_MAX_CHARS))
        );
    }

    let (old, new) = excerpts_around_edit(&before, &after, VALUE_MAX_CHARS);
    format!("{label}: {} → {}", quoted(&old), quoted(&new))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    use super::*;
    use crate::model::{
        Action, ActionReview, ActionStatus, CheckIn, CheckInKind, Goal, Measurement, Milestone,
        PlanStatus, Resource, ResourceKind, RootCause, SupportType,
    };

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn line(section: &str, item: &str, description: &str) -> ChangeLine {
        ChangeLine {
            section: section.to_owned(),
            item: item.to_owned(),
            description: description.to_owned(),
        }
    }

    /// Builds a small plan with one item in each section.
    fn sample_plan() -> Plan {
        let cause = RootCause::new("Expectations are not taught in the cafeteria");
        let mut goal = Goal::new("Reduce office referrals from 120 to 80 by June 2027");
        goal.target_value = Some(80.0);
        goal.root_cause_ids = vec![cause.id.clone()];
        let mut action = Action::new(ActionKind::Primary, "Teach cafeteria expectations");
        action.goal_ids = vec![goal.id.clone()];
        let second_action = Action::new(ActionKind::Primary, "Recognize students weekly");
        let mut resource = Resource::new(ResourceKind::Budget, "Recognition tickets");
        resource.amount = Some(Decimal::new(1200, 0));
        let milestone = Milestone::new("Lessons taught", Some(date(2026, 9, 30)));
        let measurement = Measurement::new(goal.id.clone(), date(2026, 10, 1), 110.0);
        let check_in = CheckIn::new(CheckInKind::CheckIn, Some(date(2026, 10, 15)));

        Plan {
            title: "Lincoln Elementary Behavior Plan".to_owned(),
            root_causes: vec![cause],
            goals: vec![goal],
            actions: vec![action, second_action],
            resources: vec![resource],
            milestones: vec![milestone],
            measurements: vec![measurement],
            check_ins: vec![check_in],
            ..Plan::default()
        }
    }

    #[test]
    fn unchanged_plan_has_no_lines() {
        let plan = sample_plan();

        assert!(changes_between(&plan, &plan.clone()).is_empty());
    }

    #[test]
    fn goal_target_change_names_values() {
        let before = sample_plan();
        let mut after = before.clone();
        after.goals[0].target_value = Some(75.0);

        assert_eq!(
            changes_between(&before, &after),
            [line(
                "SMART goals",
                "Reduce office referrals from 120 to 80 by June 2027",
                "Target value: 80 → 75"
            )]
        );
    }

    #[test]
    fn goal_values_carry_the_unit() {
        let mut before = sample_plan();
        before.goals[0].unit = "%".to_owned();
        before.goals[0].target_value = Some(60.0);
        let mut after = before.clone();
        after.goals[0].target_value = Some(65.0);
        after.measurements[0].value = 62.5;

        let lines = changes_between(&before, &after);

        assert_eq!(lines[0].description, "Target value: 60% → 65%");
        assert_eq!(lines[1].section, "Progress monitoring");
        assert_eq!(lines[1].description, "Value: 110% → 62.5%");
    }

    #[test]
    fn action_status_reads_as_labels() {
        let before = sample_plan();
        let mut after = before.clone();
        after.actions[0].status = ActionStatus::Completed;

        assert_eq!(
            changes_between(&before, &after),
            [line(
                "Actions",
                "Teach cafeteria expectations",
                "Status: Not started → Completed"
            )]
        );
    }

    #[test]
    fn dates_read_as_month_day_year() {
        let before = sample_plan();
        let mut after = before.clone();
        after.actions[0].due_date = Some(date(2027, 3, 1));
        after.milestones[0].date = None;

        let lines = changes_between(&before, &after);

        assert_eq!(lines[0].description, "Due date: none → Mar 1, 2027");
        assert_eq!(lines[1].section, "Milestones");
        assert_eq!(lines[1].description, "Date: Sep 30, 2026 → none");
    }

    #[test]
    fn added_and_removed_items_are_named() {
        let before = sample_plan();
        let mut after = before.clone();
        after.milestones.clear();
        after
            .root_causes
            .push(RootCause::new("Arrival routines are unclear"));

        let lines = changes_between(&before, &after);

        assert!(lines.contains(&line(
            "Root causes",
            "Arrival routines are unclear",
            "Added"
        )));
        assert!(lines.contains(&line("Milestones", "Lessons taught", "Removed")));
        assert_eq!(lines.len(), 2);
    }

    #[test]
    fn reordered_actions_list_one_move() {
        let before = sample_plan();
        let mut after = before.clone();
        after.actions.swap(0, 1);

        let lines = changes_between(&before, &after);

        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].section, "Actions");
        assert_eq!(lines[0].description, "Moved");
    }

    #[test]
    fn links_name_the_linked_item() {
        let before = sample_plan();
        let mut after = before.clone();
        let goal_id = after.goals[0].id.clone();
        after.actions[1].goal_ids.push(goal_id);
        after.goals[0].root_cause_ids.clear();

        let lines = changes_between(&before, &after);

        assert!(lines.contains(&line(
            "SMART goals",
            "Reduce office referrals from 120 to 80 by June 2027",
            "Unlinked from root cause “Expectations are not taught in the cafeteria”"
        )));
        assert!(lines.contains(&line(
            "Actions",
            "Recognize students weekly",
            "Linked to goal “Reduce office referrals from 120 to 80 by June 2027”"
        )));
    }

    #[test]
    fn removed_item_named_in_unlinks() {
        let before = sample_plan();
        let mut after = before.clone();
        after.root_causes.clear();
        after.goals[0].root_cause_ids.clear();

        let lines = changes_between(&before, &after);

        assert!(lines.contains(&line(
            "Root causes",
            "Expectations are not taught in the cafeteria",
            "Removed"
        )));
        assert!(lines.iter().any(|line| line.description
            == "Unlinked from root cause “Expectations are not taught in the cafeteria”"));
    }

    #[test]
    fn check_in_review_names_statuses() {
        let before = sample_plan();
        let mut after = before.clone();
        after.check_ins[0].action_reviews.push(ActionReview {
            action_id: after.actions[0].id.clone(),
            status: ActionStatus::InProgress,
        });

        assert_eq!(
            changes_between(&before, &after),
            [line(
                "Check-ins",
                "Check-in of Oct 15, 2026",
                "Action “Teach cafeteria expectations”: Not discussed → In progress"
            )]
        );
    }

    #[test]
    fn plan_fields_have_no_item() {
        let before = sample_plan();
        let mut after = before.clone();
        after.title = "Lincoln Elementary Behavior Plan, revised".to_owned();
        after.participating_schools = vec!["Lincoln Elementary".to_owned()];

        assert_eq!(
            changes_between(&before, &after),
            [
                line(
                    "Plan",
                    "",
                    "Title: “Lincoln Elementary Behavior Plan” → “Lincoln Elementary Behavior Plan, revised”"
                ),
                line("Plan", "", "Participating schools: none → “Lincoln Elementary”"),
            ]
        );
    }

    #[test]
    fn stored_status_is_left_out() {
        let before = sample_plan();
        let mut after = before.clone();
        after.status = PlanStatus::Approved;

        assert!(changes_between(&before, &after).is_empty());
    }

    #[test]
    fn amounts_carry_the_currency() {
        let before = sample_plan();
        let mut after = before.clone();
        after.resources[0].amount = Some(Decimal::new(150050, 2));
        after.resources[0].hours = Some(Decimal::new(12, 0));

        let lines = changes_between(&before, &after);

        assert_eq!(lines[0].item, "Recognition tickets");
        assert_eq!(lines[0].description, "Amount: 1200 USD → 1500.50 USD");
        assert_eq!(lines[1].description, "Staff hours: none → 12");
    }

    #[test]
    fn milestone_done_reads_as_marked() {
        let before = sample_plan();
        let mut after = before.clone();
        after.milestones[0].done = true;

        let lines = changes_between(&before, &after);

        assert_eq!(lines, [line("Milestones", "Lessons taught", "Marked done")]);
        assert_eq!(
            changes_between(&after, &before)[0].description,
            "Marked not done"
        );
    }

    #[test]
    fn long_names_are_shortened_at_a_word() {
        let mut before = sample_plan();
        before.goals[0].statement = "By June 2027, office discipline referrals in the cafeteria and on the playground will fall from 120 to 80 per month".to_owned();
        let mut after = before.clone();
        after.goals[0].measure = "Monthly referrals".to_owned();

        let item = &changes_between(&before, &after)[0].item;

        assert_eq!(
            item,
            "By June 2027, office discipline referrals in the cafeteria…"
        );
        assert!(item.chars().count() <= ITEM_MAX_CHARS);
    }

    #[test]
    fn long_text_edit_shows_the_changed_part() {
        let mut before = sample_plan();
        before.actions[0].description = "Teachers teach the three school-wide expectations in the cafeteria during the first two weeks of school, with a booster lesson after winter break and a review before spring testing.".to_owned();
        let mut after = before.clone();
        after.actions[0].description = after.actions[0]
            .description
            .replace("first two weeks", "first three weeks");

        let description = &changes_between(&before, &after)[0].description;

        assert_eq!(
            description,
            "Description: “…cafeteria during the first two weeks of school, with…” → \
             “…cafeteria during the first three weeks of school, with…”"
        );
    }

    #[test]
    fn long_new_text_is_cut_with_an_ellipsis() {
        let before = sample_plan();
        let mut after = before.clone();
        after.root_causes[0].evidence = "word ".repeat(40);

        let description = &changes_between(&before, &after)[0].description;

        assert!(
            description.starts_with("Evidence: none → “word word"),
            "{description}"
        );
        assert!(description.ends_with("word…”"), "{description}");
        assert!(
            description.chars().count() < VALUE_MAX_CHARS + 30,
            "{description}"
        );
    }

    #[test]
    fn whitespace_only_edit_says_so() {
        let before = sample_plan();
        let mut after = before.clone();
        after.title = "Lincoln Elementary  Behavior Plan".to_owned();

        assert_eq!(
            changes_between(&before, &after)[0].description,
            "Title: spacing or line breaks changed"
        );
    }

    #[test]
    fn measurement_is_named_by_date_and_goal() {
        let before = sample_plan();
        let mut after = before.clone();
        let goal_id = after.goals[0].id.clone();
        after
            .measurements
            .push(Measurement::new(goal_id, date(2026, 11, 1), 95.0));

        assert_eq!(
            changes_between(&before, &after),
            [line(
                "Progress monitoring",
                "Measurement of Nov 1, 2026 for Reduce office referrals…",
                "Added"
            )]
        );
    }

    #[test]
    fn support_type_reads_as_label() {
        let before = sample_plan();
        let mut after = before.clone();
        after.actions[1] = Action {
            kind: ActionKind::Support,
            support_type: Some(SupportType::Training),
            ..after.actions[1].clone()
        };

        let descriptions: Vec<String> = changes_between(&before, &after)
            .into_iter()
            .map(|line| line.description)
            .collect();

        assert_eq!(
            descriptions,
            [
                "Kind: Primary action → Support structure",
                "Support type: none → Training or professional development"
            ]
        );
    }

    #[test]
    fn measurement_goal_change_names_both() {
        let mut before = sample_plan();
        before.goals.push(Goal::new("Raise attendance to 95%"));
        let mut after = before.clone();
        after.measurements[0].goal_id = after.goals[1].id.clone();

        let lines = changes_between(&before, &after);

        assert_eq!(
            lines[0].description,
            "Goal: “Reduce office referrals from 120 to 80 by June 2027” → “Raise attendance to 95%”"
        );
    }

    #[test]
    fn link_to_missing_item() {
        let before = sample_plan();
        let mut after = before.clone();
        after.actions[1].goal_ids.push("goal-gone".parse().unwrap());

        assert_eq!(
            changes_between(&before, &after)[0].description,
            "Linked to a goal no longer in the plan"
        );
        assert_eq!(with_article("action"), "an action");
    }
}
