//! Turning the resource cells of a plan row into resources.
//!
//! Two layouts are read:
//!
//! - A "Resources Needed" column beside a "Budget" column (one resource per
//!   row). An amount above zero makes a budget line whose description is
//!   the resources text. Without such an amount (an empty cell, `0`, or an
//!   amount that does not parse) the text becomes one resource whose kind
//!   comes from its words. A budget of 0 therefore adds nothing to the
//!   total, and the text is still kept.
//! - A "Resources / Funding Source" column without a budget column. The
//!   cell is split on `;`. A part that starts with `Label:` names its
//!   funding source, which carries to the later parts of the cell, unless
//!   the label is a kind of resource such as "Staffing". A part with a `$`
//!   amount above zero is a budget line; its description is the part
//!   without the amount and without a leading "for". Any other part becomes
//!   a resource whose kind comes from its words.
//!
//! The kind of a resource without an amount comes from its words. The
//! first match wins:
//!
//! 1. a word starting with coach or mentor: coach or mentor;
//! 2. a label that names a kind, such as "Staffing";
//! 3. staff, FTE, interventionist, paraprofessional, teacher or position:
//!    staff role;
//! 4. time, hour, minute, day, afternoon, block, release, schedule or
//!    meeting: protected time;
//! 5. anything else: material.
//!
//! Hours are not read from the text, because the cells mix totals
//! ("3 hours") with rates ("1 hour per month").

use rust_decimal::Decimal;

use crate::import::values::{normalize, parse_amount};
use crate::model::ResourceKind;

/// A resource read from a row, before it gets an id and links.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ResourceDraft {
    pub(crate) kind: ResourceKind,
    pub(crate) description: String,
    pub(crate) amount: Option<Decimal>,
    pub(crate) funding_source: String,
}

/// Builds the one resource of a row that has a budget column. `amount` is
/// the parsed budget cell.
pub(crate) fn resource_with_budget(
    text: &str,
    amount: Option<Decimal>,
    funding_source: &str,
) -> Option<ResourceDraft> {
    let amount = amount.filter(|amount| *amount > Decimal::ZERO);
    if text.is_empty() && amount.is_none() {
        return None;
    }

    let kind = match amount {
        Some(_) => ResourceKind::Budget,
        None => kind_from_words(text, None),
    };
    Some(ResourceDraft {
        kind,
        description: text.to_owned(),
        amount,
        funding_source: funding_source.to_owned(),
    })
}

/// Splits a resources and funding cell into resources. Returns them with a
/// message for each part that has more than one amount.
pub(crate) fn resources_from_cell(
    text: &str,
    funding_column: &str,
) -> (Vec<ResourceDraft>, Vec<String>) {
    let mut drafts = Vec::new();
    let mut messages = Vec::new();
    let mut funding_source = funding_column.to_owned();

    for part in text
        .split(';')
        .map(str::trim)
        .filter(|part| !part.is_empty())
    {
        let (label, body) = split_label(part);
        let category = label.and_then(category_kind);
        if let (Some(label), None) = (label, category) {
            funding_source = label.to_owned();
        }

        let amounts = dollar_amounts(body);
        if amounts.len() > 1 {
            messages.push(format!(
                "`{part}` has {} dollar amounts; only the first became a budget line",
                amounts.len()
            ));
        }

        let draft = match amounts.first() {
            Some((amount, range)) if *amount > Decimal::ZERO => ResourceDraft {
                kind: ResourceKind::Budget,
                description: describe_without_amount(body, range.clone()),
                amount: Some(*amount),
                funding_source: funding_source.clone(),
            },
            _ => ResourceDraft {
                kind: kind_from_words(body, category),
                description: body.to_owned(),
                amount: None,
                funding_source: funding_source.clone(),
            },
        };
        drafts.push(draft);
    }

    (drafts, messages)
}

/// Splits `Label: rest` when the label is short and has no amount.
fn split_label(part: &str) -> (Option<&str>, &str) {
    if let Some((label, rest)) = part.split_once(':') {
        let label = label.trim();
        let short = label.split_whitespace().count() <= 4;
        if short && !label.is_empty() && !label.contains('$') && !rest.trim().is_empty() {
            return (Some(label), rest.trim());
        }
    }
    (None, part)
}

/// Returns the resource kind that a label such as "Staffing" names, if any.
pub(crate) fn category_kind(label: &str) -> Option<ResourceKind> {
    match normalize(label).as_str() {
        "staffing" | "staff" | "personnel" | "positions" => Some(ResourceKind::StaffRole),
        "materials" | "supplies" | "material" => Some(ResourceKind::Material),
        "time" | "protected time" => Some(ResourceKind::ProtectedTime),
        "coaching" | "coaches" | "mentoring" => Some(ResourceKind::CoachOrMentor),
        _ => None,
    }
}

pub(crate) fn kind_from_words(text: &str, category: Option<ResourceKind>) -> ResourceKind {
    let normalized = normalize(text);
    let words: Vec<&str> = normalized.split(' ').collect();
    let any_word = |test: &dyn Fn(&str) -> bool| words.iter().any(|word| test(word));

    if any_word(&|word| word.starts_with("coach") || word.starts_with("mentor")) {
        return ResourceKind::CoachOrMentor;
    }
    if let Some(kind) = category {
        return kind;
    }
    if any_word(&|word| {
        word.starts_with("staff")
            || word == "fte"
            || word.starts_with("interventionist")
            || word.starts_with("paraprofessional")
            || word.starts_with("teacher")
            || word.starts_with("position")
    }) {
        return ResourceKind::StaffRole;
    }
    if any_word(&|word| {
        matches!(
            word,
            "time"
                | "hour"
                | "hours"
                | "minute"
                | "minutes"
                | "day"
                | "days"
                | "afternoon"
                | "afternoons"
                | "block"
                | "release"
                | "schedule"
                | "meeting"
                | "meetings"
        )
    }) {
        return ResourceKind::ProtectedTime;
    }
    ResourceKind::Material
}

/// Finds every `$` amount in the text, with its byte range.
fn dollar_amounts(text: &str) -> Vec<(Decimal, std::ops::Range<usize>)> {
    let mut amounts = Vec::new();

    for (start, _) in text.match_indices('$') {
        let digits_start = start + 1;
        let digits_len = text[digits_start..]
            .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
            .unwrap_or(text.len() - digits_start);
        let digits = text[digits_start..digits_start + digits_len].trim_end_matches(['.', ',']);
        if let Some(amount) = parse_amount(digits) {
            amounts.push((amount, start..digits_start + digits.len()));
        }
    }
    amounts
}

fn describe_without_amount(text: &str, amount: std::ops::Range<usize>) -> String {
    let mut description = String::with_capacity(text.len());
    description.push_str(&text[..amount.start]);
    description.push_str(&text[amount.end..]);

    let description = description.replace("()", "");
    let description = description.split_whitespace().collect::<Vec<_>>().join(" ");
    let description = description.trim_matches(|c: char| c == ',' || c == '-' || c.is_whitespace());
    let description = description.strip_prefix("for ").unwrap_or(description);
    description.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn funding_label_and_amount_make_budget_line() {
        let (drafts, messages) =
            resources_from_cell("Title I: $18,500 for decodable text sets", "");

        assert_eq!(
            drafts,
            vec![ResourceDraft {
                kind: ResourceKind::Budget,
                description: "decodable text sets".to_owned(),
                amount: Some(Decimal::new(18500, 0)),
                funding_source: "Title I".to_owned(),
            }]
        );
        assert!(messages.is_empty());
    }

    #[test]
    fn funding_source_carries_to_later_parts() {
        let (drafts, _) = resources_from_cell(
            "ESSER carryover: $6,200 for diagnostic licenses; substitute days for data meetings ($4,800)",
            "",
        );

        assert_eq!(drafts.len(), 2);
        assert_eq!(drafts[1].amount, Some(Decimal::new(4800, 0)));
        assert_eq!(drafts[1].funding_source, "ESSER carryover");
        assert_eq!(drafts[1].description, "substitute days for data meetings");
    }

    #[test]
    fn coaches_without_amount_are_coach_or_mentor() {
        let (drafts, _) =
            resources_from_cell("General fund: 2.0 FTE coaches (existing positions)", "");

        assert_eq!(drafts[0].kind, ResourceKind::CoachOrMentor);
        assert_eq!(drafts[0].funding_source, "General fund");
        assert_eq!(drafts[0].amount, None);
    }

    #[test]
    fn staffing_label_sets_kind() {
        let (drafts, _) = resources_from_cell(
            "Staffing: 4 interventionists (existing), 6 paraprofessionals reassigned",
            "",
        );

        assert_eq!(drafts[0].kind, ResourceKind::StaffRole);
        assert_eq!(drafts[0].funding_source, "");
    }

    #[test]
    fn zero_budget_keeps_text_as_protected_time() {
        let draft = resource_with_budget("Team meeting time (2 meetings)", Some(Decimal::ZERO), "");

        assert_eq!(
            draft.map(|draft| (draft.kind, draft.amount)),
            Some((ResourceKind::ProtectedTime, None))
        );
    }

    #[test]
    fn positive_budget_makes_budget_line() {
        let draft = resource_with_budget("PD materials", Some(Decimal::new(350, 0)), "Title IV");

        assert_eq!(draft.map(|draft| draft.kind), Some(ResourceKind::Budget));
    }

    #[test]
    fn empty_cells_make_no_resource() {
        assert_eq!(resource_with_budget("", None, ""), None);
    }
}
