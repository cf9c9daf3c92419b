//! The timings taken in the process, with no socket: the district view
//! through the router and part by part, and what storing a merge costs to
//! keep the plan index current.

use std::time::Instant;

use anyhow::{ensure, Context};
use cairn_plan::dashboard::{build, DashboardFilters, IndexedPlan, PlanMetrics};
use cairn_plan::{ActionStatus, Measurement, PlanDocument};
use cairn_server::accounts::IndexRow;
use cairn_server::app;
use cairn_server::storage::NewChange;
use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;
use tower::ServiceExt;

use super::district::District;
use super::measure::Samples;
use super::report::{Report, Timing};
use super::Args;

/// Times `GET /api/dashboard` in the process, through the router with no
/// socket. Then times its parts the way the handler runs them: reading the
/// index rows from SQLite and parsing their metrics JSON, building the
/// view, and writing it as JSON.
pub async fn time_view_parts(
    args: &Args,
    district: &District,
    today: NaiveDate,
    report: &mut Report,
) -> anyhow::Result<()> {
    let accounts = &district.state.accounts;
    let mut rows_read = Samples::default();
    let mut metrics_parsed = Samples::default();
    let mut views_built = Samples::default();
    let mut views_written = Samples::default();
    let metrics_texts: Vec<String> =
        sqlx::query_scalar("SELECT metrics FROM plan_index WHERE metrics IS NOT NULL")
            .fetch_all(&district.pool)
            .await
            .context("reading the metrics column failed")?;

    let router = app(district.state.clone());
    let mut routed = Samples::default();

    for run in 0..args.warmups + args.requests {
        let timed = run >= args.warmups;

        let request = axum::http::Request::get("/api/dashboard")
            .header("cookie", &district.admin_cookie)
            .body(axum::body::Body::empty())
            .context("the dashboard request is invalid")?;
        let started = Instant::now();
        let response = router
            .clone()
            .oneshot(request)
            .await
            .context("the router failed")?;
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .context("reading the dashboard body failed")?;
        let route = started.elapsed();
        drop(body);

        let started = Instant::now();
        for text in &metrics_texts {
            let metrics: PlanMetrics =
                serde_json::from_str(text).context("an index row's metrics do not parse")?;
            drop(metrics);
        }
        let parsed = started.elapsed();

        let started = Instant::now();
        let rows = accounts
            .index_rows(district.id, district.admin.id)
            .await
            .context("reading the index rows failed")?;
        let read = started.elapsed();
        let plans: Vec<IndexedPlan> = rows
            .into_iter()
            .map(|row| indexed_plan(row, district))
            .collect();

        let started = Instant::now();
        let view = build(&plans, &DashboardFilters::default(), today);
        let built = started.elapsed();

        let started = Instant::now();
        let json = serde_json::to_vec(&view).context("serializing the view failed")?;
        let written = started.elapsed();
        drop(json);

        if timed {
            routed.push(route);
            rows_read.push(read);
            metrics_parsed.push(parsed);
            views_built.push(built);
            views_written.push(written);
        }
    }

    report.view_parts = vec![
        Timing::new(
            "the whole route through the router, `Router::oneshot`, no socket",
            routed,
        ),
        Timing::new(
            "`AccountStore::index_rows`: the SQL of every row, metrics left as JSON text",
            rows_read,
        ),
        Timing::new(
            "parsing the metrics JSON of every row, timed apart: `serde_json::from_str::<PlanMetrics>`",
            metrics_parsed,
        ),
        Timing::new("`dashboard::build`, no filter", views_built),
        Timing::new("`serde_json::to_vec` of the view", views_written),
    ];
    Ok(())
}

/// Converts an index row as the handler does, with the school's name.
fn indexed_plan(row: IndexRow, district: &District) -> IndexedPlan {
    let metrics = row.metrics();
    let school = row
        .record
        .school_id
        .and_then(|id| district.schools.iter().find(|school| school.id == id))
        .map(|school| school.name.clone())
        .unwrap_or_default();
    IndexedPlan {
        id: row.id.to_string(),
        title: row.title,
        school_id: row.record.school_id,
        school,
        focus_area: row.focus_area,
        school_year: row.school_year,
        status: row.review_status,
        last_edit: row.updated_at,
        metrics,
    }
}

/// Times what storing one merge costs beyond the changes themselves: the
/// plan summary for the index row and the `append_changes` transaction.
///
/// Each merge is a typical check-in edit to a random stored plan: a new
/// measurement of its first goal and one action marked completed, two
/// changes.
pub async fn time_merges(
    args: &Args,
    district: &District,
    rng: &mut StdRng,
    today: NaiveDate,
    report: &mut Report,
) -> anyhow::Result<()> {
    let storage = &district.state.storage;
    let mut summaries_with_clone = Samples::default();
    let mut summaries = Samples::default();
    let mut appends = Samples::default();

    for _ in 0..args.merges {
        let id = *report
            .stored
            .ids
            .choose(rng)
            .context("no plan was stored")?;
        let stored = storage
            .load_document(id)
            .await?
            .with_context(|| format!("plan {id} is not stored"))?;
        let mut document = PlanDocument::from_automerge(stored.into_automerge()?);
        let heads = document.heads();

        let plan = document.snapshot();
        if let Some(goal) = plan.goals.first() {
            let latest = plan
                .measurements_of_goal(&goal.id)
                .map(|measurement| measurement.value)
                .last()
                .unwrap_or_default();
            let measurement =
                Measurement::new(goal.id.clone(), today, latest + rng.random_range(0.0..2.0));
            let after = plan.measurements.last().map(|measurement| &measurement.id);
            document.insert_measurement(&measurement, after)?;
        }
        if let Some(action) = plan.actions.choose(rng) {
            let mut action = action.clone();
            action.status = ActionStatus::Completed;
            document.update_action(&action)?;
        }
        let changes: Vec<NewChange> = document
            .automerge()
            .get_changes(&heads)
            .iter()
            .map(NewChange::from)
            .collect();

        // The document task reads the summary from a clone of the document
        // it holds. The same summary without the clone is timed next, to
        // show the clone's share.
        let started = Instant::now();
        let summary = PlanDocument::from_automerge(document.automerge().clone())
            .snapshot()
            .summary();
        summaries_with_clone.push(started.elapsed());

        let started = Instant::now();
        let summary_again = document.snapshot().summary();
        summaries.push(started.elapsed());
        ensure!(
            summary == summary_again,
            "the summaries of plan {id} differ"
        );

        let started = Instant::now();
        storage.append_changes(id, &changes, &summary).await?;
        appends.push(started.elapsed());
    }

    report.merges = vec![
        Timing::new(
            "plan summary as the document task computes it: clone, `snapshot()`, `summary()`",
            summaries_with_clone,
        ),
        Timing::new(
            "`snapshot().summary()` of the same plan, no clone",
            summaries,
        ),
        Timing::new(
            "`Storage::append_changes`: two change rows and the index row, one transaction",
            appends,
        ),
    ];
    Ok(())
}
