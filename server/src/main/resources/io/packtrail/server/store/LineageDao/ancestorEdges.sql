-- Edges into a unit (:code) or a lot (:lot) from any depth: a lot's inputs first, then the walk
-- up dismantled-into and assembled-into links, collecting the edges as it goes (replaced-by
-- edges are listed but not followed). The events the edges name are looked up once per distinct
-- event at the end. depth: the far (from) end's distance from the start.
WITH RECURSIVE seed (code, depth) AS (
    SELECT CAST(:code AS text), 0 WHERE CAST(:code AS text) IS NOT NULL
    UNION ALL
    SELECT unit_code, 1 FROM material_lot_input WHERE lot_id = :lot
),
walk (kind, from_code, to_code, event_id, depth) AS (
    SELECT l.kind, l.from_code, l.to_code, l.event_id, s.depth + 1
    FROM seed s
    JOIN unit_link l ON l.to_code = s.code
    WHERE :maxDepth = 0 OR s.depth < :maxDepth
  UNION
    SELECT l.kind, l.from_code, l.to_code, l.event_id, w.depth + 1
    FROM walk w
    JOIN unit_link l ON l.to_code = w.from_code
    WHERE w.kind <> 'REPLACED_BY' AND (:maxDepth = 0 OR w.depth < :maxDepth)
),
-- at most :maxHops links (one more tells the walk was cut), nearest first, as in
-- descendantEdges.sql; a lot's inputs are bounded the same way
walked AS (SELECT * FROM walk LIMIT :maxHops + 1),
edges AS (
    SELECT kind, from_code AS from_key, false AS from_lot, to_code AS to_key, false AS to_lot,
           event_id, depth
    FROM walked
    UNION ALL
    (SELECT 'RECYCLED_INTO', i.unit_code, false, i.lot_id, true, NULL::uuid, 1
     FROM material_lot_input i
     WHERE i.lot_id = :lot
     LIMIT :maxHops + 1)
),
-- per distinct event, lot and far unit one key probe (LIMIT 1 keeps each a probe: the planner
-- cannot estimate the walk and would otherwise hash whole tables)
lots AS (
    SELECT ids.id, m.event_id, m.product, m.organization
    FROM (SELECT DISTINCT to_key AS id FROM edges WHERE to_lot) ids
    CROSS JOIN LATERAL (SELECT event_id, product, organization FROM material_lot
                        WHERE id = ids.id LIMIT 1) m
),
events AS (
    SELECT ids.event_id, e.unit_code, e.sequence
    FROM (SELECT event_id FROM edges WHERE event_id IS NOT NULL
          UNION SELECT event_id FROM lots) ids
    CROSS JOIN LATERAL (SELECT unit_code, sequence FROM event
                        WHERE event_id = ids.event_id LIMIT 1) e
)
SELECT x.kind, x.from_key, x.from_lot, x.to_key, x.to_lot, e.unit_code AS event_unit,
       e.sequence AS event_sequence, x.depth,
       -- the details of the far end (from) of the edge, as the walk found it
       u.level AS far_level, u.state AS far_state,
       u.custodian AS far_custodian, NULL AS far_product
FROM edges x
LEFT JOIN lots lt ON x.to_lot AND lt.id = x.to_key
LEFT JOIN events e ON e.event_id = coalesce(x.event_id, lt.event_id)
LEFT JOIN LATERAL (SELECT level, state, custodian FROM unit
                   WHERE code = x.from_key AND NOT x.from_lot LIMIT 1) u ON true
