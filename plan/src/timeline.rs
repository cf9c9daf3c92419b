//! The school-year timeline of a plan: its actions and milestones placed on
//! the months of one school year, for a Gantt-style view.
//!
//! A school year runs from July 1 to June 30, the fiscal year of most US
//! school districts. [`timeline`] uses the year that the plan's
//! `school_year` field names, or the year that contains today when the
//! field names none. Actions span their start and due dates, and
//! milestones sit on their date. An item that reaches outside the year is
//! clamped to its first or last month and flagged, and an item without any
//! date is listed apart. The rules are listed in
//! `docs/timeline-and-resources.md`.
//!
//! ```
//! use cairn_plan::timeline::{timeline, SchoolYear};
//! use cairn_plan::{Action, ActionKind, Plan};
//! use chrono::NaiveDate;
//!
//! let mut plan = Plan {
//!     school_year: "2026-27".to_owned(),
//!     ..Plan::default()
//! };
//! let mut lessons = Action::new(ActionKind::Primary, "Teach cafeteria expectations");
//! lessons.start_date = NaiveDate::from_ymd_opt(2026, 9, 8);
//! lessons.due_date = NaiveDate::from_ymd_opt(2026, 10, 30);
//! plan.actions.push(lessons);
//!
//! let today = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
//! let view = timeline(&plan, today);
//!
//! assert_eq!(view.year, SchoolYear::parse("2026-27").unwrap());
//! assert_eq!(view.months[0].label, "Jul 2026");
//! assert_eq!((view.items[0].first_month, view.items[0].last_month), (2, 3));
//! assert!(view.items[0].overdue);
//! ```

use chrono::{Datelike, Months, NaiveDate};

use crate::ids::EntityId;
use crate::import::values::find_school_year;
use crate::model::{Action, ActionStatus, Milestone, Plan};

/// The month in which a school year starts: July.
const FIRST_MONTH_OF_YEAR: u32 = 7;

/// A school year, from July 1 to June 30 of the next calendar year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SchoolYear {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

impl SchoolYear {
    /// Creates the school year that starts on July 1 of `first_year`, or
    /// returns `None` when that year is outside chrono's date range.
    pub fn starting_in(first_year: i32) -> Option<SchoolYear> {
        let first_day = NaiveDate::from_ymd_opt(first_year, FIRST_MONTH_OF_YEAR, 1)?;
        let last_day = NaiveDate::from_ymd_opt(first_year.checked_add(1)?, 6, 30)?;
        Some(SchoolYear {
            first_day,
            last_day,
        })
    }

    /// Parses a school year written as `2026-27`, `2026-2027`, `2026–27` or
    /// `2026/27`, the forms that the CSV importer reads.
    ///
    /// The year may stand inside other text, so `SY 2026-27` also parses.
    /// The second year must follow the first, so `2026-2030` and `Grades
    /// 3-5` return `None`.
    pub fn parse(text: &str) -> Option<SchoolYear> {
        let year = find_school_year(text)?;
        SchoolYear::starting_in(year.first_year)
    }

    /// Returns the school year that contains `date`.
    ///
    /// Near the ends of chrono's date range, where July 1 or June 30 does
    /// not exist, the year starts at `NaiveDate::MIN` or ends at
    /// `NaiveDate::MAX`.
    pub fn containing(date: NaiveDate) -> SchoolYear {
        let first_year = if date.month() >= FIRST_MONTH_OF_YEAR {
            date.year()
        } else {
            date.year() - 1
        };

        let first_day =
            NaiveDate::from_ymd_opt(first_year, FIRST_MONTH_OF_YEAR, 1).unwrap_or(NaiveDate::MIN);
        let last_day = NaiveDate::from_ymd_opt(first_year + 1, 6, 30).unwrap_or(NaiveDate::MAX);
        SchoolYear {
            first_day,
            last_day,
        }
    }

    /// Formats the year in its usual short form, such as `2026-27`.
    pub fn label(&self) -> String {
        format!(
            "{}-{:02}",
            self.first_day.year(),
            self.last_day.year().rem_euclid(100)
        )
    }

    /// Returns whether `date` falls between the first and the last day,
    /// both included.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first_day <= date && date <= self.last_day
    }

    /// Lists the calendar months from the month of `first_day` to the month
    /// of `last_day`: twelve for a year from [`SchoolYear::parse`] or
    /// [`SchoolYear::containing`].
    pub fn months(&self) -> Vec<TimelineMonth> {
        let mut months = Vec::new();
        let mut month_start = self.first_day.with_day(1);

        while let Some(first_day) = month_start.filter(|day| *day <= self.last_day) {
            months.push(TimelineMonth {
                first_day,
                label: first_day.format("%b %Y").to_string(),
            });
            month_start = first_day.checked_add_months(Months::new(1));
        }
        months
    }

    /// Returns the index in [`SchoolYear::months`] of the month of `date`,
    /// or `None` when the date is outside the year.
    pub fn month_index(&self, date: NaiveDate) -> Option<usize> {
        if !self.contains(date) {
            return None;
        }
        usize::try_from(months_between(self.first_day, date)).ok()
    }

    /// Returns the index of the month of `date` when it is inside the
    /// year, otherwise the first month for an earlier date and the last
    /// month for a later one.
    fn clamped_month_index(&self, date: NaiveDate) -> usize {
        let last_index =
            usize::try_from(months_between(self.first_day, self.last_day)).unwrap_or_default();

        if date < self.first_day {
            return 0;
        }
        if date > self.last_day {
            return last_index;
        }
        self.month_index(date).unwrap_or_default()
    }
}

/// Counts the calendar months from the month of `from` to the month of
/// `to`, ignoring the days.
fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let years = i64::from(to.year()) - i64::from(from.year());
    let months = i64::from(to.month0()) - i64::from(from.month0());
    years * 12 + months
}

/// One column of the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineMonth {
    /// The first day of the calendar month.
    pub first_day: NaiveDate,
    /// The abbreviated English month name and the year, such as `Aug 2026`.
    pub label: String,
}

/// The kind of entity that a timeline item shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimelineItemKind {
    /// A primary action or a support structure.
    Action,
    Milestone,
}

/// An action or a milestone placed on the months of the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineItem {
    pub kind: TimelineItemKind,
    pub id: EntityId,
    pub title: String,
    /// The action's start date, or the milestone's date.
    pub start: Option<NaiveDate>,
    /// The action's due date, or the milestone's date.
    pub end: Option<NaiveDate>,
    /// The index in [`Timeline::months`] where the item's bar begins.
    pub first_month: usize,
    /// The index in [`Timeline::months`] where the item's bar ends, equal to
    /// `first_month` for a milestone or an action with one date.
    pub last_month: usize,
    /// Whether the item's earliest date is before the school year, so its
    /// bar was clamped to the first month.
    pub starts_before_year: bool,
    /// Whether the item's latest date is after the school year, so its bar
    /// was clamped to the last month.
    pub ends_after_year: bool,
    /// A completed action or a milestone marked done.
    pub done: bool,
    /// An action due before today and not completed, or a milestone dated
    /// before today and not done.
    pub overdue: bool,
}

/// An action or a milestone without any date, which the timeline lists
/// apart from its months.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UndatedItem {
    pub kind: TimelineItemKind,
    pub id: EntityId,
    pub title: String,
    pub done: bool,
}

/// A plan's actions and milestones laid out on one school year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    pub year: SchoolYear,
    /// Whether `year` comes from the plan's `school_year` field. When it is
    /// false, the field names no school year and `year` contains today.
    pub year_from_plan: bool,
    /// The calendar months of `year`, in order.
    pub months: Vec<TimelineMonth>,
    /// The index in `months` of the month that contains today, or `None`
    /// when today is outside `year`.
    pub today_month: Option<usize>,
    /// The dated actions in plan order, followed by the dated milestones
    /// in plan order.
    pub items: Vec<TimelineItem>,
    /// The actions and milestones without any date, in the same order.
    pub undated: Vec<UndatedItem>,
}

/// Lays out the actions and milestones of `plan` on the months of its
/// school year, as of `today`.
pub fn timeline(plan: &Plan, today: NaiveDate) -> Timeline {
    let named_year = SchoolYear::parse(&plan.school_year);
    let year_from_plan = named_year.is_some();
    let year = named_year.unwrap_or_else(|| SchoolYear::containing(today));

    let mut items = Vec::new();
    let mut undated = Vec::new();
    let entries = plan
        .actions
        .iter()
        .map(|action| action_entry(action, today))
        .chain(
            plan.milestones
                .iter()
                .map(|milestone| milestone_entry(milestone, today)),
        );
    for entry in entries {
        match place_on_year(entry, &year) {
            Placed::Dated(item) => items.push(item),
            Placed::Undated(item) => undated.push(item),
        }
    }

    Timeline {
        year,
        year_from_plan,
        months: year.months(),
        today_month: year.month_index(today),
        items,
        undated,
    }
}

/// An action or milestone reduced to what the timeline needs, before it
/// is placed on the months.
struct Entry {
    kind: TimelineItemKind,
    id: EntityId,
    title: String,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    done: bool,
    overdue: bool,
}

fn action_entry(action: &Action, today: NaiveDate) -> Entry {
    let done = action.status == ActionStatus::Completed;
    let overdue = !done && action.due_date.is_some_and(|due| due < today);

    Entry {
        kind: TimelineItemKind::Action,
        id: action.id.clone(),
        title: action.title.clone(),
        start: action.start_date,
        end: action.due_date,
        done,
        overdue,
    }
}

fn milestone_entry(milestone: &Milestone, today: NaiveDate) -> Entry {
    let overdue = !milestone.done && milestone.date.is_some_and(|date| date < today);

    Entry {
        kind: TimelineItemKind::Milestone,
        id: milestone.id.clone(),
        title: milestone.title.clone(),
        start: milestone.date,
        end: milestone.date,
        done: milestone.done,
        overdue,
    }
}

enum Placed {
    Dated(TimelineItem),
    Undated(UndatedItem),
}

/// Places an entry on the months of `year`.
///
/// The bar runs from the earlier to the later of the entry's dates, so a
/// start date typed after the due date still shows both. One date alone
/// gives a one-month bar.
fn place_on_year(entry: Entry, year: &SchoolYear) -> Placed {
    let dates = [entry.start, entry.end];
    let earliest = dates.iter().flatten().min().copied();
    let latest = dates.iter().flatten().max().copied();

    let (Some(earliest), Some(latest)) = (earliest, latest) else {
        return Placed::Undated(UndatedItem {
            kind: entry.kind,
            id: entry.id,
            title: entry.title,
            done: entry.done,
        });
    };

    Placed::Dated(TimelineItem {
        kind: entry.kind,
        id: entry.id,
        title: entry.title,
        start: entry.start,
        end: entry.end,
        first_month: year.clamped_month_index(earliest),
        last_month: year.clamped_month_index(latest),
        starts_before_year: earliest < year.first_day,
        ends_after_year: latest > year.last_day,
        done: entry.done,
        overdue: entry.overdue,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn months_between_counts_calendar_months() {
        assert_eq!(months_between(date(2026, 7, 31), date(2026, 8, 1)), 1);
        assert_eq!(months_between(date(2026, 7, 1), date(2027, 6, 30)), 11);
        assert_eq!(months_between(date(2026, 7, 1), date(2026, 6, 30)), -1);
    }

    #[test]
    fn clamped_index_stays_inside_year() {
        let year = SchoolYear::starting_in(2026).unwrap();

        assert_eq!(year.clamped_month_index(date(2025, 3, 1)), 0);
        assert_eq!(year.clamped_month_index(date(2028, 3, 1)), 11);
        assert_eq!(year.clamped_month_index(date(2027, 2, 14)), 7);
    }

    #[test]
    fn containing_works_at_date_range_ends() {
        let first = SchoolYear::containing(NaiveDate::MIN);
        let last = SchoolYear::containing(NaiveDate::MAX);

        assert_eq!(first.first_day, NaiveDate::MIN);
        assert!(last.contains(NaiveDate::MAX));
    }
}
