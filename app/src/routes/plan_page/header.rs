//! The plan's own fields: title, district, school, school year, focus area,
//! team and currency, with the review status beside them.
//!
//! The review status is the server's record of decisions (see
//! [`super::review`]), so it is shown here and not edited. The document's
//! own `status` field is no longer written by the page.

use cairn_plan::{PlanDocument, PlanError};
use leptos::prelude::*;

use super::review::notice::ReviewStatusField;
use super::use_plan;
use crate::components::fields::TextField;
use crate::labels;
use crate::workspace::use_workspace;

#[component]
pub fn PlanHeader() -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();

    let text = move |read: fn(&cairn_plan::Plan) -> String| {
        Signal::derive(move || {
            context
                .plan
                .with(|plan| plan.as_ref().map(read).unwrap_or_default())
        })
    };
    let write = move |apply: fn(&mut PlanDocument, &str) -> Result<(), PlanError>| {
        Callback::new(move |value: String| workspace.edit(context.id, |doc| apply(doc, &value)))
    };

    view! {
        <section class="plan-header" aria-labelledby="plan-title-heading">
            <h1 id="plan-title-heading" data-testid="plan-title-heading">
                {move || {
                    let title = text(|plan| plan.title.clone()).get();
                    if title.trim().is_empty() { "Untitled plan".to_owned() } else { title }
                }}
            </h1>
            <div class="field-grid">
                <TextField label="Title" value=text(|plan| plan.title.clone()) on_input=write(PlanDocument::set_title) test_id="plan-title"/>
                <TextField label="District" value=text(|plan| plan.district.clone()) on_input=write(PlanDocument::set_district) test_id="plan-district"/>
                <TextField label="School" value=text(|plan| plan.school.clone()) on_input=write(PlanDocument::set_school) test_id="plan-school"/>
                <TextField label="School year" value=text(|plan| plan.school_year.clone()) on_input=write(PlanDocument::set_school_year) test_id="plan-school-year"/>
                <TextField label="Focus area" value=text(|plan| plan.focus_area.clone()) on_input=write(PlanDocument::set_focus_area) test_id="plan-focus-area"/>
                <CurrencyField/>
                <ReviewStatusField/>
            </div>
            <TextField label="Team" value=text(|plan| plan.team.clone()) on_input=write(PlanDocument::set_team) multiline=true test_id="plan-team"/>
            {move || {
                let schools = context.plan.with(|plan| plan.as_ref().map(|plan| plan.participating_schools.join(", ")).unwrap_or_default());
                (!schools.is_empty()).then(|| view! { <p class="schools">"Schools: " {schools}</p> })
            }}
        </section>
    }
}

/// The plan's currency: the common choices, plus the plan's own code when
/// an import or another version stored one outside them, so it is shown
/// rather than a blank choice.
#[component]
fn CurrencyField() -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();
    let current = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.as_ref()
                .map(|plan| plan.currency.clone())
                .unwrap_or_default()
        })
    });

    let options = move || {
        let current = current.get();
        let mut options: Vec<(String, String)> = labels::CURRENCIES
            .iter()
            .map(|(code, label)| ((*code).to_owned(), (*label).to_owned()))
            .collect();
        if !current.is_empty() && !options.iter().any(|(code, _)| *code == current) {
            options.push((current.clone(), current.clone()));
        }
        options
            .into_iter()
            .map(|(code, label)| {
                let selected = code == current;
                view! { <option value=code selected=selected>{label}</option> }
            })
            .collect_view()
    };

    view! {
        <label class="field">
            <span class="field-label">"Currency"</span>
            <select
                data-testid="plan-currency"
                prop:value=move || current.get()
                on:change=move |event| {
                    let code = event_target_value(&event);
                    workspace.edit(context.id, |doc| doc.set_currency(&code));
                }
            >
                {options}
            </select>
        </label>
    }
}
