//! Resource totals: budget by funding source and by action, staff time in
//! hours, and the coaches and mentors assigned. Amounts are exact decimals
//! in the plan's currency.

use cairn_plan::totals::ResourceTotals;
use leptos::prelude::*;
use rust_decimal::Decimal;

/// Formats an amount with thousands separators and two decimals, followed
/// by its currency code: `18,500.00 USD`.
pub fn format_amount(amount: Decimal, currency: &str) -> String {
    let rounded = amount.round_dp(2);
    let text = format!("{rounded:.2}");
    let (sign, digits) = text
        .strip_prefix('-')
        .map(|rest| ("-", rest))
        .unwrap_or(("", text.as_str()));
    let (whole, cents) = digits.split_once('.').unwrap_or((digits, "00"));

    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}.{cents} {currency}")
}

#[component]
pub fn ResourceTotalsView(totals: ResourceTotals) -> impl IntoView {
    let currency = totals.currency.clone();
    let amount = move |value: Decimal| format_amount(value, &currency);

    let sources = totals
        .by_funding_source
        .iter()
        .map(|(source, value)| view! { <tr data-testid="budget-by-source"><th scope="row">{source.clone()}</th><td class="number">{amount(*value)}</td></tr> })
        .collect_view();
    let actions = totals
        .by_action
        .iter()
        .map(|(_, title, value)| {
            let title = if title.trim().is_empty() { "(untitled action)".to_owned() } else { title.clone() };
            view! { <tr data-testid="budget-by-action"><th scope="row">{title}</th><td class="number">{amount(*value)}</td></tr> }
        })
        .collect_view();
    let unlinked = (totals.not_linked_to_action > Decimal::ZERO).then(|| {
        view! { <tr data-testid="budget-by-action"><th scope="row">"Not linked to an action"</th><td class="number">{amount(totals.not_linked_to_action)}</td></tr> }
    });
    let coaches = totals
        .coaches_and_mentors
        .iter()
        .map(|coach| {
            let actions = if coach.action_titles.is_empty() { "no action yet".to_owned() } else { coach.action_titles.join("; ") };
            view! { <li data-testid="coach-assignment">{coach.description.clone()} ": " {actions}</li> }
        })
        .collect_view();

    view! {
        <div class="totals" data-testid="resource-totals">
            <p>
                "Total budget: "
                <strong data-testid="total-budget">{amount(totals.budget_total)}</strong>
                ". Staff time: "
                <strong data-testid="staff-hours">{format!("{} hours", totals.staff_hours.normalize())}</strong>
                "."
            </p>
            <div class="totals-tables">
                <table>
                    <caption>"Budget by funding source"</caption>
                    <thead><tr><th scope="col">"Funding source"</th><th scope="col">"Amount"</th></tr></thead>
                    <tbody>{sources}</tbody>
                </table>
                <table>
                    <caption>"Budget by action"</caption>
                    <thead><tr><th scope="col">"Action"</th><th scope="col">"Amount"</th></tr></thead>
                    <tbody>{actions}{unlinked}</tbody>
                </table>
            </div>
            <h3>"Coaches and mentors assigned"</h3>
            {if totals.coaches_and_mentors.is_empty() {
                view! { <p>"None yet."</p> }.into_any()
            } else {
                view! { <ul>{coaches}</ul> }.into_any()
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(
            format_amount(Decimal::new(1850000, 2), "USD"),
            "18,500.00 USD"
        );
    }

    #[test]
    fn cents_are_kept_exactly() {
        assert_eq!(
            format_amount(Decimal::new(125005, 2), "USD"),
            "1,250.05 USD"
        );
    }

    #[test]
    fn small_amounts_have_no_separator() {
        assert_eq!(format_amount(Decimal::new(350, 0), "CAD"), "350.00 CAD");
    }

    #[test]
    fn millions_have_two_separators() {
        assert_eq!(
            format_amount(Decimal::new(1234567, 0), "USD"),
            "1,234,567.00 USD"
        );
    }
}
