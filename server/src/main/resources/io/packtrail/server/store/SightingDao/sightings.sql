SELECT e.event_id, e.unit_code, e.sequence, e.actor_site, e.event_time,
       coalesce(s.latitude, 0) AS latitude, coalesce(s.longitude, 0) AS longitude
FROM event e
LEFT JOIN site s ON s.name = e.actor_site
WHERE e.label_serial = :serial
ORDER BY e.event_time
