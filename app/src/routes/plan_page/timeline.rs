//! The plan's timeline section.

use cairn_plan::timeline::timeline;
use leptos::prelude::*;

use super::{today, use_plan};
use crate::components::timeline_table::TimelineTable;

#[component]
pub fn TimelineSection() -> impl IntoView {
    let context = use_plan();
    let timeline = Memo::new(move |_| {
        context
            .plan
            .with(|plan| plan.as_ref().map(|plan| timeline(plan, today())))
    });

    view! {
        <section class="plan-section" aria-labelledby="timeline-heading" data-testid="timeline-section">
            <h2 id="timeline-heading">"Timeline"</h2>
            {move || timeline.get().map(|timeline| view! { <TimelineTable timeline/> })}
        </section>
    }
}
