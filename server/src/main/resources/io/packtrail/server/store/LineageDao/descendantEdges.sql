-- Edges out of a unit to any depth. The walk collects the edges themselves as it goes: it
-- follows dismantled-into and assembled-into links (replaced-by edges are listed but not
-- followed), then each reached unit's recycled-into edges to lots are added. The events the
-- edges name are looked up once per distinct event at the end (one step makes many edges), not
-- once per edge. depth: the far (to) end's distance from the start.
WITH RECURSIVE walk (kind, from_code, to_code, event_id, depth) AS (
    SELECT l.kind, l.from_code, l.to_code, l.event_id, 1
    FROM unit_link l
    WHERE l.from_code = :code AND (:maxDepth = 0 OR :maxDepth >= 1)
  UNION
    SELECT l.kind, l.from_code, l.to_code, l.event_id, w.depth + 1
    FROM walk w
    JOIN unit_link l ON l.from_code = w.to_code
    WHERE w.kind <> 'REPLACED_BY' AND (:maxDepth = 0 OR w.depth < :maxDepth)
),
-- at most :maxHops links (one more tells the walk was cut): the recursion yields them nearest
-- first and stops once that many were taken, so a graph of millions is not walked to answer a
-- few thousand nodes; the lots the reached units went into are bounded the same way
walked AS (SELECT * FROM walk LIMIT :maxHops + 1),
reached (code, depth) AS (
    SELECT CAST(:code AS text), 0
    UNION ALL
    SELECT to_code, depth FROM walked WHERE kind <> 'REPLACED_BY'
),
edges AS (
    SELECT kind, from_code AS from_key, false AS from_lot, to_code AS to_key, false AS to_lot,
           event_id, depth
    FROM walked
    UNION ALL
    (SELECT 'RECYCLED_INTO', i.unit_code, false, i.lot_id, true, NULL::uuid, r.depth + 1
     FROM reached r
     JOIN material_lot_input i ON i.unit_code = r.code
     WHERE :maxDepth = 0 OR r.depth < :maxDepth
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
       -- the details of the far end (to) of the edge, as the walk found it
       u.level AS far_level, u.state AS far_state,
       coalesce(u.custodian, lt.organization) AS far_custodian, lt.product AS far_product
FROM edges x
LEFT JOIN lots lt ON x.to_lot AND lt.id = x.to_key
LEFT JOIN events e ON e.event_id = coalesce(x.event_id, lt.event_id)
LEFT JOIN LATERAL (SELECT level, state, custodian FROM unit
                   WHERE code = x.to_key AND NOT x.to_lot LIMIT 1) u ON true
