//! The timeline of a plan's actions and milestones by month across the
//! school year, with today's month marked and overdue items flagged.
//!
//! It is a table, one row per item and one column per month, so screen
//! readers can read it as well as eyes can.

use cairn_plan::timeline::{Timeline, TimelineItem, TimelineItemKind};
use leptos::prelude::*;

fn kind_label(kind: TimelineItemKind) -> &'static str {
    match kind {
        TimelineItemKind::Action => "Action",
        TimelineItemKind::Milestone => "Milestone",
    }
}

/// The words next to an item's title: done, overdue, or outside the year.
fn item_flags(item: &TimelineItem) -> Vec<&'static str> {
    let mut flags = Vec::new();
    if item.done {
        flags.push("Done");
    }
    if item.overdue {
        flags.push("Overdue");
    }
    if item.starts_before_year {
        flags.push("Starts before this year");
    }
    if item.ends_after_year {
        flags.push("Ends after this year");
    }
    flags
}

#[component]
pub fn TimelineTable(timeline: Timeline) -> impl IntoView {
    let today_month = timeline.today_month;
    let header = timeline
        .months
        .iter()
        .enumerate()
        .map(|(index, month)| {
            let today = today_month == Some(index);
            view! {
                <th scope="col" class:today=today data-testid=if today { "timeline-today" } else { "timeline-month" }>
                    {month.label.clone()}
                    {today.then(|| view! { <span class="today-label">"Today"</span> })}
                </th>
            }
        })
        .collect_view();

    let month_count = timeline.months.len();
    let rows = timeline
        .items
        .iter()
        .map(|item| {
            let flags = item_flags(item);
            let title = if item.title.trim().is_empty() { "(untitled)".to_owned() } else { item.title.clone() };
            let cells = (0..month_count)
                .map(|index| {
                    let active = (item.first_month..=item.last_month).contains(&index);
                    view! {
                        <td class:today=today_month == Some(index) class:active=active>
                            {active.then(|| view! { <span class="bar" class:overdue=item.overdue class:done=item.done><span class="visually-hidden">"active"</span></span> })}
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr data-testid="timeline-item" data-kind=kind_label(item.kind) data-overdue=item.overdue.to_string() data-first-month=item.first_month data-last-month=item.last_month>
                    <th scope="row">
                        <span class="timeline-kind">{kind_label(item.kind)}</span>
                        " "
                        {title}
                        {flags.into_iter().map(|flag| view! { <span class="flag" class:overdue=flag == "Overdue" data-testid="timeline-flag">{flag}</span> }).collect_view()}
                    </th>
                    {cells}
                </tr>
            }
        })
        .collect_view();

    let undated = (!timeline.undated.is_empty()).then(|| {
        view! {
            <p class="undated" data-testid="timeline-undated">
                "Without dates: "
                {timeline
                    .undated
                    .iter()
                    .map(|item| format!("{} “{}”", kind_label(item.kind), item.title.trim()))
                    .collect::<Vec<_>>()
                    .join("; ")}
            </p>
        }
    });

    view! {
        <div class="timeline-scroll" tabindex="0" role="region" aria-label="Timeline by month">
            <table class="timeline" data-testid="timeline">
                <caption>{format!("School year {}", timeline.year.label())}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Action or milestone"</th>
                        {header}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {undated}
    }
}
