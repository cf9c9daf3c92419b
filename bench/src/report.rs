//! Latency percentiles and the Markdown section written to
//! `docs/benchmarks.md`.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;

use crate::load::LoadResult;
use crate::process::ProcessUsage;

/// The first and last lines of the generated section in the benchmarks
/// page. A new run replaces the lines between them.
const SECTION_BEGIN: &str = "<!-- cairn-bench sync load: begin -->";
const SECTION_END: &str = "<!-- cairn-bench sync load: end -->";

/// A sorted set of latency samples.
#[derive(Debug, Default)]
pub struct Latencies {
    sorted: Vec<Duration>,
}

impl Latencies {
    /// Sorts `samples`.
    pub fn new(mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        Self { sorted: samples }
    }

    /// Returns the number of samples.
    pub fn count(&self) -> usize {
        self.sorted.len()
    }

    /// Returns the `q` quantile (0 to 1) by the nearest-rank method, or
    /// `None` without samples.
    pub fn quantile(&self, q: f64) -> Option<Duration> {
        if self.sorted.is_empty() {
            return None;
        }
        let rank = (q * self.sorted.len() as f64).ceil() as usize;
        let index = rank.clamp(1, self.sorted.len()) - 1;
        Some(self.sorted[index])
    }

    /// Returns the largest sample.
    pub fn max(&self) -> Option<Duration> {
        self.sorted.last().copied()
    }
}

/// One row of the results table.
pub struct Row {
    /// The server measured.
    pub name: String,
    /// The span one latency sample measures in this row.
    pub measures: &'static str,
    pub latencies: Latencies,
    /// Operations per second started in the window (edits or echo messages).
    pub sent_per_second: f64,
    /// Operations per second completed (edits applied by every peer, echoes
    /// received).
    pub delivered_per_second: f64,
    pub usage: ProcessUsage,
    /// Notes such as error counts and the connect time.
    pub notes: String,
}

impl Row {
    /// Builds the row of a sync server's run.
    pub fn from_load(name: &str, result: LoadResult) -> Self {
        let seconds = result.window.as_secs_f64();
        let mut notes = format!(
            "{} edits timed, {} to every peer; all clients connected and synced in {:.1} s",
            result.edits_sent,
            result.edits_delivered,
            result.connect_time.as_secs_f64()
        );
        for (error, count) in &result.errors {
            let _ = write!(notes, "; {count} × server error \"{error}\"");
        }
        for (reason, count) in &result.connections_lost {
            let noun = if *count == 1 {
                "connection"
            } else {
                "connections"
            };
            let _ = write!(notes, "; {count} {noun} lost and reopened ({reason})");
        }
        Self {
            name: name.to_owned(),
            measures: "edit to peer",
            latencies: result.latencies,
            sent_per_second: result.edits_sent as f64 / seconds,
            delivered_per_second: result.edits_delivered as f64 / seconds,
            usage: result.usage,
            notes,
        }
    }
}

/// The single-client measurements of one sync server.
pub struct ScenarioRow {
    /// The server measured.
    pub name: String,
    /// Connecting with the offline backlog until every change is stored.
    pub backlog: Duration,
    /// Connecting with the large plan until the server has all of it.
    pub upload: Duration,
    /// Connecting with an empty replica to a server that just started until
    /// the replica contains the large plan.
    pub cold_load: Duration,
}

impl ScenarioRow {
    /// Collects the three times of `name`.
    pub fn new(name: &str, backlog: Duration, upload: Duration, cold_load: Duration) -> Self {
        Self {
            name: name.to_owned(),
            backlog,
            upload,
            cold_load,
        }
    }
}

/// Renders the table of single-client measurements.
pub fn render_scenarios(
    backlog_changes: usize,
    large_plan_bytes: usize,
    rows: &[ScenarioRow],
) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "One client at a time, after the load, on the same server and database. The backlog is {backlog_changes} changes made offline on top of a plan the server has. Its time runs from the start of the connection until the server has stored them all: acknowledged for Cairn, and for automerge-repo reported in the heads the server sends. The large plan is saved at {large_plan_bytes} bytes or more. A new client uploads it, then the server restarts. The cold load runs from the start of a new connection with an empty replica until the replica contains the whole plan."
    );
    let _ = writeln!(text);
    let _ = writeln!(
        text,
        "| server | offline backlog merged, s | large plan uploaded, s | large plan cold load, s |"
    );
    let _ = writeln!(text, "|---|---|---|---|");
    for row in rows {
        let _ = writeln!(
            text,
            "| {} | {:.2} | {:.2} | {:.2} |",
            row.name,
            row.backlog.as_secs_f64(),
            row.upload.as_secs_f64(),
            row.cold_load.as_secs_f64()
        );
    }
    text
}

fn millis(duration: Option<Duration>) -> String {
    match duration {
        Some(duration) => format!("{:.1}", duration.as_secs_f64() * 1000.0),
        None => "–".to_owned(),
    }
}

/// Renders the results section: the context lines, then the table.
pub fn render(context: &[String], rows: &[Row]) -> String {
    let mut text = String::new();
    for line in context {
        let _ = writeln!(text, "{line}");
    }
    let _ = writeln!(text);
    let _ = writeln!(
        text,
        "| server | latency | p50 ms | p99 ms | max ms | samples | sent/s | delivered/s | server CPU s | server peak RSS MiB |"
    );
    let _ = writeln!(text, "|---|---|---|---|---|---|---|---|---|---|");
    for row in rows {
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} | {:.1} | {:.1} | {:.2} | {:.1} |",
            row.name,
            row.measures,
            millis(row.latencies.quantile(0.5)),
            millis(row.latencies.quantile(0.99)),
            millis(row.latencies.max()),
            row.latencies.count(),
            row.sent_per_second,
            row.delivered_per_second,
            row.usage.cpu_seconds,
            row.usage.peak_rss_bytes as f64 / (1024.0 * 1024.0),
        );
    }
    let _ = writeln!(text);
    for row in rows {
        let _ = writeln!(text, "- {}: {}.", row.name, row.notes);
    }
    text
}

/// Writes `section` into the Markdown file at `path` between the section
/// markers, replacing an earlier run, or appends it with the markers.
pub fn write_section(path: &Path, section: &str) -> anyhow::Result<()> {
    let page = std::fs::read_to_string(path).unwrap_or_default();
    let block = format!("{SECTION_BEGIN}\n{section}{SECTION_END}\n");

    let updated = match (page.find(SECTION_BEGIN), page.find(SECTION_END)) {
        (Some(begin), Some(end)) if begin < end => {
            let after = &page[end + SECTION_END.len()..];
            let after = after.strip_prefix('\n').unwrap_or(after);
            format!("{}{block}{after}", &page[..begin])
        }
        _ => {
            let separator = if page.is_empty() || page.ends_with("\n\n") {
                ""
            } else if page.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            format!("{page}{separator}{block}")
        }
    };
    std::fs::write(path, updated).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(values: &[u64]) -> Latencies {
        Latencies::new(values.iter().map(|&v| Duration::from_millis(v)).collect())
    }

    #[test]
    fn quantile_uses_nearest_rank() {
        let latencies = ms(&[5, 1, 4, 2, 3]);
        assert_eq!(latencies.quantile(0.5), Some(Duration::from_millis(3)));
        assert_eq!(latencies.quantile(0.99), Some(Duration::from_millis(5)));
        assert_eq!(latencies.quantile(0.0), Some(Duration::from_millis(1)));
    }

    #[test]
    fn quantile_of_nothing_is_none() {
        assert_eq!(ms(&[]).quantile(0.5), None);
    }

    #[test]
    fn section_is_replaced_in_place() {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let path = folder.path().join("page.md");
        std::fs::write(&path, "# Page\n\nbefore\n").expect("the page is written");

        write_section(&path, "first\n").expect("the first section is written");
        write_section(&path, "second\n").expect("the second section is written");
        std::fs::write(
            &path,
            std::fs::read_to_string(&path).expect("the page is read") + "after\n",
        )
        .expect("the page is extended");
        write_section(&path, "third\n").expect("the third section is written");

        let page = std::fs::read_to_string(&path).expect("the page is read");
        assert_eq!(
            page,
            format!("# Page\n\nbefore\n\n{SECTION_BEGIN}\nthird\n{SECTION_END}\nafter\n")
        );
    }
}
