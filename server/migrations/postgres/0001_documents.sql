-- Plans as Automerge documents: the PostgreSQL form of
-- migrations/sqlite/0001_documents.sql, with the same tables and columns.
-- docs/storage.md describes the rules that keep them consistent.

-- One row per document. `snapshot` is the output of Automerge `save()` for
-- every change compacted so far, or NULL before the first compaction.
-- `last_seq` is the `seq` of the last change row ever appended, so `seq`
-- keeps counting up after compaction deletes rows. Timestamps are
-- milliseconds since the Unix epoch (UTC).
CREATE TABLE documents (
    id TEXT PRIMARY KEY NOT NULL,
    snapshot BYTEA,
    last_seq BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Changes appended as they arrive and not yet compacted into the snapshot.
-- `seq` counts up per document in arrival order: the appending transaction
-- holds the lock on the document's row while it numbers the new rows, so
-- two server processes never give out the same `seq`.
CREATE TABLE changes (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (document_id, seq),
    UNIQUE (document_id, hash)
);

-- The fields that lists and dashboards show, updated in the transaction
-- that appends the changes they reflect. `rowid` stands in for SQLite's
-- implicit row id, which the plan list uses to order rows with the same
-- `updated_at`.
CREATE TABLE plan_index (
    rowid BIGINT GENERATED ALWAYS AS IDENTITY,
    document_id TEXT PRIMARY KEY NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    district TEXT NOT NULL,
    school TEXT NOT NULL,
    school_year TEXT NOT NULL,
    focus_area TEXT NOT NULL,
    status TEXT NOT NULL,
    goal_count BIGINT NOT NULL,
    action_count BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX plan_index_by_updated_at ON plan_index (updated_at DESC);
