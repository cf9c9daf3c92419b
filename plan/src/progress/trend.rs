//! The two lines of a progress monitoring chart: the aim line from the
//! baseline to the target, and the least-squares trend through the
//! measurements. Dates become numbers of days since the baseline date.

use chrono::NaiveDate;

use super::ProgressPoint;
use crate::model::Goal;

/// The straight line from a goal's baseline to its target.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct AimLine {
    pub(super) start: ProgressPoint,
    pub(super) end: ProgressPoint,
}

impl AimLine {
    /// Builds the aim line of a goal, or `None` when the goal lacks a
    /// baseline or target value or date, or its target date is not after
    /// its baseline date.
    pub(super) fn of_goal(goal: &Goal) -> Option<AimLine> {
        let start = ProgressPoint {
            date: goal.baseline_date?,
            value: goal.baseline_value?,
        };
        let end = ProgressPoint {
            date: goal.target_date?,
            value: goal.target_value?,
        };

        if end.date <= start.date {
            return None;
        }
        Some(AimLine { start, end })
    }

    /// Returns the value that the aim line expects on `date`. Before the
    /// baseline date that is the baseline, and after the target date the
    /// target.
    pub(super) fn value_at(&self, date: NaiveDate) -> f64 {
        if date <= self.start.date {
            return self.start.value;
        }
        if date >= self.end.date {
            return self.end.value;
        }

        let elapsed = days_between(self.start.date, date);
        let span = days_between(self.start.date, self.end.date);
        self.start.value + (self.end.value - self.start.value) * elapsed / span
    }
}

/// A straight line fitted through measurements by ordinary least squares.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Trend {
    /// The date from which days are counted.
    origin: NaiveDate,
    /// The line's value on `origin`.
    intercept: f64,
    /// The change of the value per day.
    slope_per_day: f64,
}

impl Trend {
    /// Fits the line that minimizes the squared differences between the
    /// points' values and the line. Returns `None` when the points fall on
    /// fewer than two distinct dates, where the slope is undefined.
    pub(super) fn fit(origin: NaiveDate, points: &[ProgressPoint]) -> Option<Trend> {
        if points.is_empty() {
            return None;
        }
        let count = points.len() as f64;
        let day = |point: &ProgressPoint| days_between(origin, point.date);

        let mean_day = points.iter().map(day).sum::<f64>() / count;
        let mean_value = points.iter().map(|point| point.value).sum::<f64>() / count;

        let mut day_variation = 0.0;
        let mut covariation = 0.0;
        for point in points {
            let day_offset = day(point) - mean_day;
            day_variation += day_offset * day_offset;
            covariation += day_offset * (point.value - mean_value);
        }
        if day_variation == 0.0 {
            return None;
        }

        let slope_per_day = covariation / day_variation;
        Some(Trend {
            origin,
            intercept: mean_value - slope_per_day * mean_day,
            slope_per_day,
        })
    }

    /// Returns the line's value on `date`, extrapolating beyond the points.
    pub(super) fn value_at(&self, date: NaiveDate) -> f64 {
        self.intercept + self.slope_per_day * days_between(self.origin, date)
    }
}

fn days_between(start: NaiveDate, end: NaiveDate) -> f64 {
    (end - start).num_days() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn point(date: NaiveDate, value: f64) -> ProgressPoint {
        ProgressPoint { date, value }
    }

    #[test]
    fn fit_through_collinear_points_recovers_slope() {
        let origin = date(2026, 9, 1);
        let points = [
            point(date(2026, 9, 11), 41.0),
            point(date(2026, 10, 1), 43.0),
            point(date(2026, 10, 21), 45.0),
        ];

        let trend = Trend::fit(origin, &points).unwrap();

        assert!((trend.slope_per_day - 0.1).abs() < 1e-12);
    }

    #[test]
    fn fit_balances_scattered_points() {
        let origin = date(2026, 9, 1);
        let points = [
            point(date(2026, 9, 1), 10.0),
            point(date(2026, 9, 2), 14.0),
            point(date(2026, 9, 3), 12.0),
        ];

        let trend = Trend::fit(origin, &points).unwrap();

        // Days 0, 1, 2 with values 10, 14, 12: slope 1, intercept 11.
        assert!((trend.value_at(date(2026, 9, 11)) - 21.0).abs() < 1e-12);
    }

    #[test]
    fn fit_on_one_date_has_no_line() {
        let origin = date(2026, 9, 1);
        let points = [
            point(date(2026, 10, 15), 52.0),
            point(date(2026, 10, 15), 55.0),
        ];

        assert_eq!(Trend::fit(origin, &points), None);
    }

    #[test]
    fn aim_line_is_halfway_at_midpoint() {
        let aim = AimLine {
            start: point(date(2026, 9, 1), 40.0),
            end: point(date(2026, 9, 21), 50.0),
        };

        assert_eq!(aim.value_at(date(2026, 9, 11)), 45.0);
    }

    #[test]
    fn aim_line_holds_target_after_target_date() {
        let aim = AimLine {
            start: point(date(2026, 9, 1), 40.0),
            end: point(date(2026, 9, 21), 50.0),
        };

        assert_eq!(aim.value_at(date(2026, 10, 1)), 50.0);
    }
}
