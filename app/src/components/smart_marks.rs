//! The five SMART marks of a goal, with a plain reason for each one that
//! fails.

use cairn_plan::smart::{SmartCheck, SmartProperty};
use leptos::prelude::*;

#[component]
pub fn SmartMarks(check: SmartCheck) -> impl IntoView {
    let marks = SmartProperty::ALL
        .into_iter()
        .map(|property| {
            let passes = check.passes(property);
            let state = if passes { "met" } else { "not met" };
            view! {
                <li
                    class=if passes { "mark pass" } else { "mark fail" }
                    data-testid=format!("smart-{}", property.letter())
                    data-passes=passes.to_string()
                >
                    <abbr title=property.name()>{property.letter().to_string()}</abbr>
                    <span aria-hidden="true">{if passes { " ✓" } else { " ✗" }}</span>
                    <span class="visually-hidden">{format!(" {}: {state}", property.name())}</span>
                </li>
            }
        })
        .collect_view();
    let reasons: Vec<String> = SmartProperty::ALL
        .into_iter()
        .flat_map(|property| check.failures(property).to_vec())
        .collect();

    view! {
        <div class="smart-check" data-testid="smart-check">
            <ul class="smart-marks" aria-label="SMART check">{marks}</ul>
            {(!reasons.is_empty()).then(|| view! {
                <ul class="smart-reasons" data-testid="smart-reasons">
                    {reasons.into_iter().map(|reason| view! { <li>{reason}</li> }).collect_view()}
                </ul>
            })}
        </div>
    }
}
