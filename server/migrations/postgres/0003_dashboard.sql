-- Dashboards and review, the PostgreSQL form of
-- migrations/sqlite/0003_dashboard.sql. See docs/dashboard.md and docs/review.md.

-- What dashboards show of each plan, as the JSON of
-- `cairn_plan::dashboard::PlanMetrics`, written in the same transaction as
-- the changes it reflects. `metrics_version` is the `METRICS_VERSION` the
-- row was computed under; the server recomputes older rows when it starts.
ALTER TABLE plan_index ADD COLUMN metrics TEXT;
ALTER TABLE plan_index ADD COLUMN metrics_version BIGINT NOT NULL DEFAULT 0;

-- The review status is the server's record, not the document's field: only
-- the people the review rules allow can move it. Plans recorded before
-- review existed keep the status their document had.
ALTER TABLE plans ADD COLUMN review_status TEXT NOT NULL DEFAULT 'draft';

UPDATE plans SET review_status = COALESCE(
    (SELECT status FROM plan_index WHERE plan_index.document_id = plans.document_id),
    'draft'
);

-- Every step of a plan's review: who took which action, when, with what
-- comment. `heads` is the JSON array of the document's heads (lowercase
-- hex) when the step was taken, so the plan as approved can be rebuilt.
-- `rowid` stands in for SQLite's implicit row id, which orders the steps
-- taken in the same millisecond.
CREATE TABLE plan_decisions (
    rowid BIGINT GENERATED ALWAYS AS IDENTITY,
    document_id TEXT NOT NULL REFERENCES plans (document_id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    person_id TEXT REFERENCES people (id),
    comment TEXT NOT NULL,
    heads TEXT NOT NULL,
    decided_at BIGINT NOT NULL
);

CREATE INDEX plan_decisions_by_plan ON plan_decisions (document_id, decided_at);
