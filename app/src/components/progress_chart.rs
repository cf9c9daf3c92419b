//! The progress monitoring chart of one goal, drawn as SVG by the app: the
//! measurements, the aim line from baseline to target, and the trend
//! projected to the target date.

use cairn_plan::progress::{GoalProgress, ProgressPoint};
use chrono::NaiveDate;
use leptos::prelude::*;

const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 36.0;

/// Maps dates and values to SVG coordinates.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Scale {
    first_day: NaiveDate,
    days: f64,
    low: f64,
    high: f64,
}

impl Scale {
    /// Fits every point of the chart, with a margin above and below so no
    /// point sits on the frame.
    fn fit(points: &[ProgressPoint]) -> Option<Self> {
        let first_day = points.iter().map(|point| point.date).min()?;
        let last_day = points.iter().map(|point| point.date).max()?;
        let low = points
            .iter()
            .map(|point| point.value)
            .fold(f64::INFINITY, f64::min);
        let high = points
            .iter()
            .map(|point| point.value)
            .fold(f64::NEG_INFINITY, f64::max);

        if !(high - low).is_finite() {
            // Values near the limits of a float leave no range to draw.
            return None;
        }

        let spread = if high > low {
            high - low
        } else {
            low.abs().max(1.0)
        };
        let margin = spread * 0.1;
        let days = ((last_day - first_day).num_days() as f64).max(1.0);
        Some(Self {
            first_day,
            days,
            low: low - margin,
            high: high + margin,
        })
    }

    fn x(&self, date: NaiveDate) -> f64 {
        let offset = (date - self.first_day).num_days() as f64;
        LEFT + offset / self.days * (WIDTH - LEFT - RIGHT)
    }

    fn y(&self, value: f64) -> f64 {
        TOP + (self.high - value) / (self.high - self.low) * (HEIGHT - TOP - BOTTOM)
    }

    /// Round values for the vertical axis, about five of them: the step of
    /// 1, 2, 2.5, 5 or 10 times a power of ten nearest to a fifth of the
    /// range.
    fn value_ticks(&self) -> Vec<f64> {
        let raw_step = (self.high - self.low) / 5.0;
        let magnitude = 10f64.powf(raw_step.log10().floor());
        let step = match raw_step / magnitude {
            normalized if normalized < 1.5 => magnitude,
            normalized if normalized < 2.25 => 2.0 * magnitude,
            normalized if normalized < 3.5 => 2.5 * magnitude,
            normalized if normalized < 7.5 => 5.0 * magnitude,
            _ => 10.0 * magnitude,
        };

        let first = (self.low / step).ceil() as i64;
        let last = (self.high / step).floor() as i64;
        (first..=last).map(|index| index as f64 * step).collect()
    }
}

/// Every point the chart must show.
fn chart_points(progress: &GoalProgress) -> Vec<ProgressPoint> {
    let mut points = progress.points.clone();
    for (start, end) in progress.aim_line.iter().chain(progress.trend.iter()) {
        points.push(*start);
        points.push(*end);
    }
    points
}

fn format_value(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

/// Describes in words what a sighted reader takes from the chart, for its
/// text alternative.
fn description(measure: &str, unit: &str, progress: &GoalProgress) -> String {
    let measure = if measure.trim().is_empty() {
        "the goal's measure"
    } else {
        measure.trim()
    };
    let mut parts = vec![format!(
        "Progress chart of {measure}: {} measurements",
        progress.points.len()
    )];
    if let Some(latest) = progress.points.last() {
        parts.push(format!(
            "latest {}{unit} on {}",
            format_value(latest.value),
            latest.date
        ));
    }
    if let Some((start, end)) = &progress.aim_line {
        parts.push(format!(
            "aim line from {}{unit} on {} to {}{unit} on {}",
            format_value(start.value),
            start.date,
            format_value(end.value),
            end.date
        ));
    }
    if let Some((_, end)) = &progress.trend {
        parts.push(format!(
            "trend projects {}{unit} by {}",
            format_value(end.value),
            end.date
        ));
    }
    parts.join("; ") + "."
}

/// Draws one goal's chart.
#[component]
pub fn ProgressChart(
    /// The name of the goal's measure.
    #[prop(into)]
    measure: String,
    /// The goal's unit, such as `%`.
    #[prop(into)]
    unit: String,
    progress: GoalProgress,
) -> impl IntoView {
    let label = description(&measure, &unit, &progress);
    let points = chart_points(&progress);
    let Some(scale) = Scale::fit(&points) else {
        return view! { <p class="chart-empty" data-testid="progress-chart-empty">"No chart yet: it needs measurements or an aim line with values of a usable size."</p> }.into_any();
    };

    let line = |(start, end): &(ProgressPoint, ProgressPoint),
                class: &'static str,
                test_id: &'static str| {
        view! {
            <line
                class=class
                x1=scale.x(start.date)
                y1=scale.y(start.value)
                x2=scale.x(end.date)
                y2=scale.y(end.value)
                data-testid=test_id
                data-from=format_value(start.value)
                data-to=format_value(end.value)
            />
        }
    };
    let aim = progress
        .aim_line
        .as_ref()
        .map(|aim| line(aim, "aim-line", "aim-line"));
    let trend = progress
        .trend
        .as_ref()
        .map(|trend| line(trend, "trend-line", "trend-line"));

    let ticks = scale
        .value_ticks()
        .into_iter()
        .map(|value| {
            let y = scale.y(value);
            view! {
                <line class="grid" x1=LEFT y1=y x2=WIDTH - RIGHT y2=y/>
                <text class="tick" x=LEFT - 6.0 y=y + 4.0 text-anchor="end">{format_value(value)}</text>
            }
        })
        .collect_view();
    let first_day = scale.first_day;
    let last_day = first_day + chrono::Duration::days(scale.days as i64);
    let dates = [first_day, last_day]
        .into_iter()
        .enumerate()
        .map(|(index, date)| {
            let anchor = if index == 0 { "start" } else { "end" };
            view! { <text class="tick" x=scale.x(date) y=HEIGHT - 12.0 text-anchor=anchor>{date.format("%b %-d, %Y").to_string()}</text> }
        })
        .collect_view();

    let dots = progress
        .points
        .iter()
        .map(|point| {
            view! {
                <circle class="measurement" cx=scale.x(point.date) cy=scale.y(point.value) r="4" data-testid="chart-point" data-value=format_value(point.value)>
                    <title>{format!("{}: {}{unit}", point.date, format_value(point.value))}</title>
                </circle>
            }
        })
        .collect_view();

    view! {
        <figure class="progress-chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=label data-testid="progress-chart">
                {ticks}
                {dates}
                {aim}
                {trend}
                {dots}
            </svg>
            <figcaption class="chart-legend">
                <span class="legend aim">"Aim line"</span>
                <span class="legend trend">"Trend"</span>
                <span class="legend measurement">"Measurements"</span>
            </figcaption>
        </figure>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(month: u32, value: f64) -> ProgressPoint {
        ProgressPoint {
            date: NaiveDate::from_ymd_opt(2026, month, 1).unwrap(),
            value,
        }
    }

    #[test]
    fn first_date_sits_on_the_left_edge() {
        let scale = Scale::fit(&[point(9, 38.0), point(12, 20.0)]).unwrap();

        assert_eq!(scale.x(point(9, 0.0).date), LEFT);
    }

    #[test]
    fn higher_values_sit_higher() {
        let scale = Scale::fit(&[point(9, 38.0), point(12, 20.0)]).unwrap();

        assert!(scale.y(38.0) < scale.y(20.0));
    }

    #[test]
    fn one_flat_value_still_has_a_range() {
        let scale = Scale::fit(&[point(9, 0.0)]).unwrap();

        assert!(scale.high > scale.low);
    }

    #[test]
    fn values_too_large_give_no_scale() {
        assert_eq!(Scale::fit(&[point(9, -1e308), point(10, 1.7e308)]), None);
    }

    #[test]
    fn no_points_give_no_scale() {
        assert_eq!(Scale::fit(&[]), None);
    }

    #[test]
    fn ticks_fall_on_round_values() {
        let scale = Scale {
            first_day: point(9, 0.0).date,
            days: 1.0,
            low: 46.8,
            high: 61.2,
        };

        assert_eq!(
            scale.value_ticks(),
            vec![47.5, 50.0, 52.5, 55.0, 57.5, 60.0]
        );
    }

    #[test]
    fn values_are_shown_with_at_most_one_decimal() {
        assert_eq!(format_value(31.04), "31");
    }
}
