-- The anomalies found on the batch's events; one already flagged on the same events stays.
INSERT INTO unit_anomaly (unit_code, kind, description, events, create_time)
SELECT a.unit_code, a.kind, a.description, string_to_array(a.events, ' '), a.create_time
FROM (SELECT unnest(?::text[]) AS unit_code, unnest(?::text[]) AS kind,
             unnest(?::text[]) AS description, unnest(?::text[]) AS events,
             unnest(?::timestamptz[]) AS create_time) AS a
ON CONFLICT (unit_code, kind, events) DO NOTHING
