-- Edges into a unit (:code) or a lot (:lot) from any depth: a lot's inputs first, then the
-- walk up dismantled-into and assembled-into links (replaced-by edges are listed but not
-- followed). depth: the far (from) end's distance from the start.
WITH RECURSIVE walk (code, depth) AS (
    SELECT * FROM (
        SELECT CAST(:code AS text) AS code, 0 AS depth WHERE CAST(:code AS text) IS NOT NULL
        UNION ALL
        SELECT unit_code, 1 FROM material_lot_input WHERE lot_id = :lot
    ) AS seed
  UNION
    SELECT l.from_code, w.depth + 1
    FROM walk w
    JOIN unit_link l ON l.to_code = w.code AND l.kind <> 'REPLACED_BY'
    WHERE :maxDepth = 0 OR w.depth + 1 < :maxDepth
),
reached AS (
    SELECT code, min(depth) AS depth FROM walk GROUP BY code
)
SELECT l.kind, l.from_code AS from_key, false AS from_lot, l.to_code AS to_key,
       false AS to_lot, e.unit_code AS event_unit, e.sequence AS event_sequence,
       r.depth + 1 AS depth
FROM reached r
JOIN unit_link l ON l.to_code = r.code
LEFT JOIN event e ON e.event_id = l.event_id
WHERE :maxDepth = 0 OR r.depth < :maxDepth
UNION ALL
SELECT 'RECYCLED_INTO', i.unit_code, false, i.lot_id, true, e.unit_code, e.sequence, 1
FROM material_lot_input i
JOIN material_lot m ON m.id = i.lot_id
LEFT JOIN event e ON e.event_id = m.event_id
WHERE i.lot_id = :lot
