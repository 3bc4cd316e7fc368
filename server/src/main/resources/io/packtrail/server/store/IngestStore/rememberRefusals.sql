-- The refusals remembered under their event ids.
INSERT INTO refusal (event_id, unit_code, request_digest, refusal, create_time)
SELECT unnest(?::uuid[]), unnest(?::text[]), unnest(?::bytea[]), unnest(?::text[]),
       unnest(?::timestamptz[])
