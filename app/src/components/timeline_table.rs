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

/// Lists the flags shown next to an item's title: done, overdue, outside
/// the year, or due before it starts.
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
    if matches!((item.start, item.end), (Some(start), Some(end)) if end < start) {
        flags.push("Due before it starts");
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

#[cfg(test)]
mod tests {
    use cairn_plan::EntityId;
    use chrono::NaiveDate;

    use super::*;

    fn action(start: (i32, u32, u32), end: (i32, u32, u32)) -> TimelineItem {
        TimelineItem {
            kind: TimelineItemKind::Action,
            id: EntityId::random(),
            title: "Teach cafeteria expectations".to_owned(),
            start: NaiveDate::from_ymd_opt(start.0, start.1, start.2),
            end: NaiveDate::from_ymd_opt(end.0, end.1, end.2),
            first_month: 2,
            last_month: 4,
            starts_before_year: false,
            ends_after_year: false,
            done: false,
            overdue: false,
        }
    }

    #[test]
    fn due_date_before_start_is_flagged() {
        let item = action((2026, 11, 30), (2026, 9, 1));

        assert_eq!(item_flags(&item), vec!["Due before it starts"]);
    }

    #[test]
    fn dates_in_order_have_no_flag() {
        let item = action((2026, 9, 1), (2026, 11, 30));

        assert!(item_flags(&item).is_empty());
    }
}
