//! The budget by funding source, added up across plans per currency.
//! Amounts in different currencies are never added together, so each
//! currency gets its own chart.

use cairn_plan::dashboard::csv::budget_csv;
use cairn_plan::dashboard::{BudgetLine, DashboardView};
use leptos::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::components::resource_totals::format_amount;
use crate::routes::dashboard::charts::{Bar, BarChart};
use crate::routes::dashboard::format::{count_text, csv_file_name};
use crate::routes::dashboard::widgets::{CsvFile, Section};

/// The name shown for a budget line whose funding source was left empty.
const UNNAMED_SOURCE: &str = "No funding source named";

/// Returns the funding source's name, or [`UNNAMED_SOURCE`].
pub fn source_name(funding_source: &str) -> String {
    if funding_source.trim().is_empty() {
        UNNAMED_SOURCE.to_owned()
    } else {
        funding_source.to_owned()
    }
}

/// Splits the lines by currency, in their order, which the server sorts by
/// currency.
fn by_currency(lines: &[BudgetLine]) -> Vec<(String, Vec<BudgetLine>)> {
    let mut groups: Vec<(String, Vec<BudgetLine>)> = Vec::new();
    for line in lines {
        match groups
            .iter_mut()
            .find(|(currency, _)| *currency == line.currency)
        {
            Some((_, group)) => group.push(line.clone()),
            None => groups.push((line.currency.clone(), vec![line.clone()])),
        }
    }
    groups
}

/// Builds one bar per funding source, scaled to the largest amount in the
/// same currency. Negative amounts draw no bar.
pub fn budget_bars(lines: &[(String, Decimal)], currency: &str) -> Vec<Bar> {
    let largest = lines
        .iter()
        .map(|(_, amount)| *amount)
        .max()
        .unwrap_or_default();
    lines
        .iter()
        .map(|(source, amount)| {
            let share = if largest > Decimal::ZERO {
                (*amount / largest).to_f64().unwrap_or(0.0).max(0.0)
            } else {
                0.0
            };
            Bar {
                label: source_name(source),
                fraction: share,
                value: format_amount(*amount, currency),
            }
        })
        .collect()
}

#[component]
pub fn BudgetBySource(dashboard: Memo<DashboardView>) -> impl IntoView {
    let lines = Memo::new(move |_| dashboard.with(|dashboard| dashboard.budget.clone()));
    let file = Callback::new(move |()| CsvFile {
        name: csv_file_name("budget", dashboard.with_untracked(|d| d.today)),
        text: lines.with_untracked(|lines| budget_csv(lines)),
    });

    let groups = move || {
        by_currency(&lines.get())
            .into_iter()
            .map(|(currency, lines)| view! { <CurrencyBudget currency lines/> })
            .collect_view()
    };

    view! {
        <Section id="budget" title="Budget by funding source" table="budget by funding source" file>
            {move || {
                if lines.with(Vec::is_empty) {
                    view! { <p>"These plans have no budget amounts yet."</p> }.into_any()
                } else {
                    groups().into_any()
                }
            }}
        </Section>
    }
}

/// Renders the chart and table of one currency's funding sources.
#[component]
fn CurrencyBudget(currency: String, lines: Vec<BudgetLine>) -> impl IntoView {
    let amounts: Vec<(String, Decimal)> = lines
        .iter()
        .map(|line| (line.funding_source.clone(), line.amount))
        .collect();
    let total: Decimal = lines.iter().map(|line| line.amount).sum();
    let rows = lines
        .iter()
        .map(|line| {
            view! {
                <tr data-testid="budget-row">
                    <th scope="row">{source_name(&line.funding_source)}</th>
                    <td class="number">{format_amount(line.amount, &line.currency)}</td>
                    <td class="number">{count_text(line.plans, "plan")}</td>
                </tr>
            }
        })
        .collect_view();

    view! {
        <h3>{format!("Amounts in {currency}")}</h3>
        <BarChart bars=budget_bars(&amounts, &currency) fill="budget"/>
        <table class="dashboard-table">
            <thead><tr><th scope="col">"Funding source"</th><th scope="col" class="number">"Amount"</th><th scope="col" class="number">"Plans"</th></tr></thead>
            <tbody>{rows}</tbody>
            <tfoot>
                <tr><th scope="row">"Total"</th><td class="number" data-testid="budget-total">{format_amount(total, &currency)}</td><td></td></tr>
            </tfoot>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(currency: &str, source: &str, amount: i64) -> BudgetLine {
        BudgetLine {
            currency: currency.to_owned(),
            funding_source: source.to_owned(),
            amount: Decimal::new(amount, 0),
            plans: 1,
        }
    }

    #[test]
    fn lines_group_by_currency_in_order() {
        let groups = by_currency(&[
            line("CAD", "Title I", 50),
            line("USD", "Title I", 1500),
            line("USD", "Title II-A", 800),
        ]);

        let names: Vec<(&str, usize)> = groups
            .iter()
            .map(|(currency, lines)| (currency.as_str(), lines.len()))
            .collect();
        assert_eq!(names, [("CAD", 1), ("USD", 2)]);
    }

    #[test]
    fn bars_scale_to_the_largest_amount() {
        let bars = budget_bars(
            &[
                ("Title I".to_owned(), Decimal::new(1500, 0)),
                (String::new(), Decimal::new(750, 0)),
                ("Refund".to_owned(), Decimal::new(-10, 0)),
            ],
            "USD",
        );

        assert_eq!(bars[0].fraction, 1.0);
        assert_eq!(bars[0].value, "1,500.00 USD");
        assert_eq!(bars[1].fraction, 0.5);
        assert_eq!(bars[1].label, UNNAMED_SOURCE);
        assert_eq!(bars[2].fraction, 0.0);
    }
}
