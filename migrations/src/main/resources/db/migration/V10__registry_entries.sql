-- Registry entries of the verifiable log (issue 9): each change a verifier needs to judge events
-- (organisations, sites, label keys and their revocation, withdrawn labels, devices enrolled and
-- retired) is a leaf of the log, in the one gap-free log_index sequence shared with events and
-- assigned under the log_head lock in the change's own transaction. canonical_bytes is the leaf
-- data (docs/formats.md, Registry entries). The table, append-only, is V9's.

-- the entries about one resource, for audit bundles
CREATE INDEX registry_entry_subject_idx ON registry_entry (subject, log_index);
