-- The material lots of recycling steps.
INSERT INTO material_lot (id, product, mass_kg, li_kg, ni_kg, co_kg, mn_kg, cu_kg, al_kg,
                          plant_site, organization, event_id, event_time, create_time)
SELECT unnest(?::text[]), unnest(?::text[]), unnest(?::float8[]), unnest(?::float8[]),
       unnest(?::float8[]), unnest(?::float8[]), unnest(?::float8[]), unnest(?::float8[]),
       unnest(?::float8[]), unnest(?::text[]), unnest(?::text[]), unnest(?::uuid[]),
       unnest(?::timestamptz[]), unnest(?::timestamptz[])
