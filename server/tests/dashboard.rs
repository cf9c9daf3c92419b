//! The leaders' dashboard and the review cycle, over real HTTP handlers, a
//! real SQLite file and real sync clients.
//!
//! The district has two schools, Lincoln and Oak, with one plan each. Plans
//! are filled through the sync protocol, so the figures come from the plan
//! index the document tasks write on every merge.

#[path = "support/client.rs"]
mod client;
#[path = "support/server.rs"]
mod server;

use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use cairn_plan::{
    Action, ActionKind, ActionStatus, Direction, Goal, Measurement, Milestone, PlanDocument,
    Resource, ResourceKind,
};
use cairn_server::accounts::{Access, PlanRecord, Role};
use cairn_server::app;
use cairn_server::storage::{refresh_stale_index, Backend};
use cairn_sync::DocumentId;
use chrono::NaiveDate;
use futures::StreamExt;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use tower::ServiceExt;
use uuid::Uuid;

use client::{within, SyncClient};
use server::{create_person, TestDatabase, TestPerson, TestServer};

on_both_backends!(
    the_dashboard_counts_the_indexed_plans_each_person_may_read,
    filters_and_the_drill_down_narrow_the_view,
    stored_edits_reach_the_event_streams_of_the_people_who_may_read_the_plan,
    the_review_cycle_follows_its_rules_and_records_each_decision,
    edits_after_approval_show_as_changes_since_approval,
    index_rows_of_an_older_version_are_recomputed,
);

async fn call(
    server: &TestServer,
    method: &str,
    uri: &str,
    person: &TestPerson,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("cookie", &person.cookie);
    let body = match body {
        Some(json) => {
            request = request.header("content-type", "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    let response = app(server.state.clone())
        .oneshot(request.body(body).expect("a valid request"))
        .await
        .expect("the router answers");
    let status = response.status();
    let bytes = to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("the body can be read");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn get(server: &TestServer, uri: &str, person: &TestPerson) -> Value {
    let (status, body) = call(server, "GET", uri, person, None).await;
    assert_eq!(status, StatusCode::OK, "GET {uri}: {body}");
    body
}

fn date(text: &str) -> NaiveDate {
    text.parse().expect("a valid date")
}

struct District {
    server: TestServer,
    lincoln: Uuid,
    oak: Uuid,
    lincoln_plan: DocumentId,
    oak_plan: DocumentId,
}

async fn district(backend: Backend) -> Option<(District, TestDatabase)> {
    let (server, database) = TestServer::start_for(backend).await?;
    let accounts = &server.state.accounts;
    let district = server.admin.person.district_id;
    let lincoln = accounts
        .create_school(district, "Lincoln Elementary")
        .await
        .expect("the school is created")
        .id;
    let oak = accounts
        .create_school(district, "Oak Middle")
        .await
        .expect("the school is created")
        .id;

    let mut plans = Vec::new();
    for school in [lincoln, oak] {
        let plan = DocumentId::new_random();
        let record = PlanRecord {
            district_id: district,
            school_id: Some(school),
        };
        accounts
            .create_plan(plan, record, server.admin.person.id)
            .await
            .expect("the plan is recorded");
        plans.push(plan);
    }
    server.state.access_epoch.bump();

    let district = District {
        lincoln,
        oak,
        lincoln_plan: plans[0],
        oak_plan: plans[1],
        server,
    };
    Some((district, database))
}

/// Fills the Lincoln plan: one measured goal, an overdue action, a budget
/// line; and the Oak plan: an overdue milestone.
async fn fill_plans(district: &District) {
    let mut admin = district.server.client().await;

    admin
        .open(district.lincoln_plan, PlanDocument::create())
        .await;
    admin
        .edit(district.lincoln_plan, |plan| {
            plan.set_title("Lincoln reading").expect("title");
            plan.set_focus_area("Literacy").expect("focus area");
            plan.set_school_year("2026-27").expect("school year");

            let mut goal = Goal::new("Raise grade 3 reading proficiency");
            goal.baseline_value = Some(40.0);
            goal.baseline_date = Some(date("2026-09-01"));
            goal.target_value = Some(60.0);
            goal.target_date = Some(date("2027-05-31"));
            goal.direction = Some(Direction::Increase);
            plan.insert_goal(&goal, None).expect("goal");
            let mut after = None;
            for (day, value) in [("2026-10-01", 43.0), ("2026-11-01", 46.0)] {
                let measurement = Measurement::new(goal.id.clone(), date(day), value);
                after = Some(
                    plan.insert_measurement(&measurement, after.as_ref())
                        .expect("measurement"),
                );
            }

            let mut action = Action::new(ActionKind::Primary, "Small-group phonics");
            action.status = ActionStatus::InProgress;
            action.due_date = Some(date("2020-01-15"));
            action.goal_ids = vec![goal.id.clone()];
            plan.insert_action(&action, None).expect("action");

            let mut books = Resource::new(ResourceKind::Budget, "Decodable readers");
            books.amount = Some(Decimal::new(1200, 0));
            books.funding_source = "Title I".to_owned();
            plan.insert_resource(&books, None).expect("resource");
        })
        .await;
    admin.wait_saved(district.lincoln_plan).await;

    admin.open(district.oak_plan, PlanDocument::create()).await;
    admin
        .edit(district.oak_plan, |plan| {
            plan.set_title("Oak attendance").expect("title");
            plan.set_focus_area("Attendance").expect("focus area");
            plan.set_school_year("2026-27").expect("school year");
            let milestone = Milestone::new("Family survey sent", Some(date("2020-02-01")));
            plan.insert_milestone(&milestone, None).expect("milestone");
        })
        .await;
    admin.wait_saved(district.oak_plan).await;
}

fn titles(view: &Value) -> Vec<String> {
    view["plans"]
        .as_array()
        .expect("a list of plans")
        .iter()
        .map(|plan| plan["title"].as_str().expect("a title").to_owned())
        .collect()
}

async fn the_dashboard_counts_the_indexed_plans_each_person_may_read(backend: Backend) {
    let Some((district, _database)) = district(backend).await else {
        return;
    };
    fill_plans(&district).await;
    let server = &district.server;
    let accounts = &server.state.accounts;
    let district_id = server.admin.person.district_id;
    let coach = create_person(accounts, district_id, Role::Coach, &[district.lincoln]).await;
    let viewer = create_person(accounts, district_id, Role::Viewer, &[]).await;

    let view = get(server, "/api/dashboard", &server.admin).await;
    assert_eq!(titles(&view), ["Lincoln reading", "Oak attendance"]);
    assert_eq!(view["totals"]["plans"], 2);
    assert_eq!(view["totals"]["overdue_actions"], 1);
    assert_eq!(view["totals"]["overdue_milestones"], 1);
    assert_eq!(view["totals"]["actions"]["in_progress"], 1);
    assert_eq!(view["budget"][0]["funding_source"], "Title I");
    assert_eq!(view["budget"][0]["amount"], "1200");
    assert_eq!(view["schools"][0]["name"], "Lincoln Elementary");
    assert_eq!(view["schools"][1]["name"], "Oak Middle");
    assert_eq!(
        view["options"]["focus_areas"],
        json!(["Attendance", "Literacy"])
    );

    // The coach of Lincoln sees Lincoln's plan and nothing of Oak's.
    let view = get(server, "/api/dashboard", &coach).await;
    assert_eq!(titles(&view), ["Lincoln reading"]);
    assert_eq!(view["totals"]["overdue_milestones"], 0);
    assert_eq!(view["options"]["schools"].as_array().map(Vec::len), Some(1));
    let (status, body) = call(
        server,
        "GET",
        &format!("/api/dashboard/plans/{}", district.oak_plan),
        &coach,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "plan_not_found");

    // A viewer with no plan shared sees an empty dashboard.
    let view = get(server, "/api/dashboard", &viewer).await;
    assert_eq!(view["totals"]["plans"], 0);
    assert_eq!(view["plans"], json!([]));

    // Signed out, there is no dashboard at all.
    let signed_out = TestPerson {
        cookie: String::new(),
        ..viewer.clone()
    };
    let (status, _) = call(server, "GET", "/api/dashboard", &signed_out, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn filters_and_the_drill_down_narrow_the_view(backend: Backend) {
    let Some((district, _database)) = district(backend).await else {
        return;
    };
    fill_plans(&district).await;
    let server = &district.server;

    let by_school = get(
        server,
        &format!("/api/dashboard?school_id={}", district.oak),
        &server.admin,
    )
    .await;
    assert_eq!(titles(&by_school), ["Oak attendance"]);
    assert_eq!(by_school["filters"]["school_id"], district.oak.to_string());

    let by_focus = get(server, "/api/dashboard?focus_area=Literacy", &server.admin).await;
    assert_eq!(titles(&by_focus), ["Lincoln reading"]);
    let by_status = get(server, "/api/dashboard?status=approved", &server.admin).await;
    assert_eq!(titles(&by_status), Vec::<String>::new());
    let by_year = get(server, "/api/dashboard?school_year=2026-27", &server.admin).await;
    assert_eq!(by_year["totals"]["plans"], 2);

    let (status, body) = call(
        server,
        "GET",
        "/api/dashboard?status=finished",
        &server.admin,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let detail = get(
        server,
        &format!("/api/dashboard/plans/{}", district.lincoln_plan),
        &server.admin,
    )
    .await;
    assert_eq!(detail["plan"]["title"], "Lincoln reading");
    assert_eq!(detail["plan"]["school"], "Lincoln Elementary");
    let goal = &detail["goals"][0];
    assert_eq!(goal["statement"], "Raise grade 3 reading proficiency");
    assert_eq!(goal["latest"]["value"], 46.0);
    assert_eq!(goal["target_value"], 60.0);
    assert_eq!(goal["measurement_count"], 2);
    assert_eq!(goal["actions"]["in_progress"], 1);
    assert_eq!(detail["overdue"][0]["title"], "Small-group phonics");
}

/// Reads the next `plans` event of an event stream, within `timeout`.
async fn next_event(
    stream: &mut (impl futures::Stream<Item = Result<axum::body::Bytes, axum::Error>> + Unpin),
    timeout: Duration,
) -> Option<Value> {
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let chunk = tokio::time::timeout_at(deadline, stream.next())
            .await
            .ok()??;
        text.push_str(&String::from_utf8_lossy(&chunk.expect("the stream reads")));
        while let Some(end) = text.find("\n\n") {
            let event: String = text.drain(..end + 2).collect();
            if event.lines().any(|line| line == "event: plans") {
                let data = event
                    .lines()
                    .find_map(|line| line.strip_prefix("data: "))
                    .expect("the event has data");
                return Some(serde_json::from_str(data).expect("the data is JSON"));
            }
        }
    }
}

async fn open_events(
    server: &TestServer,
    person: &TestPerson,
) -> impl futures::Stream<Item = Result<axum::body::Bytes, axum::Error>> + Unpin {
    let request = Request::builder()
        .uri("/api/events")
        .header("cookie", &person.cookie)
        .body(Body::empty())
        .expect("a valid request");
    let response = app(server.state.clone())
        .oneshot(request)
        .await
        .expect("the router answers");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/event-stream",
        "the events route streams server-sent events"
    );
    response.into_body().into_data_stream()
}

async fn stored_edits_reach_the_event_streams_of_the_people_who_may_read_the_plan(
    backend: Backend,
) {
    let Some((district, _database)) = district(backend).await else {
        return;
    };
    let server = &district.server;
    let accounts = &server.state.accounts;
    let oak_coach = create_person(
        accounts,
        server.admin.person.district_id,
        Role::Coach,
        &[district.oak],
    )
    .await;
    let mut admin_events = open_events(server, &server.admin).await;
    let mut oak_events = open_events(server, &oak_coach).await;

    let mut admin = server.client().await;
    admin
        .open(district.lincoln_plan, PlanDocument::create())
        .await;
    admin
        .edit(district.lincoln_plan, |plan| {
            plan.set_title("Lincoln reading").expect("title")
        })
        .await;
    admin.wait_saved(district.lincoln_plan).await;

    let event = within(
        "the admin's event",
        next_event(&mut admin_events, Duration::from_secs(10)),
    )
    .await
    .expect("the admin hears of the Lincoln edit");
    assert_eq!(event["plans"], json!([district.lincoln_plan.to_string()]));

    // Then an Oak edit: the Oak coach's first event names Oak's plan only,
    // so the Lincoln edit never reached them.
    admin.open(district.oak_plan, PlanDocument::create()).await;
    admin
        .edit(district.oak_plan, |plan| {
            plan.set_title("Oak attendance").expect("title")
        })
        .await;
    admin.wait_saved(district.oak_plan).await;
    let event = next_event(&mut oak_events, Duration::from_secs(10))
        .await
        .expect("the Oak coach hears of the Oak edit");
    assert_eq!(event["plans"], json!([district.oak_plan.to_string()]));

    // Signed out, there is no stream.
    let request = Request::builder()
        .uri("/api/events")
        .body(Body::empty())
        .expect("a valid request");
    let response = app(server.state.clone())
        .oneshot(request)
        .await
        .expect("an answer");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

fn review_uri(plan: DocumentId) -> String {
    format!("/api/plans/{plan}/review")
}

async fn decide(
    server: &TestServer,
    plan: DocumentId,
    person: &TestPerson,
    action: &str,
    expected: &str,
    comment: &str,
) -> (StatusCode, Value) {
    let body = json!({ "action": action, "expected_status": expected, "comment": comment });
    call(server, "POST", &review_uri(plan), person, Some(body)).await
}

async fn the_review_cycle_follows_its_rules_and_records_each_decision(backend: Backend) {
    let Some((district, _database)) = district(backend).await else {
        return;
    };
    let server = &district.server;
    let accounts = &server.state.accounts;
    let district_id = server.admin.person.district_id;
    let plan = district.lincoln_plan;
    let coach = create_person(accounts, district_id, Role::Coach, &[district.lincoln]).await;
    let leader = create_person(
        accounts,
        district_id,
        Role::SchoolLeader,
        &[district.lincoln],
    )
    .await;
    let oak_leader =
        create_person(accounts, district_id, Role::SchoolLeader, &[district.oak]).await;
    let viewer = create_person(accounts, district_id, Role::Viewer, &[]).await;
    accounts
        .set_share(plan, viewer.person.id, Access::View)
        .await
        .expect("the plan is shared");
    server.state.access_epoch.bump();

    let state = get(server, &review_uri(plan), &coach).await;
    assert_eq!(state["status"], "draft");
    assert_eq!(state["allowed"], json!(["submit"]));
    assert_eq!(
        get(server, &review_uri(plan), &viewer).await["allowed"],
        json!([])
    );

    // Who may not take a step is refused, and nothing moves.
    let (status, body) = decide(server, plan, &viewer, "submit", "draft", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = decide(server, plan, &coach, "approve", "draft", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = decide(server, plan, &leader, "approve", "draft", "").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("invalid_transition"))
    );

    let (status, state) = decide(server, plan, &coach, "submit", "draft", "").await;
    assert_eq!(status, StatusCode::OK, "{state}");
    assert_eq!(state["status"], "submitted");

    // A step decided on a status that moved on is refused.
    let (status, body) = decide(server, plan, &coach, "submit", "draft", "").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("status_changed"))
    );
    // A leader of another school cannot even see the plan.
    let (status, body) = decide(server, plan, &oak_leader, "return", "submitted", "No").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("plan_not_found"))
    );

    // Returning needs a comment.
    let (status, body) = decide(server, plan, &leader, "return", "submitted", "   ").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("comment_required"))
    );
    let comment = "Add a progress monitoring measure to the second goal.";
    let (status, state) = decide(server, plan, &leader, "return", "submitted", comment).await;
    assert_eq!(status, StatusCode::OK, "{state}");
    assert_eq!(state["status"], "returned");

    // The team sees the comment, who returned the plan and when.
    let state = get(server, &review_uri(plan), &coach).await;
    let returned = &state["decisions"][1];
    assert_eq!(returned["action"], "return");
    assert_eq!(returned["comment"], comment);
    assert_eq!(returned["by"]["name"], leader.person.name);
    assert!(returned["at"]
        .as_str()
        .is_some_and(|at| at.starts_with("20")));
    assert_eq!(state["allowed"], json!(["submit"]));

    let (status, _) = decide(server, plan, &coach, "submit", "returned", "").await;
    assert_eq!(status, StatusCode::OK);
    let (status, state) =
        decide(server, plan, &leader, "approve", "submitted", "Looks good.").await;
    assert_eq!(status, StatusCode::OK, "{state}");
    assert_eq!(state["status"], "approved");
    assert_eq!(state["allowed"], json!(["activate"]));
    assert_eq!(state["changes_since_approval"]["changes"], json!([]));

    let view = get(server, "/api/dashboard?status=approved", &server.admin).await;
    assert_eq!(view["plans"][0]["id"], plan.to_string());

    // A malformed request names the fix.
    let (status, body) = call(
        server,
        "POST",
        &review_uri(plan),
        &leader,
        Some(json!({ "action": "bless" })),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

async fn edits_after_approval_show_as_changes_since_approval(backend: Backend) {
    let Some((district, _database)) = district(backend).await else {
        return;
    };
    let server = &district.server;
    let accounts = &server.state.accounts;
    let plan = district.lincoln_plan;
    let coach = create_person(
        accounts,
        server.admin.person.district_id,
        Role::Coach,
        &[district.lincoln],
    )
    .await;

    let mut team = SyncClient::connect(server.addr, &coach.cookie).await;
    team.open(plan, PlanDocument::create()).await;
    team.edit(plan, |plan| {
        plan.set_title("Lincoln reading").expect("title")
    })
    .await;
    team.wait_saved(plan).await;

    decide(server, plan, &coach, "submit", "draft", "").await;
    let (status, _) = decide(server, plan, &server.admin, "approve", "submitted", "").await;
    assert_eq!(status, StatusCode::OK);

    team.edit(plan, |plan| {
        plan.set_title("Lincoln reading and writing")
            .expect("title")
    })
    .await;
    team.wait_saved(plan).await;

    let state = get(server, &review_uri(plan), &server.admin).await;
    let since = &state["changes_since_approval"];
    assert_eq!(since["approved"]["by"]["name"], server.admin.person.name);
    assert_eq!(since["editors"], json!([coach.person.name]));
    let lines = since["changes"].as_array().expect("a list of changes");
    assert!(
        lines.iter().any(|line| line["description"]
            .as_str()
            .is_some_and(|text| text.contains("Lincoln reading and writing"))),
        "the title change is listed: {since}"
    );
}

async fn index_rows_of_an_older_version_are_recomputed(backend: Backend) {
    let Some((district, _database)) = district(backend).await else {
        return;
    };
    fill_plans(&district).await;
    let server = &district.server;
    sqlx::query("UPDATE plan_index SET metrics = NULL, metrics_version = 0")
        .execute(server.pool())
        .await
        .expect("the rows are reset");

    let before = get(server, "/api/dashboard", &server.admin).await;
    assert_eq!(
        before["totals"]["goals"]["not_enough_data"]
            .as_u64()
            .unwrap_or(0)
            + before["totals"]["goals"]["on_track"].as_u64().unwrap_or(0)
            + before["totals"]["goals"]["at_risk"].as_u64().unwrap_or(0)
            + before["totals"]["goals"]["off_track"].as_u64().unwrap_or(0),
        0
    );

    let refreshed = refresh_stale_index(server.state.storage.as_ref())
        .await
        .expect("the index is recomputed");
    assert_eq!(refreshed, 2);
    let after = get(server, "/api/dashboard", &server.admin).await;
    assert_eq!(after["totals"]["overdue_actions"], 1);
    assert_eq!(after["budget"][0]["amount"], "1200");

    let again = refresh_stale_index(server.state.storage.as_ref())
        .await
        .expect("the index is read");
    assert_eq!(again, 0, "current rows are left alone");
}
