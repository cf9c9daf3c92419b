//! SMART checks of a goal: whether it is specific, measurable, achievable,
//! relevant and time-bound, with one sentence for each problem found.
//!
//! [`check_goal`] reads the goal and the rest of its plan (root causes,
//! actions, school year) and applies one set of rules per property:
//!
//! - [`specific`]: a statement of at least [`MIN_STATEMENT_WORDS`] words that
//!   names a change and a group or setting, and a named measure.
//! - [`measurable`]: a baseline value, a target value on the right side of it,
//!   and a direction; percentages within 0 to 100.
//! - [`achievable`]: a change per month no larger than
//!   [`MAX_POINTS_PER_MONTH`] or [`MAX_RELATIVE_CHANGE_PER_MONTH`], unless
//!   a rationale or an interim target backs it. A percentage target lies
//!   within 0 to 100.
//! - [`relevant`]: a link to a root cause, and a primary action working
//!   toward the goal.
//! - [`time_bound`]: a target date after the baseline date, a monitoring
//!   frequency, and a dated interim target when there is one.
//!
//! `docs/smart-goals.md` explains each rule and its threshold.
//!
//! ```
//! use cairn_plan::smart::{check_goal, SmartProperty};
//! use cairn_plan::{Goal, Plan};
//!
//! let plan = Plan::default();
//! let goal = Goal::new("Improve reading");
//!
//! let check = check_goal(&plan, &goal);
//!
//! assert!(!check.passes(SmartProperty::Measurable));
//! assert_eq!(
//!     check.failures(SmartProperty::Measurable)[0],
//!     "Measurable: no baseline value"
//! );
//! ```

mod achievable;
mod measurable;
mod relevant;
mod specific;
mod time_bound;

use std::fmt;

use chrono::NaiveDate;

use crate::model::{Goal, Plan};

pub use achievable::{MAX_POINTS_PER_MONTH, MAX_RELATIVE_CHANGE_PER_MONTH};
pub use specific::MIN_STATEMENT_WORDS;

/// One of the five properties of a SMART goal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SmartProperty {
    Specific,
    Measurable,
    Achievable,
    Relevant,
    TimeBound,
}

impl SmartProperty {
    /// Every property, in the order of the letters S, M, A, R, T.
    pub const ALL: [SmartProperty; 5] = [
        SmartProperty::Specific,
        SmartProperty::Measurable,
        SmartProperty::Achievable,
        SmartProperty::Relevant,
        SmartProperty::TimeBound,
    ];

    /// Returns the property's letter in "SMART".
    pub fn letter(self) -> char {
        match self {
            SmartProperty::Specific => 'S',
            SmartProperty::Measurable => 'M',
            SmartProperty::Achievable => 'A',
            SmartProperty::Relevant => 'R',
            SmartProperty::TimeBound => 'T',
        }
    }

    /// Returns the property's name, such as "Time-bound".
    pub fn name(self) -> &'static str {
        match self {
            SmartProperty::Specific => "Specific",
            SmartProperty::Measurable => "Measurable",
            SmartProperty::Achievable => "Achievable",
            SmartProperty::Relevant => "Relevant",
            SmartProperty::TimeBound => "Time-bound",
        }
    }

    /// Returns the position of the property in [`SmartProperty::ALL`].
    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for SmartProperty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The result of checking one goal: the failures found for each property.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SmartCheck {
    /// Failure sentences, indexed by [`SmartProperty::index`].
    failures: [Vec<String>; 5],
}

impl SmartCheck {
    /// Returns whether the goal has no failure for `property`.
    pub fn passes(&self, property: SmartProperty) -> bool {
        self.failures[property.index()].is_empty()
    }

    /// Returns the failures for `property`, each a full sentence that starts
    /// with the property's name, such as "Measurable: no baseline value".
    pub fn failures(&self, property: SmartProperty) -> &[String] {
        &self.failures[property.index()]
    }

    /// Returns whether the goal passes all five properties.
    pub fn all_pass(&self) -> bool {
        self.failures.iter().all(Vec::is_empty)
    }

    /// Iterates over every failure, in SMART order.
    pub fn all_failures(&self) -> impl Iterator<Item = &str> + '_ {
        self.failures.iter().flatten().map(String::as_str)
    }

    /// Stores the problems found for one property, each prefixed with the
    /// property's name.
    fn record(&mut self, property: SmartProperty, problems: Vec<String>) {
        self.failures[property.index()] = problems
            .into_iter()
            .map(|problem| format!("{}: {problem}", property.name()))
            .collect();
    }
}

/// Checks a goal of `plan` against the five SMART properties.
///
/// The goal need not be one of `plan.goals`, so the UI can check a goal
/// while it is being edited. The plan supplies the root causes, the actions
/// that work toward the goal and the school year.
pub fn check_goal(plan: &Plan, goal: &Goal) -> SmartCheck {
    let start = start_date(plan, goal);
    let mut check = SmartCheck::default();

    check.record(SmartProperty::Specific, specific::problems(goal));
    check.record(SmartProperty::Measurable, measurable::problems(goal));
    check.record(SmartProperty::Achievable, achievable::problems(goal, start));
    check.record(SmartProperty::Relevant, relevant::problems(plan, goal));
    check.record(SmartProperty::TimeBound, time_bound::problems(goal, start));

    check
}

/// The date from which the goal's change is measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StartDate {
    Baseline(NaiveDate),
    /// The goal has no baseline date, so the change counts from the start
    /// of the plan's school year.
    SchoolYear(NaiveDate),
    Unknown,
}

impl StartDate {
    fn date(self) -> Option<NaiveDate> {
        match self {
            StartDate::Baseline(date) | StartDate::SchoolYear(date) => Some(date),
            StartDate::Unknown => None,
        }
    }

    /// Names the start date in a message, such as "the baseline date
    /// (2026-09-18)".
    fn describe(self) -> String {
        match self {
            StartDate::Baseline(date) => format!("the baseline date ({date})"),
            StartDate::SchoolYear(date) => format!("the start of the school year ({date})"),
            StartDate::Unknown => "the start date".to_owned(),
        }
    }
}

fn start_date(plan: &Plan, goal: &Goal) -> StartDate {
    if let Some(date) = goal.baseline_date {
        return StartDate::Baseline(date);
    }
    match plan.school_year_start() {
        Some(date) => StartDate::SchoolYear(date),
        None => StartDate::Unknown,
    }
}

/// Returns whether `value` lies between `first` and `second`, in either
/// order, bounds included.
fn is_between(value: f64, first: f64, second: f64) -> bool {
    value >= first.min(second) && value <= first.max(second)
}
