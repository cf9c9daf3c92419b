//! Parsers for the cell values of a plan spreadsheet: dates, month ranges,
//! numbers, amounts, action types, statuses and school years.
//!
//! Each parser returns `None` or an error message for text it cannot read,
//! and the caller decides whether that skips the row or only the cell.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::csv_layout::enum_label;
use crate::model::{ActionKind, ActionStatus, SupportType};

/// The date formats [`parse_date`] reads, for messages.
pub(crate) const DATE_FORMATS: &str = "YYYY-MM-DD, M/D/YYYY or Month D, YYYY";

/// Reads `2026-11-02`, `11/2/2026` or `May 29, 2027` (also `May 29 2027`
/// and abbreviated month names).
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim().trim_end_matches([',', '.', ';']);

    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(date);
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%m/%d/%Y") {
        return Some(date);
    }
    parse_month_day_year(text)
}

fn parse_month_day_year(text: &str) -> Option<NaiveDate> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|word| !word.is_empty())
        .collect();
    let [month, day, year] = words.as_slice() else {
        return None;
    };

    let month = month_number(month)?;
    let day: u32 = day.parse().ok()?;
    let year: i32 = parse_year(year)?;
    NaiveDate::from_ymd_opt(year, month, day)
}

fn parse_year(text: &str) -> Option<i32> {
    if text.len() != 4 {
        return None;
    }
    text.parse().ok()
}

/// Reads an English month name or its abbreviation of three or more
/// letters, such as `Sep`, `Sept.` or `September`.
pub(crate) fn month_number(text: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];

    let word = text.trim_end_matches('.').to_lowercase();
    if word.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|month| month.starts_with(&word))
        .and_then(|index| u32::try_from(index + 1).ok())
}

/// Reads `Aug 2026` or `August 2026` as a year and month.
fn parse_month_year(text: &str) -> Option<(i32, u32)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let [month, year] = words.as_slice() else {
        return None;
    };
    Some((parse_year(year)?, month_number(month)?))
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(next_year, next_month, 1)?.pred_opt()
}

/// Reads a timeline such as `Aug 2026 - May 2027` as a start and an end
/// date. A month stands for its first day at the start and its last day at
/// the end; full dates are kept as they are. A single date is an end date.
pub(crate) fn parse_timeline(text: &str) -> Option<(Option<NaiveDate>, NaiveDate)> {
    const SEPARATORS: [&str; 6] = [" - ", " – ", " — ", " to ", "–", "—"];

    let text = text.trim();
    for separator in SEPARATORS {
        if let Some((start, end)) = text.split_once(separator) {
            let start = parse_date(start).or_else(|| {
                let (year, month) = parse_month_year(start.trim())?;
                NaiveDate::from_ymd_opt(year, month, 1)
            })?;
            let end = parse_date(end).or_else(|| {
                let (year, month) = parse_month_year(end.trim())?;
                last_day_of_month(year, month)
            })?;
            return Some((Some(start), end));
        }
    }

    parse_date(text).map(|date| (None, date))
}

/// A number read from a cell or a goal statement.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Number {
    pub(crate) value: f64,
    /// Whether the text ended in `%`.
    pub(crate) percent: bool,
}

/// Reads `48`, `48%`, `1,440` or `-2.5`. Text around the number is not
/// allowed.
pub(crate) fn parse_number(text: &str) -> Option<Number> {
    let text = text.trim();
    let (digits, percent) = match text.strip_suffix('%') {
        Some(digits) => (digits.trim_end(), true),
        None => (text, false),
    };
    if digits.is_empty()
        || !digits.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.')
    {
        return None;
    }

    let value: f64 = digits.replace(',', "").parse().ok()?;
    value.is_finite().then_some(Number { value, percent })
}

/// Reads a money amount such as `1440`, `$1,440.00`, `12,500,000` or
/// `350 USD`, with an optional leading `-`.
///
/// The point is the decimal separator. A comma is read only as a thousands
/// separator between groups of exactly three digits, so `0,50`, `1,5`,
/// `$1,25`, `12,34,56` and `1.250,00` are not amounts and return `None`
/// rather than a value a hundred or a thousand times off.
///
/// ```
/// use cairn_plan::import::parse_amount;
/// use rust_decimal::Decimal;
///
/// assert_eq!(parse_amount("$1,250.00"), Some(Decimal::new(125000, 2)));
/// assert_eq!(parse_amount("1,5"), None);
/// ```
pub fn parse_amount(text: &str) -> Option<Decimal> {
    let text = text.trim();
    let text = text.strip_suffix("USD").unwrap_or(text).trim();
    let text = text.strip_prefix('$').unwrap_or(text).trim();

    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };

    let whole_digits = digits_without_thousands_separators(whole)?;
    let fraction_digits = match fraction {
        Some(fraction) if is_digits(fraction) => fraction,
        Some(_) => return None,
        None => "",
    };
    if whole_digits.is_empty() && fraction_digits.is_empty() {
        return None;
    }

    let number = if fraction_digits.is_empty() {
        format!("{sign}{whole_digits}")
    } else {
        format!("{sign}{whole_digits}.{fraction_digits}")
    };
    number.parse().ok()
}

/// Returns the digits of a whole number written as `1250` or `1,250`, or
/// `None` when a comma does not separate groups of exactly three digits.
fn digits_without_thousands_separators(whole: &str) -> Option<String> {
    if !whole.contains(',') {
        let plain = whole.is_empty() || is_digits(whole);
        return plain.then(|| whole.to_owned());
    }

    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    if !is_digits(first) || first.len() > 3 {
        return None;
    }

    let mut digits = first.to_owned();
    for group in groups {
        if group.len() != 3 || !is_digits(group) {
            return None;
        }
        digits.push_str(group);
    }
    Some(digits)
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// Lowercases text and keeps only letters and digits, with single spaces
/// between words.
pub(crate) fn normalize(text: &str) -> String {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads an enum value by its label (`Procedure audit`) or its snake_case
/// name (`procedure_audit`), in any case and spacing.
pub(crate) fn parse_label<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    text: &str,
) -> Option<T> {
    let expected = normalize(text);
    all.iter()
        .copied()
        .find(|value| normalize(name(*value)) == expected)
}

/// Lists the labels of every value of an enum, for messages.
pub(crate) fn labels_of<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> String {
    all.iter()
        .map(|value| enum_label(name(*value)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads an action type cell: anything naming "primary" (or "core") is a
/// primary action, anything naming "support" is a support structure.
pub(crate) fn parse_action_kind(text: &str) -> Option<ActionKind> {
    let words = normalize(text);
    let has = |word: &str| words.split(' ').any(|candidate| candidate == word);

    match (has("primary") || has("core"), has("support")) {
        (true, false) => Some(ActionKind::Primary),
        (false, true) => Some(ActionKind::Support),
        _ => None,
    }
}

/// Reads a status such as `In Progress`, `Not Started`, `Complete`,
/// `Completed`, `Done` or `On Hold`.
pub(crate) fn parse_status(text: &str) -> Option<ActionStatus> {
    match normalize(text).as_str() {
        "not started" | "not yet started" | "planned" | "to do" | "todo" => {
            Some(ActionStatus::NotStarted)
        }
        "in progress" | "started" | "ongoing" | "underway" | "in process" => {
            Some(ActionStatus::InProgress)
        }
        "complete" | "completed" | "done" | "finished" => Some(ActionStatus::Completed),
        "on hold" | "hold" | "paused" => Some(ActionStatus::OnHold),
        _ => None,
    }
}

/// Infers the type of a support structure from its text. The first rule
/// that matches wins:
///
/// 1. a word starting with `train`, the word `PD`, or the phrase
///    "professional development": training;
/// 2. a word starting with `audit`: procedure audit;
/// 3. the word `tool`, `form` or `system`, or its plural: tool;
/// 4. anything else: other.
pub(crate) fn infer_support_type(text: &str) -> SupportType {
    let normalized = normalize(text);
    let words: Vec<&str> = normalized.split(' ').collect();
    let any_word = |test: &dyn Fn(&str) -> bool| words.iter().any(|word| test(word));

    if any_word(&|word| word.starts_with("train") || word == "pd")
        || normalized.contains("professional development")
    {
        return SupportType::Training;
    }
    if any_word(&|word| word.starts_with("audit")) {
        return SupportType::ProcedureAudit;
    }
    if any_word(&|word| {
        matches!(
            word,
            "tool" | "tools" | "form" | "forms" | "system" | "systems"
        )
    }) {
        return SupportType::Tool;
    }
    SupportType::Other
}

/// A school year such as 2026-27.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SchoolYear {
    /// The calendar year in which the school year starts.
    pub(crate) first_year: i32,
}

impl SchoolYear {
    /// Formats the school year in its usual short form, such as `2026-27`.
    pub(crate) fn label(self) -> String {
        format!(
            "{}-{:02}",
            self.first_year,
            (self.first_year + 1).rem_euclid(100)
        )
    }
}

/// Finds a school year written as `2026-27`, `2026-2027`, `2026–27` or
/// `2026/27` in free text, such as a plan title. The second year must
/// follow the first.
pub(crate) fn find_school_year(text: &str) -> Option<SchoolYear> {
    let chars: Vec<char> = text.chars().collect();

    for start in 0..chars.len() {
        let Some(first_year) = digits_at(&chars, start, 4) else {
            continue;
        };
        let Some(separator) = chars.get(start + 4) else {
            continue;
        };
        if !matches!(separator, '-' | '–' | '/') {
            continue;
        }

        let after = start + 5;
        let second = digits_at(&chars, after, 4)
            .filter(|_| !chars.get(after + 4).is_some_and(char::is_ascii_digit))
            .or_else(|| {
                digits_at(&chars, after, 2)
                    .filter(|_| !chars.get(after + 2).is_some_and(char::is_ascii_digit))
                    .map(|short| first_year - first_year % 100 + short)
            });
        if second == Some(first_year + 1) {
            return Some(SchoolYear { first_year });
        }
    }
    None
}

fn digits_at(chars: &[char], start: usize, count: usize) -> Option<i32> {
    let slice = chars.get(start..start + count)?;
    if !slice.iter().all(char::is_ascii_digit) {
        return None;
    }
    if start > 0 && chars[start - 1].is_ascii_digit() {
        return None;
    }
    slice.iter().collect::<String>().parse().ok()
}

/// A screening window of the school year. A column named Fall, Winter or
/// Spring contains the value measured in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Season {
    Fall,
    Winter,
    Spring,
}

impl Season {
    /// Returns the date a seasonal value is recorded on. Fall is September 30
    /// of the school year's first year. Winter and Spring are January 31 and
    /// May 31 of its second year.
    pub(crate) fn date(self, school_year: SchoolYear) -> Option<NaiveDate> {
        let first = school_year.first_year;
        match self {
            Season::Fall => NaiveDate::from_ymd_opt(first, 9, 30),
            Season::Winter => NaiveDate::from_ymd_opt(first + 1, 1, 31),
            Season::Spring => NaiveDate::from_ymd_opt(first + 1, 5, 31),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn iso_date_parses() {
        assert_eq!(parse_date("2026-11-02"), Some(date(2026, 11, 2)));
    }

    #[test]
    fn us_date_without_padding_parses() {
        assert_eq!(parse_date("11/2/2026"), Some(date(2026, 11, 2)));
    }

    #[test]
    fn long_date_parses() {
        assert_eq!(parse_date("May 29, 2027"), Some(date(2027, 5, 29)));
    }

    #[test]
    fn abbreviated_month_parses() {
        assert_eq!(parse_date("Sept. 30 2026"), Some(date(2026, 9, 30)));
    }

    #[test]
    fn impossible_date_is_rejected() {
        assert_eq!(parse_date("31/02/2027"), None);
        assert_eq!(parse_date("February 30, 2027"), None);
    }

    #[test]
    fn month_range_covers_whole_months() {
        let range = parse_timeline("Aug 2026 - May 2027");

        assert_eq!(range, Some((Some(date(2026, 8, 1)), date(2027, 5, 31))));
    }

    #[test]
    fn range_ending_in_june_ends_on_thirtieth() {
        let range = parse_timeline("Sep 2026 - Jun 2027");

        assert_eq!(range, Some((Some(date(2026, 9, 1)), date(2027, 6, 30))));
    }

    #[test]
    fn timeline_of_one_date_is_a_due_date() {
        assert_eq!(parse_timeline("2027-01-06"), Some((None, date(2027, 1, 6))));
    }

    #[test]
    fn timeline_without_dates_is_rejected() {
        assert_eq!(parse_timeline("Ongoing"), None);
    }

    #[test]
    fn percent_number_parses() {
        assert_eq!(
            parse_number("48%"),
            Some(Number {
                value: 48.0,
                percent: true
            })
        );
    }

    #[test]
    fn number_with_words_is_rejected() {
        assert_eq!(parse_number("about 40"), None);
    }

    #[test]
    fn amount_with_dollar_sign_and_commas_parses() {
        assert_eq!(parse_amount("$18,500.00"), Some(Decimal::new(1850000, 2)));
    }

    #[test]
    fn non_numeric_amount_is_rejected() {
        assert_eq!(parse_amount("abc"), None);
    }

    #[test]
    fn thousands_groups_of_three_are_read() {
        assert_eq!(parse_amount("1,250"), Some(Decimal::new(1250, 0)));
        assert_eq!(
            parse_amount("12,500,000"),
            Some(Decimal::new(12_500_000, 0))
        );
        assert_eq!(parse_amount("2,500.00 USD"), Some(Decimal::new(250000, 2)));
    }

    #[test]
    fn decimal_commas_are_rejected() {
        for text in ["0,50", "1,5", "1.250,00", "$1,25", "1 250,00"] {
            assert_eq!(parse_amount(text), None, "{text}");
        }
    }

    #[test]
    fn uneven_thousands_groups_are_rejected() {
        for text in ["12,34,56", "1,0000", "1250,000", ",250", "1,"] {
            assert_eq!(parse_amount(text), None, "{text}");
        }
    }

    #[test]
    fn malformed_decimals_are_rejected() {
        for text in ["1,000.5.5", "1.234.567", ".", "-", "1.", "(500)", "USD 300"] {
            assert_eq!(parse_amount(text), None, "{text}");
        }
    }

    #[test]
    fn plain_and_signed_amounts_are_read() {
        assert_eq!(parse_amount("1440"), Some(Decimal::new(1440, 0)));
        assert_eq!(parse_amount(".50"), Some(Decimal::new(50, 2)));
        assert_eq!(parse_amount("-350"), Some(Decimal::new(-350, 0)));
        assert_eq!(parse_amount("350 USD"), Some(Decimal::new(350, 0)));
    }

    #[test]
    fn action_types_parse() {
        assert_eq!(
            parse_action_kind("Primary Action"),
            Some(ActionKind::Primary)
        );
        assert_eq!(
            parse_action_kind("Support Structure"),
            Some(ActionKind::Support)
        );
        assert_eq!(parse_action_kind("Tier 2 plan"), None);
    }

    #[test]
    fn labels_and_names_parse() {
        let all = SupportType::ALL;

        assert_eq!(
            parse_label(all, SupportType::as_str, "Procedure audit"),
            Some(SupportType::ProcedureAudit)
        );
        assert_eq!(
            parse_label(all, SupportType::as_str, "procedure_audit"),
            Some(SupportType::ProcedureAudit)
        );
        assert_eq!(parse_label(all, SupportType::as_str, "Coaching"), None);
    }

    #[test]
    fn statuses_parse() {
        assert_eq!(parse_status("In Progress"), Some(ActionStatus::InProgress));
        assert_eq!(parse_status("Not Started"), Some(ActionStatus::NotStarted));
        assert_eq!(parse_status("Complete"), Some(ActionStatus::Completed));
        assert_eq!(parse_status("Done"), Some(ActionStatus::Completed));
        assert_eq!(parse_status("On Hold"), Some(ActionStatus::OnHold));
        assert_eq!(parse_status("Soon"), None);
    }

    #[test]
    fn support_type_rules_apply_in_order() {
        assert_eq!(
            infer_support_type("Train supervisors on the acknowledgement system"),
            SupportType::Training
        );
        assert_eq!(
            infer_support_type("Deliver a professional development session"),
            SupportType::Training
        );
        assert_eq!(
            infer_support_type("Audit ODR forms each month"),
            SupportType::ProcedureAudit
        );
        assert_eq!(
            infer_support_type("Build a referral form"),
            SupportType::Tool
        );
        assert_eq!(
            infer_support_type("Run a monthly pulse check"),
            SupportType::Other
        );
    }

    #[test]
    fn school_year_found_in_titles() {
        let short = find_school_year("Tier 1 Behavior Action Plan 2026-27");
        let long = find_school_year("District Early Literacy MTSS Plan 2026-2027");

        assert_eq!(short.map(SchoolYear::label), Some("2026-27".to_owned()));
        assert_eq!(long.map(SchoolYear::label), Some("2026-27".to_owned()));
    }

    #[test]
    fn unrelated_years_are_not_a_school_year() {
        assert_eq!(find_school_year("Plan 2026-2030"), None);
        assert_eq!(find_school_year("Grades 3-5"), None);
    }

    #[test]
    fn season_dates_follow_school_year() {
        let year = SchoolYear { first_year: 2026 };

        assert_eq!(Season::Fall.date(year), Some(date(2026, 9, 30)));
        assert_eq!(Season::Winter.date(year), Some(date(2027, 1, 31)));
        assert_eq!(Season::Spring.date(year), Some(date(2027, 5, 31)));
    }
}
