-- One statement: append the batch's events, move its units, add the lineage links and material
-- lots of multi-unit steps, flag the anomalies found, remember the refusals, add the units' new
-- parties, and move the log head. Arrays are parallel, one element per row.
WITH appended AS (
    INSERT INTO event (event_id, unit_code, sequence, log_index, type, event_time, record_time,
                       actor_organization, actor_site, canonical, previous_hash, hash,
                       request_digest, label_serial, submitter_kind, submitter,
                       submitter_certificate_serial)
    SELECT * FROM unnest(?::uuid[], ?::text[], ?::bigint[], ?::bigint[], ?::text[],
                         ?::timestamptz[], ?::timestamptz[], ?::text[], ?::text[], ?::bytea[],
                         ?::bytea[], ?::bytea[], ?::bytea[], ?::bigint[], ?::text[], ?::text[],
                         ?::text[])
),
moved AS (
    UPDATE unit u
    SET state = c.state,
        custodian = c.custodian,
        custodian_site = c.custodian_site,
        vin = c.vin,
        shipment_destination = c.shipment_destination,
        shipment_waybill = c.shipment_waybill,
        soh_certified_energy_pct = c.soh_certified_energy_pct,
        soh_capacity_fade_pct = c.soh_capacity_fade_pct,
        soh_remaining_capacity_ah = c.soh_remaining_capacity_ah,
        soh_remaining_energy_kwh = c.soh_remaining_energy_kwh,
        soh_power_fade_pct = c.soh_power_fade_pct,
        soh_resistance_increase_pct = c.soh_resistance_increase_pct,
        soh_full_cycles = c.soh_full_cycles,
        grade = c.grade,
        event_count = c.event_count,
        head_hash = c.head_hash,
        update_time = c.update_time,
        last_event_time = c.last_event_time,
        eu_status = c.eu_status
    FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::float8[],
                ?::bigint[], ?::text[], ?::bigint[], ?::bytea[], ?::timestamptz[], ?::timestamptz[],
                ?::text[])
        AS c(code, state, custodian, custodian_site, vin, shipment_destination, shipment_waybill,
             soh_certified_energy_pct, soh_capacity_fade_pct, soh_remaining_capacity_ah,
             soh_remaining_energy_kwh, soh_power_fade_pct, soh_resistance_increase_pct,
             soh_full_cycles, grade, event_count, head_hash, update_time, last_event_time,
             eu_status)
    WHERE u.code = c.code
),
linked AS (
    INSERT INTO unit_link (kind, from_code, to_code, event_id, valid_from)
    SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::uuid[], ?::timestamptz[])
),
lots AS (
    INSERT INTO material_lot (id, product, mass_kg, li_kg, ni_kg, co_kg, mn_kg, cu_kg, al_kg,
                              plant_site, organization, event_id, event_time, create_time)
    SELECT * FROM unnest(?::text[], ?::text[], ?::float8[], ?::float8[], ?::float8[],
                         ?::float8[], ?::float8[], ?::float8[], ?::float8[], ?::text[],
                         ?::text[], ?::uuid[], ?::timestamptz[], ?::timestamptz[])
),
feeds AS (
    INSERT INTO recycling_feed (event_id, li_kg, ni_kg, co_kg, mn_kg, cu_kg, al_kg)
    SELECT * FROM unnest(?::uuid[], ?::float8[], ?::float8[], ?::float8[], ?::float8[],
                         ?::float8[], ?::float8[])
),
lot_inputs AS (
    INSERT INTO material_lot_input (lot_id, unit_code)
    SELECT * FROM unnest(?::text[], ?::text[])
),
flagged AS (
    INSERT INTO unit_anomaly (unit_code, kind, description, events, create_time)
    SELECT a.unit_code, a.kind, a.description, string_to_array(a.events, ' '), a.create_time
    FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])
        AS a(unit_code, kind, description, events, create_time)
    ON CONFLICT (unit_code, kind, events) DO NOTHING
),
refused AS (
    INSERT INTO refusal (event_id, unit_code, request_digest, refusal, create_time)
    SELECT * FROM unnest(?::uuid[], ?::text[], ?::bytea[], ?::text[], ?::timestamptz[])
),
parties AS (
    INSERT INTO unit_party (organization, unit_code)
    SELECT * FROM unnest(?::text[], ?::text[])
    ON CONFLICT DO NOTHING
)
UPDATE log_head SET next_index = ? WHERE id = 1
