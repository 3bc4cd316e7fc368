-- The packs a lot's inputs came from, at any depth (the inputs themselves included): up the
-- dismantled-into and assembled-into links; replaced-by is not material flow. The look-up of
-- each reached unit is a LATERAL ... LIMIT 1 so the planner, which cannot estimate the walk,
-- probes the primary key per unit instead of hashing the whole unit table.
WITH RECURSIVE walk (code) AS (
    SELECT unit_code FROM material_lot_input WHERE lot_id = :lot
  UNION
    SELECT l.from_code
    FROM walk w
    JOIN unit_link l ON l.to_code = w.code AND l.kind <> 'REPLACED_BY'
)
SELECT u.code
FROM walk w
JOIN LATERAL (SELECT code, level FROM unit WHERE unit.code = w.code LIMIT 1) u ON true
WHERE u.level = 'PACK'
ORDER BY u.code
