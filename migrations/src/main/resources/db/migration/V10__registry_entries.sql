-- Registry entries of the verifiable log (issue 9): each change a verifier needs to judge events
-- (organisations, sites, label keys and their revocation, withdrawn labels, devices enrolled and
-- retired) is a leaf of the log, in the one gap-free log_index sequence shared with events and
-- assigned under the log_head lock in the change's own transaction. canonical_bytes is the leaf
-- data (docs/formats.md, Registry entries). The table is the one the log's integrator reads
-- (issue 9 design, point 3); IF NOT EXISTS because the log server's migration may create it
-- first.

CREATE TABLE IF NOT EXISTS registry_entry (
    log_index       bigint      PRIMARY KEY,
    entry_type      text        NOT NULL,
    subject         text        NOT NULL,
    canonical_bytes bytea       NOT NULL,
    record_time     timestamptz NOT NULL
);

-- the entries about one resource, for audit bundles
CREATE INDEX IF NOT EXISTS registry_entry_subject_idx ON registry_entry (subject, log_index);

-- append-only, like the events
DROP TRIGGER IF EXISTS registry_entry_append_only ON registry_entry;
CREATE TRIGGER registry_entry_append_only
    BEFORE UPDATE OR DELETE ON registry_entry
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();

DROP TRIGGER IF EXISTS registry_entry_no_truncate ON registry_entry;
CREATE TRIGGER registry_entry_no_truncate
    BEFORE TRUNCATE ON registry_entry
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();
