-- The parent events of a site's dismantlings in the period (their residue is in the step).
SELECT e.*
FROM event e
WHERE e.actor_site = :site AND e.type = 'dismantling'
  AND e.event_time >= :startTime AND e.event_time < :endTime
  AND EXISTS (SELECT 1 FROM unit_link l WHERE l.event_id = e.event_id AND l.from_code = e.unit_code)
ORDER BY e.log_index
