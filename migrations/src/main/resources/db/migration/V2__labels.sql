-- Signed QR labels: label-signing keys (private parts sealed), the deployment's root key that
-- signs trust lists, issued labels, the label scanned with each event, and anomalies.

CREATE TABLE label_key (
    key_id             bytea       PRIMARY KEY CHECK (length(key_id) = 4),
    organization_id    text        NOT NULL REFERENCES organization (id),
    public_key         bytea       NOT NULL UNIQUE CHECK (length(public_key) = 32),
    -- AES-256-GCM under the server's key-encryption key: 12-byte nonce || ciphertext || tag
    private_key_sealed bytea       NOT NULL,
    not_before         timestamptz NOT NULL,
    not_after          timestamptz NOT NULL CHECK (not_after > not_before),
    status             text        NOT NULL CHECK (status IN ('ACTIVE', 'RETIRED', 'REVOKED')),
    request_id         uuid        NOT NULL UNIQUE,
    create_time        timestamptz NOT NULL,
    status_time        timestamptz NOT NULL
);
-- new labels have exactly one key to be signed with
CREATE UNIQUE INDEX label_key_one_active ON label_key (organization_id) WHERE status = 'ACTIVE';

CREATE TABLE root_key (
    id                 integer     PRIMARY KEY CHECK (id = 1),
    key_id             bytea       NOT NULL CHECK (length(key_id) = 4),
    public_key         bytea       NOT NULL CHECK (length(public_key) = 32),
    private_key_sealed bytea       NOT NULL,
    create_time        timestamptz NOT NULL
);

CREATE SEQUENCE label_serial START WITH 1000001;

CREATE TABLE label (
    serial        bigint      PRIMARY KEY,
    unit_code     text        NOT NULL REFERENCES unit (code),
    key_id        bytea       NOT NULL REFERENCES label_key (key_id),
    issued_at     timestamptz NOT NULL,
    text          text        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('ACTIVE', 'REVOKED', 'SUPERSEDED')),
    superseded_by bigint      REFERENCES label (serial) DEFERRABLE INITIALLY DEFERRED,
    request_id    uuid        NOT NULL UNIQUE,
    status_time   timestamptz NOT NULL
);
CREATE INDEX label_unit_idx ON label (unit_code);
-- a unit carries one good label at a time; a new one supersedes it
CREATE UNIQUE INDEX label_one_active_per_unit ON label (unit_code) WHERE status = 'ACTIVE';

-- Bumped by every change a scanner must learn of (keys, withdrawn labels).
CREATE TABLE trust_list_version (
    id      integer PRIMARY KEY CHECK (id = 1),
    version bigint  NOT NULL
);
INSERT INTO trust_list_version (id, version) VALUES (1, 1);

ALTER TABLE event ADD COLUMN label_serial bigint;
CREATE INDEX event_label_serial_idx ON event (label_serial, event_time) WHERE label_serial IS NOT NULL;

CREATE TABLE unit_anomaly (
    id            bigserial   PRIMARY KEY,
    unit_code     text        NOT NULL REFERENCES unit (code),
    kind          text        NOT NULL,
    description   text        NOT NULL,
    events        text[]      NOT NULL,
    create_time   timestamptz NOT NULL,
    UNIQUE (unit_code, kind, events)
);
