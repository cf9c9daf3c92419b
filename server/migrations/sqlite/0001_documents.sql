-- Plans as Automerge documents. See docs/storage.md for the rules that keep
-- these tables consistent.

-- One row per document. `snapshot` is the output of Automerge `save()` for
-- every change compacted so far, or NULL before the first compaction.
-- `last_seq` is the `seq` of the last change row ever appended, so `seq`
-- keeps counting up after compaction deletes rows. Timestamps are
-- milliseconds since the Unix epoch (UTC).
CREATE TABLE documents (
    id TEXT PRIMARY KEY NOT NULL,
    snapshot BLOB,
    last_seq INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Changes appended as they arrive and not yet compacted into the snapshot.
-- `seq` counts up per document in arrival order, `hash` is the change hash
-- as lowercase hex and `bytes` the change's raw Automerge encoding.
CREATE TABLE changes (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    bytes BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (document_id, seq),
    UNIQUE (document_id, hash)
);

-- The fields that lists and dashboards show, updated in the transaction
-- that appends the changes they reflect.
CREATE TABLE plan_index (
    document_id TEXT PRIMARY KEY NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    district TEXT NOT NULL,
    school TEXT NOT NULL,
    school_year TEXT NOT NULL,
    focus_area TEXT NOT NULL,
    status TEXT NOT NULL,
    goal_count INTEGER NOT NULL,
    action_count INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE INDEX plan_index_by_updated_at ON plan_index (updated_at DESC);
