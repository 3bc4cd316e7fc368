-- Synthetic fleet for the anomaly scan's queries (docs/benchmarks.md, "Anomaly scan"): run on a
-- database migrated to V14 (psql -f each migration in order, then this file).
INSERT INTO organization (id, display_name, roles, region_code, create_time)
VALUES ('o1', 'O1', ARRAY['DEALER'], '620100', now());
INSERT INTO site (organization_id, id, display_name, kind, region_code, create_time)
VALUES ('o1', 's1', 'S1', 'COLLECTION_OUTLET', '620100', now());
-- 1M units: 80 % in vehicles, 20 % spread over the idle states; last step over three years
INSERT INTO unit (code, level, chemistry, rated_energy_kwh, rated_capacity_ah, nominal_voltage_v,
    mass_kg, maker, state, custodian, event_count, head_hash, create_time, update_time, last_event_time)
SELECT 'U' || lpad(i::text, 9, '0'), 'PACK', 'LFP', 50, 150, 350, 380, 'organizations/o1',
       CASE WHEN i % 10 < 8 THEN 'INSTALLED'
            ELSE (ARRAY['REGISTERED','REMOVED','COLLECTED','IN_TRANSIT','RECEIVED','GRADED'])[1 + i % 6] END,
       'organizations/o1', 1, decode(repeat('00', 32), 'hex'), now(), now(),
       now() - (i % 1095) * interval '1 day'
FROM generate_series(1, 1000000) i;
INSERT INTO event (event_id, unit_code, sequence, log_index, type, event_time, record_time,
    actor_organization, actor_site, canonical, previous_hash, hash, request_digest)
SELECT md5(i::text)::uuid, 'U' || lpad(i::text, 9, '0'), 1, i, 
       CASE WHEN i % 10 < 8 THEN 'sale' ELSE (ARRAY['registration','removal','collection','shipment','receipt','inspection'])[1 + i % 6] END,
       now() - (i % 1095) * interval '1 day', now(), 'organizations/o1', 'organizations/o1/sites/s1',
       '\x00', decode(repeat('00', 32), 'hex'), decode(repeat('00', 32), 'hex'), decode(repeat('00', 32), 'hex')
FROM generate_series(1, 1000000) i;
ANALYZE;
