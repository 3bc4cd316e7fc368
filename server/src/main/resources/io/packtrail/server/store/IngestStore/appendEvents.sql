-- The batch's events. Each part of the batch's write is one data-modifying CTE of a single
-- statement (IngestStore#commit), sent only when the batch has rows for it; the arrays are
-- parallel, one element per row, unnested in the select list: unnest in FROM would copy each
-- array into a tuplestore of its own before the first row (a tenth of PostgreSQL's CPU per step).
INSERT INTO event (event_id, unit_code, sequence, log_index, type, event_time, record_time,
                   actor_organization, actor_site, canonical, previous_hash, hash,
                   request_digest, label_serial, submitter_kind, submitter,
                   submitter_certificate_serial)
SELECT unnest(?::uuid[]), unnest(?::text[]), unnest(?::bigint[]), unnest(?::bigint[]),
       unnest(?::text[]), unnest(?::timestamptz[]), unnest(?::timestamptz[]), unnest(?::text[]),
       unnest(?::text[]), unnest(?::bytea[]), unnest(?::bytea[]), unnest(?::bytea[]),
       unnest(?::bytea[]), unnest(?::bigint[]), unnest(?::text[]), unnest(?::text[]),
       unnest(?::text[])
