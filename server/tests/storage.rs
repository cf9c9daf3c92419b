//! The storage layer on both backends, without a server: the schemas
//! match, rows after a `seq` read back, and a compaction never deletes
//! changes that another server process's snapshot holds.

#[path = "support/client.rs"]
mod client;
#[path = "support/server.rs"]
mod server;

use automerge::Change;
use cairn_plan::PlanDocument;
use cairn_server::storage::{Backend, NewChange, SqlStorage, Storage};
use cairn_sync::DocumentId;

use server::TestDatabase;

on_both_backends!(
    rows_after_a_seq_read_back_in_order,
    compaction_behind_a_newer_one_is_skipped,
);

/// Builds a plan with `edits` title changes, and its changes as rows to
/// append.
fn plan_with_edits(edits: usize) -> (PlanDocument, Vec<NewChange>) {
    let mut plan = PlanDocument::create();
    for edit in 0..edits {
        plan.set_title(&format!("Title {edit}")).expect("title set");
    }
    let changes = plan
        .automerge()
        .get_changes(&[])
        .into_iter()
        .map(|change| NewChange::from(&change))
        .collect();
    (plan, changes)
}

async fn open(backend: Backend) -> Option<(SqlStorage, TestDatabase)> {
    let database = TestDatabase::create(backend).await?;
    let storage = database.open().await;
    Some((storage, database))
}

/// Reads the table and column names of the migrated database, sorted, without
/// sqlx's own table and PostgreSQL's stand-in for SQLite's row id.
async fn columns(storage: &SqlStorage) -> Vec<(String, String)> {
    let query = match storage.pool().backend() {
        Backend::Sqlite => {
            "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
             AND m.name NOT LIKE '_sqlx%' ORDER BY 1, 2"
        }
        Backend::Postgres => {
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%' \
             AND column_name <> 'rowid' ORDER BY 1, 2"
        }
    };
    sqlx::query_as(query)
        .fetch_all(storage.pool().sqlx())
        .await
        .expect("the schema can be read")
}

#[tokio::test]
async fn schemas_of_both_backends_match() {
    let Some((postgres, _postgres_database)) = open(Backend::Postgres).await else {
        return;
    };
    let (sqlite, _sqlite_database) = open(Backend::Sqlite).await.expect("SQLite needs no setup");

    let sqlite_columns = columns(&sqlite).await;
    let postgres_columns = columns(&postgres).await;

    assert!(sqlite_columns.len() > 40, "too few columns read");
    assert_eq!(sqlite_columns, postgres_columns);
}

async fn rows_after_a_seq_read_back_in_order(backend: Backend) {
    let Some((storage, _database)) = open(backend).await else {
        return;
    };
    let id = DocumentId::new_random();
    let (plan, changes) = plan_with_edits(4);
    let summary = plan.snapshot().summary();

    let first = storage
        .append_changes(id, &changes[..2], &summary)
        .await
        .expect("the first changes are stored");
    let second = storage
        .append_changes(id, &changes, &summary)
        .await
        .expect("the rest are stored");
    let tail = storage
        .changes_after(id, first.last_seq)
        .await
        .expect("the rows can be read")
        .expect("the document is stored");

    assert_eq!(first.last_seq, 2);
    assert_eq!(
        second.last_seq,
        i64::try_from(changes.len()).ok().unwrap_or(0)
    );
    assert_eq!(tail.last_seq, second.last_seq);
    assert!(tail.is_complete(first.last_seq));
    let hashes: Vec<String> = tail.changes.iter().map(|row| row.hash.clone()).collect();
    let expected: Vec<String> = changes[2..]
        .iter()
        .map(|change| change.hash.to_string())
        .collect();
    assert_eq!(hashes, expected);
    assert!(storage
        .changes_after(DocumentId::new_random(), 0)
        .await
        .expect("an unknown document can be asked for")
        .is_none());
}

async fn compaction_behind_a_newer_one_is_skipped(backend: Backend) {
    let Some((storage, _database)) = open(backend).await else {
        return;
    };
    let id = DocumentId::new_random();
    let (plan, changes) = plan_with_edits(3);
    let summary = plan.snapshot().summary();
    let stored = storage
        .append_changes(id, &changes, &summary)
        .await
        .expect("the changes are stored");

    // One process compacts every row; another, which has read only the
    // first row, compacts after it with a snapshot of that row alone.
    storage
        .compact(id, &plan.save(), stored.last_seq)
        .await
        .expect("the full compaction succeeds");
    let mut behind = automerge::Automerge::new();
    let first_change = Change::from_bytes(changes[0].bytes.clone()).expect("the change parses");
    behind
        .apply_changes([first_change])
        .expect("the first change applies");
    storage
        .compact(id, &behind.save(), 1)
        .await
        .expect("the late compaction returns");

    let loaded = storage
        .load_document(id)
        .await
        .expect("the document loads")
        .expect("the document is stored");
    assert_eq!(loaded.last_seq, stored.last_seq);
    let document = loaded
        .into_automerge()
        .expect("the stored document is whole");
    assert_eq!(PlanDocument::from_automerge(document).heads(), plan.heads());
    let tail = storage
        .changes_after(id, 1)
        .await
        .expect("the rows can be read")
        .expect("the document is stored");
    assert!(
        !tail.is_complete(1),
        "rows compacted by another process read as complete"
    );
}
