-- Anomalies (issue 11): what the background scan finds off the ingest path (shipments never
-- received, removals never collected, units that vanished, mass unaccounted for, recovery below
-- the targets) and the flags raised at ingest (unit_anomaly: TIME_ORDER,
-- LABEL_REVOKED_AFTER_SCAN, LABEL_SEEN_TOO_FAR_APART), listed together; acknowledgements with a
-- note. Nothing here is ever deleted.

-- One anomaly. id: the first 16 bytes of SHA-256 over the kind and the evidence (docs/formats.md
-- section 17), hex, so the same finding always has the same id and a re-scan adds nothing.
-- Only resolve_time and resolving_event change, once, when a later step resolves it.
CREATE TABLE anomaly (
    id                text        PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
    seq               bigserial   NOT NULL UNIQUE,
    kind              text        NOT NULL,
    description       text        NOT NULL,
    unit_code         text        REFERENCES unit (code),
    events            text[]      NOT NULL CHECK (cardinality(events) > 0),
    -- the rules a later step resolves: the sequence of the unit's evidence event
    evidence_sequence bigint,
    organizations     text[]      NOT NULL,
    region_codes      text[]      NOT NULL,
    occur_time        timestamptz NOT NULL,
    create_time       timestamptz NOT NULL,
    resolve_time      timestamptz,
    resolving_event   text,
    CHECK ((resolve_time IS NULL) = (resolving_event IS NULL))
);
CREATE INDEX anomaly_organizations_idx ON anomaly USING gin (organizations);
CREATE INDEX anomaly_unit_idx ON anomaly (unit_code, kind, evidence_sequence);
CREATE INDEX anomaly_kind_idx ON anomaly (kind, seq);
CREATE INDEX anomaly_unresolved_idx ON anomaly (seq)
    WHERE resolve_time IS NULL AND evidence_sequence IS NOT NULL;

CREATE FUNCTION anomaly_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (NEW.id, NEW.seq, NEW.kind, NEW.description, NEW.unit_code, NEW.events,
            NEW.evidence_sequence, NEW.organizations, NEW.region_codes, NEW.occur_time,
            NEW.create_time)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.seq, OLD.kind, OLD.description, OLD.unit_code, OLD.events,
            OLD.evidence_sequence, OLD.organizations, OLD.region_codes, OLD.occur_time,
            OLD.create_time)
       AND OLD.resolve_time IS NULL THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'an anomaly is kept as found: % refused (only its resolution is set, once)',
        TG_OP USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER anomaly_kept BEFORE UPDATE OR DELETE ON anomaly
    FOR EACH ROW EXECUTE FUNCTION anomaly_kept();
CREATE TRIGGER anomaly_no_truncate BEFORE TRUNCATE ON anomaly
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();

-- Acknowledgements: who, when, a note; idempotent on the client's request id; append-only.
CREATE TABLE anomaly_acknowledgement (
    request_id     uuid        PRIMARY KEY,
    anomaly_id     text        NOT NULL REFERENCES anomaly (id),
    principal_kind text        NOT NULL,
    principal      text,
    organization   text,
    note           text        NOT NULL CHECK (length(note) BETWEEN 1 AND 2000),
    create_time    timestamptz NOT NULL
);
CREATE INDEX anomaly_acknowledgement_anomaly_idx
    ON anomaly_acknowledgement (anomaly_id, create_time);
CREATE TRIGGER anomaly_acknowledgement_append_only
    BEFORE UPDATE OR DELETE ON anomaly_acknowledgement
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();
CREATE TRIGGER anomaly_acknowledgement_no_truncate BEFORE TRUNCATE ON anomaly_acknowledgement
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();

-- Where the scan has got to in each source it reads incrementally: 'steps', the log_index of
-- the last event whose dismantling or recycling was checked; 'flags', the unit_anomaly id below
-- which every flag has been taken over (both moved in the transaction that keeps what was
-- found); for each time rule, '{kind}:cutoff' the cutoff of its last scan (epoch milliseconds;
-- units idle since before it were looked at) and '{kind}:log' the last log_index it had seen
-- (units with a later step are looked at again), moved once the rule's scan is done.
CREATE TABLE anomaly_scan_progress (
    source   text   PRIMARY KEY,
    position bigint NOT NULL
);
INSERT INTO anomaly_scan_progress (source, position) VALUES ('steps', -1), ('flags', 0),
    ('SHIPMENT_NOT_RECEIVED:cutoff', -62135596800000), ('SHIPMENT_NOT_RECEIVED:log', -1),
    ('REMOVAL_NOT_COLLECTED:cutoff', -62135596800000), ('REMOVAL_NOT_COLLECTED:log', -1),
    ('UNIT_VANISHED:cutoff', -62135596800000), ('UNIT_VANISHED:log', -1);

-- The time rules read the units idle in a state of the reverse chain by the time of their last
-- step; units in use (in a vehicle, in second-life service) and finished ones are not indexed.
CREATE INDEX unit_idle_idx ON unit (state, last_event_time)
    WHERE state IN ('REGISTERED', 'REMOVED', 'COLLECTED', 'IN_TRANSIT', 'RECEIVED', 'GRADED');
