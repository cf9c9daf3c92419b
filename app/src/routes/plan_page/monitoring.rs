//! Resources, milestones, progress monitoring measurements and check-ins.
//! The measurements are listed goal by goal in [`super::progress`].

use cairn_plan::{
    ActionReview, ActionStatus, CheckIn, CheckInKind, Collection, EntityId, Measurement, Milestone,
    Plan, Resource, ResourceKind,
};
use leptos::prelude::*;
use rust_decimal::Decimal;

use super::{date_text, number_text, parse_date, parse_number, today, use_plan};
use crate::components::focus::focus_new_entry;
use crate::components::links::{set_link, LinkList};
use cairn_plan::import::parse_amount;
use cairn_plan::totals::resource_totals;

use crate::components::entity_controls::EntityControls;
use crate::components::fields::{SelectField, TextField, ValueField};
use crate::components::resource_totals::ResourceTotalsView;
use crate::labels;
use crate::workspace::use_workspace;

/// Lists the ids and titles of the plan's actions, for link checkboxes.
fn action_choices(plan: &Memo<Option<Plan>>) -> Vec<(EntityId, String)> {
    plan.with(|plan| {
        plan.iter()
            .flat_map(|plan| {
                plan.actions
                    .iter()
                    .map(|action| (action.id.clone(), action.title.clone()))
            })
            .collect()
    })
}

#[component]
pub fn Resources() -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();
    let ids = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.iter()
                .flat_map(|plan| plan.resources.iter().map(|resource| resource.id.clone()))
                .collect::<Vec<_>>()
        })
    });
    let totals = Memo::new(move |_| context.plan.with(|plan| plan.as_ref().map(resource_totals)));

    let add = move |_| {
        let last = ids.get_untracked().last().cloned();
        workspace.edit(context.id, |doc| {
            doc.insert_resource(&Resource::new(ResourceKind::Budget, ""), last.as_ref())
                .map(|_| ())
        });
    };

    view! {
        <section class="plan-section" aria-labelledby="resources-heading" data-testid="resources">
            <h2 id="resources-heading">"Resources"</h2>
            <ol class="entities">
                <For each=move || ids.get() key=|id| id.clone() let:id>
                    <ResourceRow id siblings=ids/>
                </For>
            </ol>
            <button type="button" on:click=move |event| { focus_new_entry(&event); add(event) } data-testid="add-resource">"Add resource"</button>
            <h3>"Resource totals"</h3>
            {move || totals.get().map(|totals| view! { <ResourceTotalsView totals/> })}
        </section>
    }
}

#[component]
fn ResourceRow(id: EntityId, siblings: Memo<Vec<EntityId>>) -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();
    let key = id.clone();
    let resource = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.as_ref().and_then(|plan| {
                plan.resources
                    .iter()
                    .find(|resource| resource.id == key)
                    .cloned()
            })
        })
    });

    let field = move |read: fn(&Resource) -> String| {
        Signal::derive(move || {
            resource.with(|resource| resource.as_ref().map(read).unwrap_or_default())
        })
    };
    let write = move |apply: fn(&mut Resource, String)| {
        Callback::new(move |value: String| {
            let Some(mut resource) = resource.get_untracked() else {
                return;
            };
            apply(&mut resource, value);
            workspace.edit(context.id, |doc| doc.update_resource(&resource));
        })
    };
    let toggle_action = Callback::new(move |(action, linked): (EntityId, bool)| {
        let Some(mut resource) = resource.get_untracked() else {
            return;
        };
        set_link(&mut resource.action_ids, action, linked);
        workspace.edit(context.id, |doc| doc.update_resource(&resource));
    });
    let actions = Memo::new(move |_| action_choices(&context.plan));
    let currency = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.as_ref()
                .map(|plan| plan.currency.clone())
                .unwrap_or_default()
        })
    });

    // An amount or a number of hours that does not read as one is not
    // saved, and the notice gives the reason, so nothing is cleared by a typo.
    let write_decimal = move |apply: fn(&mut Resource, Option<Decimal>), what: &'static str| {
        Callback::new(move |value: String| {
            let text = value.trim();
            let parsed = if text.is_empty() {
                None
            } else {
                match parse_amount(text) {
                    Some(number) => Some(number),
                    None => {
                        workspace.report(format!(
                            "“{text}” is not {what}. Write it like 1,250.00, with a comma only between thousands. The saved value is unchanged."
                        ));
                        return;
                    }
                }
            };
            let Some(mut resource) = resource.get_untracked() else {
                return;
            };
            apply(&mut resource, parsed);
            workspace.edit(context.id, |doc| doc.update_resource(&resource));
        })
    };

    view! {
        <li class="entity" data-testid="resource">
            <div class="field-grid">
                <SelectField
                    label="Kind"
                    options=labels::RESOURCE_KINDS.to_vec()
                    value=field(|resource| resource.kind.as_str().to_owned())
                    on_change=write(|resource, value| if let Ok(kind) = value.parse() { resource.kind = kind })
                    test_id="resource-kind"
                />
                <TextField label="Description" value=field(|resource| resource.description.clone()) on_input=write(|resource, value| resource.description = value) test_id="resource-description"/>
                {move || {
                    let label = format!("Amount ({})", currency.get());
                    view! { <ValueField label kind="text" value=field(|resource| resource.amount.map(|amount| amount.to_string()).unwrap_or_default()) on_change=write_decimal(|resource, amount| resource.amount = amount, "an amount") test_id="resource-amount"/> }
                }}
                <TextField label="Funding source" value=field(|resource| resource.funding_source.clone()) on_input=write(|resource, value| resource.funding_source = value) test_id="resource-funding-source"/>
                <ValueField label="Staff hours" kind="text" value=field(|resource| resource.hours.map(|hours| hours.to_string()).unwrap_or_default()) on_change=write_decimal(|resource, hours| resource.hours = hours, "a number of hours") test_id="resource-hours"/>
            </div>
            <LinkList
                legend="Actions this resource supports"
                choices=actions
                linked=Signal::derive(move || resource.with(|resource| resource.as_ref().map(|resource| resource.action_ids.clone()).unwrap_or_default()))
                on_toggle=toggle_action
            />
            <EntityControls collection=Collection::Resources id=id.clone() noun="resource" test_noun="resource" siblings/>
        </li>
    }
}

#[component]
pub fn Milestones() -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();
    let ids = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.iter()
                .flat_map(|plan| plan.milestones.iter().map(|milestone| milestone.id.clone()))
                .collect::<Vec<_>>()
        })
    });

    let add = move |_| {
        let last = ids.get_untracked().last().cloned();
        workspace.edit(context.id, |doc| {
            doc.insert_milestone(&Milestone::new("", None), last.as_ref())
                .map(|_| ())
        });
    };

    view! {
        <section class="plan-section" aria-labelledby="milestones-heading" data-testid="milestones">
            <h2 id="milestones-heading">"Milestones"</h2>
            <ol class="entities">
                <For each=move || ids.get() key=|id| id.clone() let:id>
                    <MilestoneRow id siblings=ids/>
                </For>
            </ol>
            <button type="button" on:click=move |event| { focus_new_entry(&event); add(event) } data-testid="add-milestone">"Add milestone"</button>
        </section>
    }
}

#[component]
fn MilestoneRow(id: EntityId, siblings: Memo<Vec<EntityId>>) -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();
    let key = id.clone();
    let milestone = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.as_ref().and_then(|plan| {
                plan.milestones
                    .iter()
                    .find(|milestone| milestone.id == key)
                    .cloned()
            })
        })
    });

    let field = move |read: fn(&Milestone) -> String| {
        Signal::derive(move || {
            milestone.with(|milestone| milestone.as_ref().map(read).unwrap_or_default())
        })
    };
    let write = move |apply: fn(&mut Milestone, String)| {
        Callback::new(move |value: String| {
            let Some(mut milestone) = milestone.get_untracked() else {
                return;
            };
            apply(&mut milestone, value);
            workspace.edit(context.id, |doc| doc.update_milestone(&milestone));
        })
    };
    let set_done = move |done: bool| {
        let Some(mut milestone) = milestone.get_untracked() else {
            return;
        };
        milestone.done = done;
        workspace.edit(context.id, |doc| doc.update_milestone(&milestone));
    };
    let toggle_action = Callback::new(move |(action, linked): (EntityId, bool)| {
        let Some(mut milestone) = milestone.get_untracked() else {
            return;
        };
        set_link(&mut milestone.action_ids, action, linked);
        workspace.edit(context.id, |doc| doc.update_milestone(&milestone));
    });
    let actions = Memo::new(move |_| action_choices(&context.plan));

    view! {
        <li class="entity" data-testid="milestone">
            <div class="field-grid">
                <TextField label="Milestone" value=field(|milestone| milestone.title.clone()) on_input=write(|milestone, value| milestone.title = value) test_id="milestone-title"/>
                <ValueField label="Date" kind="date" value=field(|milestone| date_text(milestone.date)) on_change=write(|milestone, value| milestone.date = parse_date(&value)) test_id="milestone-date"/>
                <label class="link">
                    <input
                        type="checkbox"
                        data-testid="milestone-done"
                        prop:checked=move || milestone.with(|milestone| milestone.as_ref().is_some_and(|milestone| milestone.done))
                        on:change=move |event| set_done(event_target_checked(&event))
                    />
                    <span>"Reached"</span>
                </label>
            </div>
            <LinkList
                legend="Actions this milestone marks"
                choices=actions
                linked=Signal::derive(move || milestone.with(|milestone| milestone.as_ref().map(|milestone| milestone.action_ids.clone()).unwrap_or_default()))
                on_toggle=toggle_action
            />
            <EntityControls collection=Collection::Milestones id=id.clone() noun="milestone" test_noun="milestone" siblings/>
        </li>
    }
}

/// One measurement: its goal, date, value and note.
#[component]
pub fn MeasurementRow(id: EntityId, siblings: Memo<Vec<EntityId>>) -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();
    let key = id.clone();
    let measurement = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.as_ref().and_then(|plan| {
                plan.measurements
                    .iter()
                    .find(|measurement| measurement.id == key)
                    .cloned()
            })
        })
    });

    let field = move |read: fn(&Measurement) -> String| {
        Signal::derive(move || {
            measurement.with(|measurement| measurement.as_ref().map(read).unwrap_or_default())
        })
    };
    let write = move |apply: fn(&mut Measurement, String)| {
        Callback::new(move |value: String| {
            let Some(mut measurement) = measurement.get_untracked() else {
                return;
            };
            apply(&mut measurement, value);
            workspace.edit(context.id, |doc| doc.update_measurement(&measurement));
        })
    };
    let goals = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.iter()
                .flat_map(|plan| plan.goals.iter())
                .map(|goal| {
                    (
                        goal.id.to_string(),
                        if goal.measure.is_empty() {
                            goal.statement.clone()
                        } else {
                            goal.measure.clone()
                        },
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    let selected_goal = field(|measurement| measurement.goal_id.to_string());
    let set_goal = write(|measurement, value| {
        if let Ok(goal) = value.parse() {
            measurement.goal_id = goal;
        }
    });

    view! {
        <li class="entity" data-testid="measurement">
            <div class="field-grid">
                <label class="field">
                    <span class="field-label">"Goal"</span>
                    <select data-testid="measurement-goal" prop:value=move || selected_goal.get() on:change=move |event| set_goal.run(event_target_value(&event))>
                        {move || goals.get().into_iter().map(|(id, text)| {
                            let selected = selected_goal.get() == id;
                            view! { <option value=id selected=selected>{text}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <ValueField label="Date" kind="date" value=field(|measurement| date_text(Some(measurement.date))) on_change=write(|measurement, value| if let Some(date) = parse_date(&value) { measurement.date = date }) test_id="measurement-date"/>
                <ValueField label="Value" kind="number" value=field(|measurement| number_text(Some(measurement.value))) on_change=write(|measurement, value| if let Some(number) = parse_number(&value) { measurement.value = number }) test_id="measurement-value"/>
                <TextField label="Note" value=field(|measurement| measurement.note.clone()) on_input=write(|measurement, value| measurement.note = value) test_id="measurement-note"/>
            </div>
            <EntityControls collection=Collection::Measurements id=id.clone() noun="measurement" test_noun="measurement" siblings/>
        </li>
    }
}

#[component]
pub fn CheckIns() -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();
    let ids = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.iter()
                .flat_map(|plan| plan.check_ins.iter().map(|check_in| check_in.id.clone()))
                .collect::<Vec<_>>()
        })
    });

    let add = move |_| {
        let last = ids.get_untracked().last().cloned();
        workspace.edit(context.id, |doc| {
            doc.insert_check_in(
                &CheckIn::new(CheckInKind::CheckIn, Some(today())),
                last.as_ref(),
            )
            .map(|_| ())
        });
    };

    view! {
        <section class="plan-section" aria-labelledby="check-ins-heading" data-testid="check-ins">
            <h2 id="check-ins-heading">"Check-ins"</h2>
            <ol class="entities">
                <For each=move || ids.get() key=|id| id.clone() let:id>
                    <CheckInRow id siblings=ids/>
                </For>
            </ol>
            <button type="button" on:click=move |event| { focus_new_entry(&event); add(event) } data-testid="add-check-in">"Add check-in"</button>
        </section>
    }
}

#[component]
fn CheckInRow(id: EntityId, siblings: Memo<Vec<EntityId>>) -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();
    let key = id.clone();
    let check_in = Memo::new(move |_| {
        context.plan.with(|plan| {
            plan.as_ref().and_then(|plan| {
                plan.check_ins
                    .iter()
                    .find(|check_in| check_in.id == key)
                    .cloned()
            })
        })
    });

    let field = move |read: fn(&CheckIn) -> String| {
        Signal::derive(move || {
            check_in.with(|check_in| check_in.as_ref().map(read).unwrap_or_default())
        })
    };
    let write = move |apply: fn(&mut CheckIn, String)| {
        Callback::new(move |value: String| {
            let Some(mut check_in) = check_in.get_untracked() else {
                return;
            };
            apply(&mut check_in, value);
            workspace.edit(context.id, |doc| doc.update_check_in(&check_in));
        })
    };

    view! {
        <li class="entity" data-testid="check-in">
            <div class="field-grid">
                <ValueField label="Date" kind="date" value=field(|check_in| date_text(check_in.date)) on_change=write(|check_in, value| check_in.date = parse_date(&value)) test_id="check-in-date"/>
                <SelectField
                    label="Kind"
                    options=labels::CHECK_IN_KINDS.to_vec()
                    value=field(|check_in| check_in.kind.as_str().to_owned())
                    on_change=write(|check_in, value| if let Ok(kind) = value.parse() { check_in.kind = kind })
                    test_id="check-in-kind"
                />
            </div>
            <TextField label="Attendees by role (no names)" value=field(|check_in| check_in.attendees.clone()) on_input=write(|check_in, value| check_in.attendees = value) test_id="check-in-attendees"/>
            <TextField label="Summary" value=field(|check_in| check_in.summary.clone()) on_input=write(|check_in, value| check_in.summary = value) multiline=true test_id="check-in-summary"/>
            <TextField label="Decisions" value=field(|check_in| check_in.decisions.clone()) on_input=write(|check_in, value| check_in.decisions = value) multiline=true test_id="check-in-decisions"/>
            <TextField label="Next steps" value=field(|check_in| check_in.next_steps.clone()) on_input=write(|check_in, value| check_in.next_steps = value) multiline=true test_id="check-in-next-steps"/>
            <ActionReviews check_in/>
            <EntityControls collection=Collection::CheckIns id=id.clone() noun="check-in" test_noun="check-in" siblings/>
        </li>
    }
}

/// Shows the status a check-in gave each action it discussed: one choice
/// per action, "Not discussed" by default.
#[component]
fn ActionReviews(check_in: Memo<Option<CheckIn>>) -> impl IntoView {
    let workspace = use_workspace();
    let context = use_plan();
    let actions = Memo::new(move |_| action_choices(&context.plan));

    let review_of = move |action_id: EntityId| {
        Signal::derive(move || {
            check_in.with(|check_in| {
                check_in
                    .iter()
                    .flat_map(|check_in| check_in.action_reviews.iter())
                    .find(|review| review.action_id == action_id)
                    .map(|review| review.status.as_str().to_owned())
                    .unwrap_or_default()
            })
        })
    };
    let set_review = move |action_id: EntityId| {
        Callback::new(move |value: String| {
            let Some(mut check_in) = check_in.get_untracked() else {
                return;
            };
            check_in
                .action_reviews
                .retain(|review| review.action_id != action_id);
            if let Ok(status) = value.parse::<ActionStatus>() {
                check_in.action_reviews.push(ActionReview {
                    action_id: action_id.clone(),
                    status,
                });
            }
            workspace.edit(context.id, |doc| doc.update_check_in(&check_in));
        })
    };

    view! {
        <fieldset class="reviews" data-testid="check-in-reviews">
            <legend>"Actions discussed"</legend>
            <Show when=move || !actions.with(Vec::is_empty) fallback=|| view! { <p>"The plan has no actions yet."</p> }>
                <For each=move || actions.get() key=|(id, title)| (id.clone(), title.clone()) let:choice>
                    <SelectField
                        label=if choice.1.trim().is_empty() { "(untitled action)".to_owned() } else { choice.1.clone() }
                        options=labels::ACTION_REVIEW_CHOICES.to_vec()
                        value=review_of(choice.0.clone())
                        on_change=set_review(choice.0.clone())
                        test_id="check-in-review"
                    />
                </For>
            </Show>
        </fieldset>
    }
}
