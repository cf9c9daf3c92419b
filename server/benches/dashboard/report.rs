//! The benchmark's results, printed as Markdown tables for
//! `docs/benchmarks.md`.

use std::fmt::Write as _;
use std::time::Duration;

use cairn_plan::dashboard::Totals;
use cairn_plan::PlanStatus;
use chrono::NaiveDate;

use super::district::StoredPlans;
use super::measure::{mebibytes, millis, Memory, Samples};
use super::Args;

/// The timed samples of one row.
pub struct Timing {
    label: &'static str,
    samples: Samples,
}

impl Timing {
    pub fn new(label: &'static str, samples: Samples) -> Self {
        Self { label, samples }
    }
}

/// The figures of the unfiltered dashboard, which describe the generated
/// plans.
pub struct ViewFigures {
    pub totals: Totals,
    pub plans_by_status: Vec<(PlanStatus, usize)>,
    pub funding_sources: usize,
    pub overdue_items: usize,
}

/// Everything the benchmark measured.
pub struct Report {
    plans: usize,
    schools: usize,
    warmups: usize,
    seed: u64,
    today: NaiveDate,
    /// The time to generate and store every plan.
    pub generation: Duration,
    pub stored: StoredPlans,
    /// The database file and its write-ahead log, after storing the plans.
    pub database_bytes: u64,
    pub figures: Option<ViewFigures>,
    /// `VmRSS` readings in KiB, in the order taken, each with the moment
    /// it was read.
    pub resident: Vec<(&'static str, u64)>,
    /// `VmHWM` in KiB over the timed dashboard requests, or why the peak
    /// could not be reset before them.
    pub dashboard_peak: Option<Result<u64, String>>,
    pub http: Vec<Timing>,
    pub view_parts: Vec<Timing>,
    pub merges: Vec<Timing>,
}

impl Report {
    pub fn new(args: &Args, today: NaiveDate) -> Self {
        Self {
            plans: args.plans,
            schools: args.schools,
            warmups: args.warmups,
            seed: args.seed,
            today,
            generation: Duration::ZERO,
            stored: StoredPlans::default(),
            database_bytes: 0,
            figures: None,
            resident: Vec::new(),
            dashboard_peak: None,
            http: Vec::new(),
            view_parts: Vec::new(),
            merges: Vec::new(),
        }
    }

    /// Records a `VmRSS` reading taken at `moment`.
    pub fn resident(&mut self, moment: &'static str, memory: Memory) {
        self.resident.push((moment, memory.resident));
    }

    #[expect(
        clippy::print_stdout,
        reason = "the tables on stdout are the benchmark's output"
    )]
    pub fn print(&self) {
        print!("{}", self.to_markdown());
    }

    /// Renders the report as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "### {} plans in {} schools\n\n\
             Seed {}, dates relative to {} (UTC). Each row: {} untimed \
             requests, then the timed ones. Times in milliseconds; p50 and \
             p95 by nearest rank.\n",
            self.plans, self.schools, self.seed, self.today, self.warmups
        );

        out.push_str(
            "| over HTTP on loopback, request sent to last body byte read | runs | p50 | p95 | max | response bytes |\n\
             |---|---|---|---|---|---|\n",
        );
        for timing in &self.http {
            let sizes = match timing.samples.size_range() {
                Some((smallest, largest)) if smallest == largest => thousands(smallest),
                Some((smallest, largest)) => {
                    format!("{} to {}", thousands(smallest), thousands(largest))
                }
                None => String::new(),
            };
            let _ = writeln!(out, "{} {sizes} |", timing_cells(timing));
        }

        out.push_str(
            "\n| the unfiltered view in the process, by part | runs | p50 | p95 | max |\n\
             |---|---|---|---|---|\n",
        );
        for timing in &self.view_parts {
            let _ = writeln!(out, "{}", timing_cells(timing));
        }

        out.push_str(
            "\n| keeping the index current on a merge | runs | p50 | p95 | max |\n\
             |---|---|---|---|---|\n",
        );
        for timing in &self.merges {
            let _ = writeln!(out, "{}", timing_cells(timing));
        }

        out.push_str(&self.memory_table());
        out.push_str(&self.data_table());
        out
    }

    fn memory_table(&self) -> String {
        let mut out = String::from(
            "\n| memory of the whole benchmark process | MiB |\n\
             |---|---|\n",
        );
        for (moment, kib) in &self.resident {
            let _ = writeln!(out, "| `VmRSS` {moment} | {} |", mebibytes(*kib));
        }
        let peak = match &self.dashboard_peak {
            Some(Ok(kib)) => mebibytes(*kib),
            Some(Err(error)) => format!("not measured: {error}"),
            None => "not measured".to_owned(),
        };
        let _ = writeln!(
            out,
            "| `VmHWM`, the peak during the timed dashboard requests (reset after the warm-ups) | {peak} |"
        );
        out
    }

    fn data_table(&self) -> String {
        let stored = &self.stored;
        let plans = stored.plans.max(1);
        let mut out = String::from(
            "\n| generated data | value |\n\
             |---|---|\n",
        );
        let _ = writeln!(
            out,
            "| generating and storing {} plans | {:.1} s |",
            stored.plans,
            self.generation.as_secs_f64()
        );
        let _ = writeln!(
            out,
            "| saved Automerge document, mean per plan | {} bytes |",
            thousands(stored.document_bytes / plans)
        );
        let _ = writeln!(
            out,
            "| Automerge changes, mean per plan | {:.1} |",
            stored.changes as f64 / plans as f64
        );
        let _ = writeln!(
            out,
            "| metrics JSON in the index row, mean per plan | {} bytes |",
            thousands(stored.metrics_bytes / plans)
        );
        let _ = writeln!(
            out,
            "| database file and write-ahead log after storing | {} MiB |",
            mebibytes(self.database_bytes / 1024)
        );
        if let Some(figures) = &self.figures {
            out.push_str(&figures_rows(figures));
        }
        out
    }
}

/// Renders the rows of [`ViewFigures`].
fn figures_rows(figures: &ViewFigures) -> String {
    let totals = &figures.totals;
    let goals = &totals.goals;
    let actions = &totals.actions;
    let by_status: Vec<String> = figures
        .plans_by_status
        .iter()
        .map(|(status, count)| format!("{status} {count}"))
        .collect();

    let mut out = String::new();
    let _ = writeln!(out, "| plans by review status | {} |", by_status.join(", "));
    let _ = writeln!(
        out,
        "| goals on track, at risk, off track, without enough data | {}, {}, {}, {} |",
        goals.on_track, goals.at_risk, goals.off_track, goals.not_enough_data
    );
    let _ = writeln!(
        out,
        "| actions not started, in progress, completed, on hold | {}, {}, {}, {} |",
        actions.not_started, actions.in_progress, actions.completed, actions.on_hold
    );
    let _ = writeln!(
        out,
        "| overdue actions, overdue milestones (rows in the overdue list) | {}, {} ({}) |",
        totals.overdue_actions, totals.overdue_milestones, figures.overdue_items
    );
    let _ = writeln!(
        out,
        "| approved or active plans without a recent check-in | {} |",
        totals.plans_without_recent_check_in
    );
    let _ = writeln!(
        out,
        "| funding sources in the budget table | {} |",
        figures.funding_sources
    );
    out
}

/// Renders the cells of a timing row, from its label to its max.
fn timing_cells(timing: &Timing) -> String {
    let samples = &timing.samples;
    format!(
        "| {} | {} | {} | {} | {} |",
        timing.label,
        samples.count(),
        millis(samples.percentile(50)),
        millis(samples.percentile(95)),
        millis(samples.max()),
    )
}

/// Formats a count with commas between thousands, as 1,234,567.
fn thousands(value: usize) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
