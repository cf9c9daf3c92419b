//! The timed HTTP requests: the district view unfiltered, with a school
//! filter and with a status filter, then the drill-down to random plans,
//! over one kept-alive connection, with the process's memory read between
//! the series.

use std::net::SocketAddr;

use anyhow::{ensure, Context};
use cairn_plan::dashboard::DashboardView;
use cairn_plan::PlanStatus;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use super::district::District;
use super::measure::{read_memory, reset_peak_memory, HttpClient, Samples};
use super::report::{Report, Timing, ViewFigures};
use super::Args;

/// Times the dashboard routes over HTTP, with the memory readings around
/// the dashboard requests.
pub async fn time_routes(
    args: &Args,
    district: &District,
    addr: SocketAddr,
    rng: &mut StdRng,
    report: &mut Report,
) -> anyhow::Result<()> {
    let mut client = HttpClient::connect(addr, district.admin_cookie.clone()).await?;
    let school_path = |k: usize| {
        let school = &district.schools[k % district.schools.len()];
        format!("/api/dashboard?school_id={}", school.id)
    };
    let status_path = format!("/api/dashboard?status={}", PlanStatus::Active);

    report.resident("before the first request", read_memory()?);

    for k in 0..args.warmups {
        let unfiltered = client.get("/api/dashboard").await?;
        report.figures = Some(read_figures(&unfiltered.body, report.stored.plans)?);
        client.get(&school_path(k)).await?;
        client.get(&status_path).await?;
    }

    report.resident("after the warm-ups", read_memory()?);

    // The peak is reset after the warm-ups, so it covers the timed
    // dashboard requests alone.
    let peak_reset = reset_peak_memory();
    let mut unfiltered = Samples::default();
    let mut by_school = Samples::default();
    let mut by_status = Samples::default();
    for _ in 0..args.requests {
        unfiltered.push_response(&client.get("/api/dashboard").await?);
    }
    report.resident("after the timed unfiltered requests", read_memory()?);
    for k in 0..args.requests {
        by_school.push_response(&client.get(&school_path(k)).await?);
    }
    report.resident("after the timed school requests", read_memory()?);
    for _ in 0..args.requests {
        by_status.push_response(&client.get(&status_path).await?);
    }
    let after = read_memory()?;
    report.resident("after the timed status requests", after);
    report.dashboard_peak = Some(
        peak_reset
            .map(|()| after.peak)
            .map_err(|error| format!("{error:#}")),
    );

    let mut detail = Samples::default();
    let ids: Vec<String> = report.stored.ids.iter().map(ToString::to_string).collect();
    for _ in 0..args.warmups {
        let id = ids.choose(rng).context("no plan was stored")?;
        client.get(&format!("/api/dashboard/plans/{id}")).await?;
    }
    for _ in 0..args.requests {
        let id = ids.choose(rng).context("no plan was stored")?;
        detail.push_response(&client.get(&format!("/api/dashboard/plans/{id}")).await?);
    }
    report.resident("after the drill-down requests", read_memory()?);

    report.http = vec![
        Timing::new("`GET /api/dashboard`, every plan", unfiltered),
        Timing::new(
            "`GET /api/dashboard?school_id=…`, one school per request, in turn",
            by_school,
        ),
        Timing::new("`GET /api/dashboard?status=active`", by_status),
        Timing::new("`GET /api/dashboard/plans/{id}`, a random plan", detail),
    ];
    Ok(())
}

/// Reads the figures of the unfiltered view, and fails unless it counts
/// every stored plan, so the timings are of a full dashboard.
fn read_figures(body: &[u8], stored: usize) -> anyhow::Result<ViewFigures> {
    let view: DashboardView = serde_json::from_slice(body)
        .context("the dashboard response does not parse as a DashboardView")?;
    ensure!(
        view.totals.plans == stored,
        "the dashboard counts {} plans but {stored} were stored",
        view.totals.plans
    );
    Ok(ViewFigures {
        totals: view.totals,
        plans_by_status: view.plans_by_status,
        funding_sources: view.budget.len(),
        overdue_items: view.overdue.len(),
    })
}
