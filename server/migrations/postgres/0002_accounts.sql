-- Districts, schools, people, sessions, plan access and change authorship:
-- the PostgreSQL form of migrations/sqlite/0002_accounts.sql.
-- docs/accounts.md describes the rules these tables carry. Ids are UUIDs as
-- text; timestamps are milliseconds since the Unix epoch (UTC).

CREATE TABLE districts (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE schools (
    id TEXT PRIMARY KEY NOT NULL,
    district_id TEXT NOT NULL REFERENCES districts (id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (district_id, name)
);

-- One row per person. `email` is stored lowercased. `password_hash` is a
-- PHC string (Argon2id), NULL while the invitation is not accepted.
-- `removed_at` is set when the person is removed; the row stays so that
-- history still names who made old changes.
CREATE TABLE people (
    id TEXT PRIMARY KEY NOT NULL,
    district_id TEXT NOT NULL REFERENCES districts (id),
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT,
    invite_token_hash TEXT,
    created_at BIGINT NOT NULL,
    removed_at BIGINT
);

CREATE UNIQUE INDEX people_by_active_email ON people (email) WHERE removed_at IS NULL;
CREATE UNIQUE INDEX people_by_invite ON people (invite_token_hash) WHERE invite_token_hash IS NOT NULL;

-- The schools a school leader leads or a coach is assigned to.
CREATE TABLE person_schools (
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    school_id TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    PRIMARY KEY (person_id, school_id)
);

-- `token_hash` is the SHA-256 of the cookie's token, as lowercase hex.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX sessions_by_person ON sessions (person_id);

-- Which district and school a plan belongs to. A document without a row
-- here is readable by no one.
CREATE TABLE plans (
    document_id TEXT PRIMARY KEY NOT NULL,
    district_id TEXT NOT NULL REFERENCES districts (id),
    school_id TEXT REFERENCES schools (id),
    created_by TEXT REFERENCES people (id),
    created_at BIGINT NOT NULL
);

CREATE INDEX plans_by_district ON plans (district_id, school_id);

-- Plans shared with a person directly. `access` is `edit` or `view`.
CREATE TABLE plan_members (
    document_id TEXT NOT NULL REFERENCES plans (document_id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    access TEXT NOT NULL,
    PRIMARY KEY (document_id, person_id)
);

CREATE INDEX plan_members_by_person ON plan_members (person_id);

-- Each Automerge actor id belongs to the person who first sent a change
-- with it. `actor_id` is lowercase hex.
CREATE TABLE actors (
    actor_id TEXT PRIMARY KEY NOT NULL,
    person_id TEXT NOT NULL REFERENCES people (id),
    first_seen_at BIGINT NOT NULL
);

-- Who sent each stored change and when it arrived. Unlike `changes`, rows
-- here survive compaction, so the history of a plan stays complete.
-- `rowid` stands in for SQLite's implicit row id, which orders the changes
-- received in the same millisecond.
CREATE TABLE change_log (
    rowid BIGINT GENERATED ALWAYS AS IDENTITY,
    document_id TEXT NOT NULL,
    hash TEXT NOT NULL,
    person_id TEXT REFERENCES people (id),
    received_at BIGINT NOT NULL,
    PRIMARY KEY (document_id, hash)
);

CREATE INDEX change_log_by_time ON change_log (document_id, received_at);
