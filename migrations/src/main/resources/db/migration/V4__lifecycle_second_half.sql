-- The second half of a unit's life (issue 7): lineage links between units, material lots and
-- their inputs, a recycling or dismantling site's declared capacity. Links and lots are written
-- by the ingest batch in the same statement as the events that make them, and are, like events,
-- never updated or deleted: a correction is a new event.

ALTER TABLE site ADD COLUMN annual_capacity_tonnes double precision
    CHECK (annual_capacity_tonnes > 0);

-- One edge of the lineage graph: from_code became (part of) to_code. event_id is the event of
-- the step on the unit it was recorded against (its id is the client's step id); valid_from is
-- that step's event time.
CREATE TABLE unit_link (
    kind       text        NOT NULL
        CHECK (kind IN ('DISMANTLED_INTO', 'ASSEMBLED_INTO', 'REPLACED_BY')),
    from_code  text        NOT NULL REFERENCES unit (code),
    to_code    text        NOT NULL REFERENCES unit (code),
    event_id   uuid        NOT NULL,
    valid_from timestamptz NOT NULL,
    PRIMARY KEY (from_code, kind, to_code),
    CHECK (from_code <> to_code)
);
CREATE INDEX unit_link_to_idx ON unit_link (to_code, kind, from_code);
-- a unit is the child of at most one dismantling
CREATE UNIQUE INDEX unit_link_one_parent_idx ON unit_link (to_code)
    WHERE kind = 'DISMANTLED_INTO';

-- A lot of recovered material; its creation is the recycling step's events in the log.
CREATE TABLE material_lot (
    id                text        PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]{2,62}$'),
    product           text        NOT NULL,
    mass_kg           double precision NOT NULL CHECK (mass_kg > 0),
    li_kg             double precision NOT NULL CHECK (li_kg >= 0),
    ni_kg             double precision NOT NULL CHECK (ni_kg >= 0),
    co_kg             double precision NOT NULL CHECK (co_kg >= 0),
    mn_kg             double precision NOT NULL CHECK (mn_kg >= 0),
    cu_kg             double precision NOT NULL CHECK (cu_kg >= 0),
    al_kg             double precision NOT NULL CHECK (al_kg >= 0),
    plant_site        text        NOT NULL REFERENCES site (name),
    organization      text        NOT NULL REFERENCES organization (name),
    event_id          uuid        NOT NULL,
    event_time        timestamptz NOT NULL,
    create_time       timestamptz NOT NULL,
    CHECK (li_kg + ni_kg + co_kg + mn_kg + cu_kg + al_kg <= mass_kg * 1.000001)
);
CREATE INDEX material_lot_site_idx ON material_lot (plant_site, event_time);

-- The feed of a recycling step, once per step: the assayed element content of all its inputs.
CREATE TABLE recycling_feed (
    event_id uuid             PRIMARY KEY,
    li_kg    double precision NOT NULL,
    ni_kg    double precision NOT NULL,
    co_kg    double precision NOT NULL,
    mn_kg    double precision NOT NULL,
    cu_kg    double precision NOT NULL,
    al_kg    double precision NOT NULL
);

-- Which units went into which lot (every input of a recycling step into each of its lots).
CREATE TABLE material_lot_input (
    lot_id    text NOT NULL REFERENCES material_lot (id),
    unit_code text NOT NULL REFERENCES unit (code),
    PRIMARY KEY (lot_id, unit_code)
);
CREATE INDEX material_lot_input_unit_idx ON material_lot_input (unit_code, lot_id);

CREATE TRIGGER unit_link_append_only
    BEFORE UPDATE OR DELETE ON unit_link
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();
CREATE TRIGGER material_lot_append_only
    BEFORE UPDATE OR DELETE ON material_lot
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();
CREATE TRIGGER material_lot_input_append_only
    BEFORE UPDATE OR DELETE ON material_lot_input
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();
