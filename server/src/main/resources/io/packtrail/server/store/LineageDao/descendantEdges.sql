-- Edges out of a unit to any depth: the walk follows dismantled-into and assembled-into links
-- (replaced-by edges are listed but not followed), then lists every edge out of each reached
-- unit, including recycled-into edges to lots. depth: the far end's distance from the start.
WITH RECURSIVE walk (code, depth) AS (
    SELECT CAST(:code AS text), 0
  UNION
    SELECT l.to_code, w.depth + 1
    FROM walk w
    JOIN unit_link l ON l.from_code = w.code AND l.kind <> 'REPLACED_BY'
    WHERE :maxDepth = 0 OR w.depth + 1 < :maxDepth
),
reached AS (
    SELECT code, min(depth) AS depth FROM walk GROUP BY code
)
SELECT l.kind, l.from_code AS from_key, false AS from_lot, l.to_code AS to_key,
       false AS to_lot, e.unit_code AS event_unit, e.sequence AS event_sequence,
       r.depth + 1 AS depth
FROM reached r
JOIN unit_link l ON l.from_code = r.code
LEFT JOIN event e ON e.event_id = l.event_id
UNION ALL
SELECT 'RECYCLED_INTO', i.unit_code, false, i.lot_id, true, e.unit_code, e.sequence,
       r.depth + 1
FROM reached r
JOIN material_lot_input i ON i.unit_code = r.code
JOIN material_lot m ON m.id = i.lot_id
LEFT JOIN event e ON e.event_id = m.event_id
