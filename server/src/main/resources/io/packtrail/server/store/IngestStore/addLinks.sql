-- The lineage links of multi-unit steps.
INSERT INTO unit_link (kind, from_code, to_code, event_id, valid_from)
SELECT unnest(?::text[]), unnest(?::text[]), unnest(?::text[]), unnest(?::uuid[]),
       unnest(?::timestamptz[])
