//! A week of offline work merging over a real WebSocket: one client makes
//! thousands of changes while disconnected, another person keeps editing
//! the server's copy, and everything ends up stored and in sync.

#[path = "support/client.rs"]
mod client;
#[path = "support/server.rs"]
mod server;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use automerge::ChangeHash;
use cairn_plan::{
    Action, ActionKind, Collection, EntityId, Goal, Measurement, PlanDocument, RootCause,
};
use cairn_server::accounts::Role;
use chrono::NaiveDate;

use client::SyncClient;
use server::{create_person, database_path, TestServer};

/// The number of changes the offline client makes, one commit each.
const OFFLINE_CHANGES: usize = 5_000;

/// The number of changes the online client makes meanwhile.
const ONLINE_CHANGES: usize = 300;

/// How long the merge may take before the test fails. The merge of
/// 5,000 changes in an unoptimized test build takes seconds, so this only
/// catches a sync that never finishes.
const MERGE_LIMIT: Duration = Duration::from_secs(300);

const GOAL_STATEMENT: &str = "Reduce office referrals for playground conflicts";
const TITLE: &str = "Behavior plan";

/// Collects the hashes of the changes in `plan` that are not in the
/// history of `since`.
fn changes_since(plan: &PlanDocument, since: &[ChangeHash]) -> BTreeSet<ChangeHash> {
    plan.automerge()
        .get_changes(since)
        .iter()
        .map(|change| change.hash())
        .collect()
}

fn day(offset: usize) -> NaiveDate {
    let start = NaiveDate::from_ymd_opt(2026, 9, 1).expect("a valid date");
    start + chrono::Days::new(u64::try_from(offset % 270).expect("a small offset"))
}

/// What the offline client did, for checking the merged plan.
#[derive(Default)]
struct OfflineWork {
    measurements: Vec<EntityId>,
    kept_actions: Vec<EntityId>,
    removed_actions: Vec<EntityId>,
    last_statement_suffix: String,
    last_title_suffix: String,
}

/// Makes `count` edits through the plan model, each its own commit:
/// measurements, text edits at the end of the goal statement and the
/// title, actions added, and every other added action removed again.
fn work_offline(plan: &mut PlanDocument, goal: &mut Goal, count: usize) -> OfflineWork {
    let mut work = OfflineWork::default();
    let mut last_added: Option<Action> = None;

    for step in 0..count {
        match step % 5 {
            0 => {
                let measurement = Measurement::new(goal.id.clone(), day(step), (step % 40) as f64);
                let id = plan
                    .insert_measurement(&measurement, work.measurements.last())
                    .expect("measurement inserted");
                work.measurements.push(id);
            }
            1 => {
                work.last_statement_suffix = format!(" (checked {step})");
                let base_end = goal
                    .statement
                    .find(" (checked")
                    .unwrap_or(goal.statement.len());
                goal.statement = format!(
                    "{}{}",
                    &goal.statement[..base_end],
                    work.last_statement_suffix
                );
                plan.update_goal(goal).expect("goal updated");
            }
            2 => {
                let mut action = Action::new(ActionKind::Primary, format!("Offline action {step}"));
                action.goal_ids = vec![goal.id.clone()];
                plan.insert_action(&action, None).expect("action inserted");
                last_added = Some(action);
            }
            3 => {
                let mut action = last_added
                    .take()
                    .expect("an action was added one step earlier");
                if step % 2 == 0 {
                    plan.remove(Collection::Actions, &action.id)
                        .expect("action removed");
                    work.removed_actions.push(action.id);
                } else {
                    action.notes = format!("Reviewed at step {step}");
                    plan.update_action(&action).expect("action updated");
                    work.kept_actions.push(action.id);
                }
            }
            _ => {
                work.last_title_suffix = format!(" v{step}");
                let title = format!("{TITLE}{}", work.last_title_suffix);
                plan.set_title(&title).expect("title set");
            }
        }
    }
    work
}

#[tokio::test]
async fn week_offline_merges_completely() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let server = TestServer::start_on(database_path(&folder)).await;
    let doc = server.new_plan().await;
    let colleague = create_person(
        &server.state.accounts,
        server.admin.person.district_id,
        Role::DistrictAdmin,
        &[],
    )
    .await;

    // The coach creates the plan and syncs it.
    let mut plan = PlanDocument::create();
    plan.set_title(TITLE).expect("title set");
    let mut goal = Goal::new(GOAL_STATEMENT);
    plan.insert_goal(&goal, None).expect("goal inserted");
    let mut coach = server.client().await;
    coach.open(doc, plan).await;
    coach.wait_saved(doc).await;

    // The colleague adds a root cause, which the coach receives before
    // going offline, so the coach's copy contains another person's change.
    let mut online = SyncClient::connect(server.addr, &colleague.cookie).await;
    online.open(doc, PlanDocument::empty()).await;
    let created_heads = coach.replica(doc).heads();
    online
        .run_until("the colleague to receive the plan", |online| {
            online.replica(doc).heads() == created_heads
        })
        .await;
    let root_cause = RootCause::new("Unstructured recess time");
    online
        .edit(doc, |plan| {
            plan.insert_root_cause(&root_cause, None)
                .expect("root cause inserted");
        })
        .await;
    online.wait_saved(doc).await;
    let base_heads = online.replica(doc).heads();
    coach
        .run_until("the coach to receive the root cause", |coach| {
            coach.replica(doc).heads() == base_heads
        })
        .await;
    let acked_before = coach.acked_heads(doc);
    assert!(
        coach
            .replica(doc)
            .automerge()
            .get_changes(&acked_before)
            .is_empty(),
        "the coach's copy is not fully acknowledged before going offline"
    );
    let mut offline = coach.take_replica(doc);
    drop(coach);

    // The colleague stays online, prefixing the same title and statement
    // the coach edits at the end, and adding measurements.
    let mut online_measurements = Vec::new();
    let mut online_goal = goal.clone();
    for step in 0..ONLINE_CHANGES {
        match step % 3 {
            0 => {
                let measurement =
                    Measurement::new(goal.id.clone(), day(step + 3), (step % 25) as f64);
                online_measurements.push(measurement.id.clone());
                online
                    .edit(doc, |plan| {
                        plan.insert_measurement(&measurement, None)
                            .expect("measurement inserted");
                    })
                    .await;
            }
            1 => {
                let title = format!("Rev {step}: {TITLE}");
                online
                    .edit(doc, |plan| plan.set_title(&title).expect("title set"))
                    .await;
            }
            _ => {
                online_goal.statement = format!("Rev {step}: {GOAL_STATEMENT}");
                online
                    .edit(doc, |plan| {
                        plan.update_goal(&online_goal).expect("goal updated")
                    })
                    .await;
            }
        }
    }
    online.wait_saved(doc).await;
    let online_changes = changes_since(online.replica(doc), &base_heads);
    assert_eq!(online_changes.len(), ONLINE_CHANGES);

    // Meanwhile the coach works offline for a week.
    let work = work_offline(&mut offline, &mut goal, OFFLINE_CHANGES);
    let offline_changes = changes_since(&offline, &acked_before);
    assert_eq!(offline_changes.len(), OFFLINE_CHANGES);

    // The coach reconnects.
    let started = Instant::now();
    let mut coach = server.client().await;
    coach.restore_acked_heads(doc, acked_before.clone());
    coach.open(doc, offline).await;
    coach
        .run_until_within(
            "the coach's offline work to be saved",
            MERGE_LIMIT,
            |coach| {
                coach.is_saved(doc)
                    && online_changes.iter().all(|hash| {
                        coach
                            .replica(doc)
                            .automerge()
                            .get_change_meta_by_hash(hash)
                            .is_some()
                    })
            },
        )
        .await;
    let merge_time = started.elapsed();
    let coach_heads = coach.replica(doc).heads();
    online
        .run_until_within(
            "the colleague to receive the offline work",
            MERGE_LIMIT,
            |online| online.replica(doc).heads() == coach_heads,
        )
        .await;
    let traffic = coach.traffic();
    eprintln!(
        "merged {OFFLINE_CHANGES} offline and {ONLINE_CHANGES} online changes in {merge_time:?}: \
         the coach sent {} frames ({} bytes) and received {} frames ({} bytes); \
         the largest frame was {} bytes",
        traffic.sent_frames,
        traffic.sent_bytes,
        traffic.received_frames,
        traffic.received_bytes,
        traffic.max_frame_bytes,
    );

    let acked = coach.acked_heads(doc);
    let coach_plan = coach.replica(doc).snapshot();
    assert!(
        coach.errors().is_empty(),
        "the server sent errors: {:?}",
        coach.errors()
    );
    assert!(
        online.errors().is_empty(),
        "the server sent errors: {:?}",
        online.errors()
    );
    assert!(
        coach
            .replica(doc)
            .automerge()
            .get_changes(&acked)
            .is_empty(),
        "the coach's acknowledged heads do not cover every change"
    );
    drop(coach);
    drop(online);
    server.stop().await;

    // The stored copy, reloaded from the database after a restart.
    let restarted = TestServer::start_on(database_path(&folder)).await;
    let stored = restarted
        .state
        .hub
        .read(doc)
        .await
        .expect("the document loads")
        .expect("the document is stored");
    let stored = PlanDocument::from_automerge(stored);
    restarted.stop().await;

    assert_eq!(stored.heads(), coach_heads);
    let missing_offline = offline_changes
        .iter()
        .filter(|hash| stored.automerge().get_change_meta_by_hash(hash).is_none())
        .count();
    assert_eq!(missing_offline, 0, "offline changes missing from storage");
    let missing_online = online_changes
        .iter()
        .filter(|hash| stored.automerge().get_change_meta_by_hash(hash).is_none())
        .count();
    assert_eq!(missing_online, 0, "online changes missing from storage");

    let stored_plan = stored.snapshot();
    assert_eq!(stored_plan, coach_plan);
    assert_eq!(stored_plan.root_causes.len(), 1);
    let measurement_ids: BTreeSet<&EntityId> = stored_plan
        .measurements
        .iter()
        .map(|measurement| &measurement.id)
        .collect();
    assert_eq!(
        measurement_ids.len(),
        work.measurements.len() + online_measurements.len()
    );
    assert!(work
        .measurements
        .iter()
        .all(|id| measurement_ids.contains(id)));
    assert!(online_measurements
        .iter()
        .all(|id| measurement_ids.contains(id)));
    let action_ids: BTreeSet<&EntityId> = stored_plan
        .actions
        .iter()
        .map(|action| &action.id)
        .collect();
    assert_eq!(action_ids.len(), work.kept_actions.len());
    assert!(work.kept_actions.iter().all(|id| action_ids.contains(id)));
    assert!(!work
        .removed_actions
        .iter()
        .any(|id| action_ids.contains(id)));

    // Both sides edited the same text fields, the colleague at the start
    // and the coach at the end, so the merge keeps both edits.
    let last_title_rev = (0..ONLINE_CHANGES).filter(|step| step % 3 == 1).last();
    let last_statement_rev = (0..ONLINE_CHANGES).filter(|step| step % 3 == 2).last();
    assert_eq!(
        stored_plan.title,
        format!(
            "Rev {}: {TITLE}{}",
            last_title_rev.expect("the colleague edited the title"),
            work.last_title_suffix
        )
    );
    assert_eq!(
        stored_plan.goals[0].statement,
        format!(
            "Rev {}: {GOAL_STATEMENT}{}",
            last_statement_rev.expect("the colleague edited the statement"),
            work.last_statement_suffix
        )
    );
}
