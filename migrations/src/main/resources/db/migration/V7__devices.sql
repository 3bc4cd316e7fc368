-- Device identity (issue 8): the scanners of each site with their Ed25519 public keys, and the
-- one-time enrollment codes a site's organisation creates for them. A code is kept only as the
-- SHA-256 of its normalised text. The device and its signature of a step are in the event's
-- canonical bytes (docs/formats.md, Device signatures), so the event table is unchanged.

CREATE TABLE enrollment_code (
    request_id      uuid        PRIMARY KEY,
    site            text        NOT NULL REFERENCES site (name),
    code_hash       bytea       NOT NULL UNIQUE CHECK (length(code_hash) = 32),
    create_time     timestamptz NOT NULL,
    expire_time     timestamptz NOT NULL CHECK (expire_time > create_time),
    use_time        timestamptz,
    used_by         text,
    CHECK ((use_time IS NULL) = (used_by IS NULL))
);

CREATE TABLE device (
    site            text        NOT NULL REFERENCES site (name),
    id              text        NOT NULL,
    name            text        GENERATED ALWAYS AS (site || '/devices/' || id) STORED UNIQUE,
    display_name    text        NOT NULL,
    public_key      bytea       NOT NULL UNIQUE CHECK (length(public_key) = 32),
    status          text        NOT NULL CHECK (status IN ('ACTIVE', 'RETIRED')),
    enrollment_code uuid        NOT NULL UNIQUE REFERENCES enrollment_code (request_id),
    create_time     timestamptz NOT NULL,
    retire_time     timestamptz,
    CHECK ((status = 'RETIRED') = (retire_time IS NOT NULL)),
    PRIMARY KEY (site, id)
);

ALTER TABLE enrollment_code ADD FOREIGN KEY (used_by) REFERENCES device (name);
