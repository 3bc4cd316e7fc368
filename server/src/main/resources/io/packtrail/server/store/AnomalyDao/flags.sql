-- The flags raised at ingest with id above :after, each with the organisations that recorded
-- its events, the regions of their sites and the latest event time.
SELECT ua.id, ua.unit_code, ua.kind, ua.description, ua.events,
       array_agg(DISTINCT e.actor_organization) AS organizations,
       array_agg(DISTINCT s.region_code) FILTER (WHERE s.region_code IS NOT NULL)
           AS region_codes,
       coalesce(max(e.event_time), ua.create_time) AS occur_time
FROM (SELECT * FROM unit_anomaly WHERE id > :after ORDER BY id LIMIT :limit) ua
LEFT JOIN LATERAL unnest(ua.events) AS n(name) ON true
LEFT JOIN event e ON e.unit_code = split_part(n.name, '/', 2)
                 AND e.sequence = CAST(NULLIF(split_part(n.name, '/', 4), '') AS bigint)
LEFT JOIN site s ON s.name = e.actor_site
GROUP BY ua.id, ua.unit_code, ua.kind, ua.description, ua.events, ua.create_time
ORDER BY ua.id
