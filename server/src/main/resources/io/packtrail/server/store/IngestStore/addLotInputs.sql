-- The input units of the material lots.
INSERT INTO material_lot_input (lot_id, unit_code)
SELECT unnest(?::text[]), unnest(?::text[])
