//! The dashboard's charts, drawn with CSS: a stacked bar with a key, and a
//! list of labelled bars.
//!
//! Every bar carries its label and its value as text, so a chart reads in
//! print, in greyscale and without colour vision. Each chart sits next to a
//! table with the same figures, which is what screen readers read: the
//! charts themselves are hidden from them.

use leptos::prelude::*;

use super::format::{fraction, percent_text};

/// One part of a [`StackedBar`].
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub label: &'static str,
    pub count: usize,
    /// The CSS class that colours the part, such as `on_track`.
    pub class: &'static str,
}

/// One bar of a [`BarChart`].
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    /// The filled share of the bar, from 0 to 1.
    pub fraction: f64,
    /// The value as text, shown after the bar.
    pub value: String,
}

/// Returns the CSS width of a share from 0 to 1.
fn width(share: f64) -> String {
    format!("width: {:.1}%", share.clamp(0.0, 1.0) * 100.0)
}

/// Renders a bar split into parts by count, with a key that names each
/// part with its count and share. Parts wide enough show their count inside too.
#[component]
pub fn StackedBar(
    segments: Vec<Segment>,
    /// What the counts count, such as "goals", for an empty chart.
    noun: &'static str,
) -> impl IntoView {
    let total: usize = segments.iter().map(|segment| segment.count).sum();
    if total == 0 {
        return view! { <p class="chart-empty">{format!("No {noun} to show.")}</p> }.into_any();
    }

    let parts = segments
        .iter()
        .filter(|segment| segment.count > 0)
        .map(|segment| {
            let share = fraction(segment.count, total);
            // A count inside a part narrower than this would not fit.
            let inside = (share >= 0.06).then(|| segment.count.to_string());
            view! {
                <span class=format!("segment {}", segment.class) style=width(share)>{inside}</span>
            }
        })
        .collect_view();
    let key = segments
        .iter()
        .map(|segment| {
            view! {
                <li>
                    <span class=format!("swatch {}", segment.class)></span>
                    {format!("{}: {} ({})", segment.label, segment.count, percent_text(segment.count, total))}
                </li>
            }
        })
        .collect_view();

    view! {
        <div class="chart stacked-chart" aria-hidden="true">
            <div class="stacked-bar">{parts}</div>
            <ul class="chart-key">{key}</ul>
        </div>
    }
    .into_any()
}

/// Labelled bars, one per row, each followed by its value.
#[component]
pub fn BarChart(
    bars: Vec<Bar>,
    /// The CSS class of the filled part, such as `completed`.
    #[prop(default = "")]
    fill: &'static str,
) -> impl IntoView {
    let rows = bars
        .into_iter()
        .map(|bar| {
            view! {
                <div class="bar-row">
                    <span class="bar-label">{bar.label}</span>
                    <span class="bar-track"><span class=format!("bar-fill {fill}") style=width(bar.fraction)></span></span>
                    <span class="bar-value">{bar.value}</span>
                </div>
            }
        })
        .collect_view();

    view! { <div class="chart bar-chart" aria-hidden="true">{rows}</div> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_clamped_percentages() {
        assert_eq!(width(0.4), "width: 40.0%");
        assert_eq!(width(1.5), "width: 100.0%");
        assert_eq!(width(-0.1), "width: 0.0%");
    }
}
