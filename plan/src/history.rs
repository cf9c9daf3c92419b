//! Undo and redo of one person's own edits to a plan, which leave other
//! people's edits in place.
//!
//! The app keeps one [`EditHistory`] per plan in each browser tab. After
//! each local edit it calls [`EditHistory::record`] with the plan snapshots
//! before and after the edit. Changes merged in from other replicas are
//! never recorded, so undo never reverts them.
//!
//! 1. [`EditHistory::record`] stores the differences between the two
//!    snapshots as one undo step: plan fields, entities inserted or
//!    removed, entity fields, single entries of link sets and label maps,
//!    and moves. Keystrokes in one text field merge into one step, and a
//!    new step clears the redo stack.
//! 2. [`EditHistory::undo`] reverts the latest step as one Automerge
//!    change. Each part is reverted only where the document still contains
//!    the value that the edit wrote. Where another edit changed or removed it
//!    since, the newer state stays and the part is listed in the
//!    [`StepReport`].
//! 3. The differences that the undo made become a redo step, which
//!    [`EditHistory::redo`] reverts by the same rule.
//!
//! The rules, with their edge cases, are in `docs/undo.md`.

pub(crate) mod diff;
mod revert;

use std::collections::VecDeque;
use std::fmt;

use crate::document::fields::FieldValue;
use crate::document::{Collection, PlanDocument};
use crate::error::PlanError;
use crate::ids::EntityId;
use crate::model::Plan;
use diff::{diff_plans, Change};
use revert::revert;

/// The maximum number of undo steps kept. Recording another step drops the
/// oldest one.
pub const MAX_UNDO_STEPS: usize = 200;

/// The maximum time in ms between two keystrokes in one text field that
/// merge into one undo step.
pub const TYPING_MERGE_WINDOW_MS: f64 = 1_000.0;

/// The text fields that the document stores as plain strings, not as
/// Automerge `Text`, by collection (`None` for the plan itself) and key.
/// They are typed into text boxes, so their keystrokes merge too.
const PLAIN_STRING_TEXT_FIELDS: &[(Option<Collection>, &str)] = &[
    (None, "district"),
    (None, "school"),
    (None, "school_year"),
    (None, "focus_area"),
    (None, "currency"),
    (Some(Collection::Goals), "unit"),
];

/// The undo and redo stacks of one person's edits to one plan.
///
/// ```
/// use cairn_plan::{EditHistory, PlanDocument};
///
/// let mut document = PlanDocument::create();
/// let mut history = EditHistory::default();
///
/// let before = document.snapshot();
/// document.set_title("Lincoln Elementary Behavior Plan")?;
/// history.record(&before, &document.snapshot(), 0.0);
///
/// assert!(history.undo(&mut document)?);
/// assert_eq!(document.snapshot().title, "");
/// # Ok::<(), cairn_plan::PlanError>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct EditHistory {
    /// The oldest step is first and the next step to undo last.
    undo_steps: VecDeque<Vec<Change>>,
    /// The next step to redo is last.
    redo_steps: Vec<Vec<Change>>,
    /// The clock reading of the latest keystroke while the newest undo step
    /// is a typing run that the next keystroke may join. `None` after any
    /// other edit, an undo or a redo.
    typing_at_ms: Option<f64>,
}

/// The outcome of one undo or redo.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepReport {
    /// Whether the step changed the document. It is `false` when other edits
    /// had already changed or reverted everything the step would write.
    pub changed: bool,
    /// The parts of the step that were left out, because another edit
    /// changed or removed what they touch since.
    pub skipped: Vec<Skipped>,
}

/// The plan itself or one entity: where a field lives.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Plan,
    Entity {
        collection: Collection,
        id: EntityId,
    },
}

/// A part of an undo or redo step that was left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skipped {
    /// Another edit changed this field since the recorded edit, so its value
    /// stays. `field` is the document key, or `position` for the order.
    ChangedSince { target: Target, field: &'static str },
    /// Another edit removed this entity since the recorded edit, so it stays
    /// removed, and the changes to it or links to it are left out.
    RemovedSince {
        collection: Collection,
        id: EntityId,
    },
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Plan => f.write_str("the plan"),
            Target::Entity { collection, id } => write!(f, "{} `{id}`", collection.singular()),
        }
    }
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skipped::ChangedSince { target, field } => write!(
                f,
                "`{field}` of {target} was changed by another edit since, so that value stays"
            ),
            Skipped::RemovedSince { collection, id } => write!(
                f,
                "{} `{id}` was removed by another edit since, so it stays removed",
                collection.singular()
            ),
        }
    }
}

impl EditHistory {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one local edit from the plan snapshots before and after it.
    /// `at_ms` is a clock reading in milliseconds, passed in because the
    /// crate reads no clock.
    ///
    /// An edit that changed nothing is ignored. Any other edit clears the
    /// redo stack. An edit that changes only the text field that the newest
    /// step typed into, at most [`TYPING_MERGE_WINDOW_MS`] after the
    /// previous keystroke, joins that step.
    ///
    /// Do not record an undo or a redo, because they update the stacks
    /// themselves, nor changes merged in from other replicas.
    pub fn record(&mut self, before: &Plan, after: &Plan, at_ms: f64) {
        let changes = diff_plans(before, after);
        if changes.is_empty() {
            return;
        }

        self.redo_steps.clear();

        if self.join_typing_run(&changes, at_ms) {
            return;
        }

        self.typing_at_ms = typed_field(&changes).map(|_| at_ms);
        self.push_undo_step(changes);
    }

    /// Applies the inverse of the latest recorded edit to `document` as a
    /// new change. Returns `Ok(false)` when there is nothing to undo.
    ///
    /// A step whose every part was changed by other edits since is still
    /// used up, so one call always undoes one step.
    pub fn undo(&mut self, document: &mut PlanDocument) -> Result<bool, PlanError> {
        Ok(self.undo_with_report(document)?.is_some())
    }

    /// Re-applies the latest undone edit to `document` as a new change.
    /// Returns `Ok(false)` when there is nothing to redo.
    pub fn redo(&mut self, document: &mut PlanDocument) -> Result<bool, PlanError> {
        Ok(self.redo_with_report(document)?.is_some())
    }

    /// Undoes like [`EditHistory::undo`] and returns what was left out, or
    /// `None` when there is nothing to undo.
    ///
    /// On an error the document is unchanged and the step stays on the
    /// undo stack.
    pub fn undo_with_report(
        &mut self,
        document: &mut PlanDocument,
    ) -> Result<Option<StepReport>, PlanError> {
        let Some(step) = self.undo_steps.pop_back() else {
            return Ok(None);
        };
        self.typing_at_ms = None;

        let reverted = match revert(document, &step) {
            Ok(reverted) => reverted,
            Err(error) => {
                self.undo_steps.push_back(step);
                return Err(error);
            }
        };

        if !reverted.inverse.is_empty() {
            self.redo_steps.push(reverted.inverse);
        }
        Ok(Some(reverted.report))
    }

    /// Redoes like [`EditHistory::redo`] and returns what was left out, or
    /// `None` when there is nothing to redo.
    ///
    /// On an error the document is unchanged and the step stays on the
    /// redo stack.
    pub fn redo_with_report(
        &mut self,
        document: &mut PlanDocument,
    ) -> Result<Option<StepReport>, PlanError> {
        let Some(step) = self.redo_steps.pop() else {
            return Ok(None);
        };
        self.typing_at_ms = None;

        let reverted = match revert(document, &step) {
            Ok(reverted) => reverted,
            Err(error) => {
                self.redo_steps.push(step);
                return Err(error);
            }
        };

        if !reverted.inverse.is_empty() {
            self.push_undo_step(reverted.inverse);
        }
        Ok(Some(reverted.report))
    }

    pub fn can_undo(&self) -> bool {
        !self.undo_steps.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo_steps.is_empty()
    }

    /// Forgets every step, as when the plan is closed.
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    fn push_undo_step(&mut self, changes: Vec<Change>) {
        self.undo_steps.push_back(changes);
        if self.undo_steps.len() > MAX_UNDO_STEPS {
            self.undo_steps.pop_front();
        }
    }

    /// Merges a keystroke into the newest step when both typed into the
    /// same field, the gap since the previous keystroke is within the
    /// window, and the keystroke starts from the text the step ends with.
    /// Returns whether it did.
    fn join_typing_run(&mut self, changes: &[Change], at_ms: f64) -> bool {
        let Some(previous_at_ms) = self.typing_at_ms else {
            return false;
        };
        // A clock that went back, or a NaN reading, starts a new step.
        let gap = at_ms - previous_at_ms;
        if !(0.0..=TYPING_MERGE_WINDOW_MS).contains(&gap) {
            return false;
        }

        let Some((target, key, keystroke_before, keystroke_after)) = typed_field(changes) else {
            return false;
        };
        let Some(step) = self.undo_steps.back_mut() else {
            return false;
        };
        let [Change::Field {
            target: step_target,
            key: step_key,
            before: step_before,
            after: step_after,
        }] = step.as_mut_slice()
        else {
            return false;
        };
        if step_target != target || step_key != &key || step_after != keystroke_before {
            return false;
        }

        *step_after = keystroke_after.clone();
        self.typing_at_ms = Some(at_ms);

        // Typing that ends where it started leaves nothing to undo.
        if step_before == step_after {
            self.undo_steps.pop_back();
            self.typing_at_ms = None;
        }
        true
    }
}

/// Returns the field, its value before and its value after, when the
/// changes are one edit of one text field.
fn typed_field(changes: &[Change]) -> Option<(&Target, &'static str, &FieldValue, &FieldValue)> {
    let [Change::Field {
        target,
        key,
        before,
        after,
    }] = changes
    else {
        return None;
    };

    let is_text = match (before, after) {
        (FieldValue::Text(_), FieldValue::Text(_)) => true,
        (FieldValue::Str(_), FieldValue::Str(_)) => is_plain_string_text(target, key),
        _ => false,
    };
    is_text.then_some((target, *key, before, after))
}

fn is_plain_string_text(target: &Target, key: &str) -> bool {
    let collection = match target {
        Target::Plan => None,
        Target::Entity { collection, .. } => Some(*collection),
    };
    PLAIN_STRING_TEXT_FIELDS
        .iter()
        .any(|(text_collection, text_key)| *text_collection == collection && *text_key == key)
}
