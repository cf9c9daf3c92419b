//! Reading the rows of a progress monitoring table and linking each
//! measurement to its goal.
//!
//! A table with a Goal column links by goal number or statement. Otherwise
//! a plan with one goal takes every measurement, and in a plan with more
//! goals each measure name is compared with every goal: its statement, its
//! measure and the progress monitoring measures of its actions. The score
//! is the number of the measure's words (lowercased, without a plural `s`,
//! without short filler words) found there, plus a large bonus when the
//! measure name equals the goal's measure or one of its actions' progress
//! monitoring measures. The highest score wins; a tie or a score of zero
//! skips the row with the reason.

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::import::columns::{Header, MeasurementColumn};
use crate::import::repair::filled_width;
use crate::import::values::{normalize, parse_date, parse_number, DATE_FORMATS};
use crate::import::Row;
use crate::model::Plan;

/// Words too common to link a measure to a goal.
const FILLER_WORDS: [&str; 20] = [
    "a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "is", "of", "on", "or", "per",
    "that", "the", "to", "who", "with",
];

/// Score added when a measure name equals a goal's measure exactly.
const EXACT_MATCH_BONUS: usize = 100;

/// A measurement row, read but not yet linked to a goal.
#[derive(Clone, Debug)]
pub(crate) struct PendingMeasurement {
    pub(crate) line: usize,
    pub(crate) measure: String,
    /// The Goal column's text, if the table has one.
    pub(crate) goal: String,
    pub(crate) date: NaiveDate,
    pub(crate) value: f64,
    pub(crate) note: String,
}

/// Reads a data row of a progress monitoring table. A row without a date
/// or a value is skipped, and so is a row without a measure name unless a
/// Goal cell names its goal.
pub(crate) fn read_measurement_row(
    header: &Header<MeasurementColumn>,
    row: &Row,
) -> Result<PendingMeasurement, String> {
    if row.cells.len() < header.width || filled_width(&row.cells) > header.width {
        return Err(format!(
            "the row has {} filled cells but the header on line {} has {} columns, so its \
             cells may have shifted; fill the missing cells and put cells that contain \
             commas in quotes",
            filled_width(&row.cells),
            header.line,
            header.width
        ));
    }

    let cell = |column| header.cell(&row.cells, column);

    let measure = cell(MeasurementColumn::Measure);
    let goal = cell(MeasurementColumn::Goal);
    if measure.is_empty() && goal.trim().is_empty() {
        return Err(format!(
            "the {} cell is empty",
            header.name(MeasurementColumn::Measure)
        ));
    }

    let date_text = cell(MeasurementColumn::Date);
    let Some(date) = parse_date(date_text) else {
        return Err(format!(
            "{} `{date_text}` is not a date (expected {DATE_FORMATS})",
            header.name(MeasurementColumn::Date)
        ));
    };

    let value_text = cell(MeasurementColumn::Value);
    let Some(value) = parse_number(value_text) else {
        return Err(format!(
            "{} `{value_text}` is not a number (expected a value such as 48 or 48%)",
            header.name(MeasurementColumn::Value)
        ));
    };

    let note = cell(MeasurementColumn::Note);
    let entered_by = cell(MeasurementColumn::EnteredBy);
    let note = match (note.is_empty(), entered_by.is_empty()) {
        (_, true) => note.to_owned(),
        (true, false) => format!("Entered by {entered_by}"),
        (false, false) => format!("{note} (entered by {entered_by})"),
    };

    Ok(PendingMeasurement {
        line: row.line,
        measure: measure.to_owned(),
        goal: goal.to_owned(),
        date,
        value: value.value,
        note,
    })
}

/// Finds the index of the goal a measurement belongs to, or the reason
/// none can be chosen.
pub(crate) fn match_goal(
    plan: &Plan,
    goal_numbers: &[String],
    measurement: &PendingMeasurement,
) -> Result<usize, String> {
    if !measurement.goal.is_empty() {
        return find_named_goal(plan, goal_numbers, &measurement.goal);
    }

    match plan.goals.len() {
        0 => return Err("the plan table has no goal to link this measurement to".to_owned()),
        1 => return Ok(0),
        _ => {}
    }

    let measure_words = significant_words(&measurement.measure);
    let measure_name = normalize(&measurement.measure);

    let scores: Vec<usize> = plan
        .goals
        .iter()
        .map(|goal| {
            let indicators: Vec<&str> = plan
                .actions
                .iter()
                .filter(|action| action.goal_ids.contains(&goal.id))
                .map(|action| action.success_indicator.as_str())
                .collect();

            let mut vocabulary = significant_words(&goal.statement);
            vocabulary.extend(significant_words(&goal.measure));
            for indicator in &indicators {
                vocabulary.extend(significant_words(indicator));
            }

            let exact = normalize(&goal.measure) == measure_name
                || indicators
                    .iter()
                    .any(|indicator| normalize(indicator) == measure_name);
            let overlap = measure_words.intersection(&vocabulary).count();
            overlap + if exact { EXACT_MATCH_BONUS } else { 0 }
        })
        .collect();

    let best = scores.iter().copied().max().unwrap_or(0);
    if best == 0 {
        return Err(format!(
            "measure `{}` shares no words with any goal or its progress monitoring measures; \
             add a Goal column with the goal number to link it",
            measurement.measure
        ));
    }

    let winners: Vec<usize> = (0..scores.len())
        .filter(|&index| scores[index] == best)
        .collect();
    match winners.as_slice() {
        [winner] => Ok(*winner),
        _ => Err(format!(
            "measure `{}` matches {} goals equally well; add a Goal column with the goal \
             number to link it",
            measurement.measure,
            winners.len()
        )),
    }
}

fn find_named_goal(plan: &Plan, goal_numbers: &[String], name: &str) -> Result<usize, String> {
    let wanted = normalize(name);
    let by_number = goal_numbers
        .iter()
        .position(|number| normalize(number) == wanted);
    let by_statement = || {
        plan.goals
            .iter()
            .position(|goal| normalize(&goal.statement) == wanted)
    };

    by_number.or_else(by_statement).ok_or_else(|| {
        format!("goal `{name}` is not in the plan table (expected a goal number or statement)")
    })
}

/// Collects the words of a text that can link it to a goal.
fn significant_words(text: &str) -> HashSet<String> {
    normalize(text)
        .split(' ')
        .filter(|word| !word.is_empty() && !FILLER_WORDS.contains(word))
        .map(|word| {
            let singular = if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") {
                &word[..word.len() - 1]
            } else {
                word
            };
            singular.to_owned()
        })
        .collect()
}
