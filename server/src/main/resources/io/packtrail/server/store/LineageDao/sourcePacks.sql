-- The packs a lot's inputs came from, at any depth (the inputs themselves included): up the
-- dismantled-into and assembled-into links; replaced-by is not material flow.
WITH RECURSIVE walk (code) AS (
    SELECT unit_code FROM material_lot_input WHERE lot_id = :lot
  UNION
    SELECT l.from_code
    FROM walk w
    JOIN unit_link l ON l.to_code = w.code AND l.kind <> 'REPLACED_BY'
)
SELECT u.code
FROM walk w
JOIN unit u ON u.code = w.code
WHERE u.level = 'PACK'
ORDER BY u.code
