-- The assayed feeds of recycling steps.
INSERT INTO recycling_feed (event_id, li_kg, ni_kg, co_kg, mn_kg, cu_kg, al_kg)
SELECT unnest(?::uuid[]), unnest(?::float8[]), unnest(?::float8[]), unnest(?::float8[]),
       unnest(?::float8[]), unnest(?::float8[]), unnest(?::float8[])
