-- The custody core: organisations, sites, units and their append-only, hash-chained events.
-- Names (organizations/{o}, organizations/{o}/sites/{s}) are stored as the API spells them so a
-- row reads the same in SQL as on the wire.

CREATE TABLE organization (
    id                text        PRIMARY KEY,
    name              text        GENERATED ALWAYS AS ('organizations/' || id) STORED UNIQUE,
    display_name      text        NOT NULL,
    roles             text[]      NOT NULL CHECK (cardinality(roles) > 0),
    region_code       text        NOT NULL CHECK (region_code ~ '^[0-9]{6}$'),
    manufacturer_code text        CHECK (manufacturer_code ~ '^[A-Z0-9]{3}$'),
    create_time       timestamptz NOT NULL
);

CREATE TABLE site (
    organization_id text        NOT NULL REFERENCES organization (id),
    id              text        NOT NULL,
    name            text        GENERATED ALWAYS AS
                        ('organizations/' || organization_id || '/sites/' || id) STORED UNIQUE,
    display_name    text        NOT NULL,
    kind            text        NOT NULL,
    region_code     text        NOT NULL CHECK (region_code ~ '^[0-9]{6}$'),
    address         text        NOT NULL DEFAULT '',
    latitude        double precision NOT NULL DEFAULT 0,
    longitude       double precision NOT NULL DEFAULT 0,
    create_time     timestamptz NOT NULL,
    PRIMARY KEY (organization_id, id)
);

CREATE TABLE unit (
    code                      text        PRIMARY KEY,
    level                     text        NOT NULL,
    chemistry                 text        NOT NULL,
    rated_energy_kwh          double precision NOT NULL,
    rated_capacity_ah         double precision NOT NULL,
    nominal_voltage_v         double precision NOT NULL,
    mass_kg                   double precision NOT NULL,
    maker                     text        NOT NULL REFERENCES organization (name),
    production_date           date,
    repurposed_code_variant   boolean     NOT NULL DEFAULT false,
    state                     text        NOT NULL,
    custodian                 text,
    custodian_site            text,
    vin                       text,
    shipment_destination      text,
    shipment_waybill          text,
    soh_certified_energy_pct  double precision,
    soh_capacity_fade_pct     double precision,
    soh_remaining_capacity_ah double precision,
    soh_remaining_energy_kwh  double precision,
    soh_power_fade_pct        double precision,
    soh_resistance_increase_pct double precision,
    soh_full_cycles           bigint,
    grade                     text,
    event_count               bigint      NOT NULL CHECK (event_count >= 1),
    head_hash                 bytea       NOT NULL CHECK (length(head_hash) = 32),
    create_time               timestamptz NOT NULL,
    update_time               timestamptz NOT NULL
);
CREATE INDEX unit_state_idx ON unit (state, code);
CREATE INDEX unit_custodian_idx ON unit (custodian, code);
CREATE INDEX unit_level_chemistry_idx ON unit (level, chemistry, code);

-- Events: never updated, never deleted (triggers below). sequence runs 1..n per unit without
-- gaps; log_index 0..n over the whole deployment, assigned under the log_head lock.
CREATE TABLE event (
    event_id           uuid        PRIMARY KEY,
    unit_code          text        NOT NULL REFERENCES unit (code),
    sequence           bigint      NOT NULL CHECK (sequence >= 1),
    log_index          bigint      NOT NULL UNIQUE CHECK (log_index >= 0),
    type               text        NOT NULL,
    event_time         timestamptz NOT NULL,
    record_time        timestamptz NOT NULL,
    actor_organization text        NOT NULL,
    actor_site         text        NOT NULL,
    canonical          bytea       NOT NULL,
    previous_hash      bytea       NOT NULL CHECK (length(previous_hash) = 32),
    hash               bytea       NOT NULL CHECK (length(hash) = 32),
    request_digest     bytea       NOT NULL CHECK (length(request_digest) = 32),
    UNIQUE (unit_code, sequence)
);

CREATE FUNCTION refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'event is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER event_append_only
    BEFORE UPDATE OR DELETE ON event
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();

CREATE TRIGGER event_no_truncate
    BEFORE TRUNCATE ON event
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();

-- The head of the deployment-wide log. Every ingest batch locks this row, which orders batches
-- across server instances and keeps log_index gap-free and committed in order.
CREATE TABLE log_head (
    id         integer PRIMARY KEY CHECK (id = 1),
    next_index bigint  NOT NULL CHECK (next_index >= 0)
);
INSERT INTO log_head (id, next_index) VALUES (1, 0);
