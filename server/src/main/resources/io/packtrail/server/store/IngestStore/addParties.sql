-- The units' new parties; an organisation already a party of the unit stays as it is.
INSERT INTO unit_party (organization, unit_code)
SELECT unnest(?::text[]), unnest(?::text[])
ON CONFLICT DO NOTHING
