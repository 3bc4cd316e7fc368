-- The dismantlings (their parent events) and recyclings (their primary events, which hold the
-- feed) with log_index in (:after, :upto]: the unit's mass, the children's mass of a
-- dismantling, and the region of the site. Reads the window of the log by its index.
SELECT e.*, u.mass_kg AS unit_mass_kg, s.region_code AS site_region,
       coalesce((SELECT sum(c.mass_kg) FROM unit_link l JOIN unit c ON c.code = l.to_code
                 WHERE l.event_id = e.event_id AND l.from_code = e.unit_code
                   AND l.kind = 'DISMANTLED_INTO'), 0) AS children_mass_kg
FROM event e
JOIN unit u ON u.code = e.unit_code
LEFT JOIN site s ON s.name = e.actor_site
WHERE e.log_index > :after AND e.log_index <= :upto
  AND (e.type = 'dismantling' AND EXISTS (SELECT 1 FROM unit_link l
           WHERE l.event_id = e.event_id AND l.from_code = e.unit_code
             AND l.kind = 'DISMANTLED_INTO')
       OR e.type = 'recycling' AND EXISTS (SELECT 1 FROM recycling_feed f
           WHERE f.event_id = e.event_id))
ORDER BY e.log_index
