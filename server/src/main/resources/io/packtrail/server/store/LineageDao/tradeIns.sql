-- Trade-ins recorded at a site: the old unit's event (the step's primary) and its replacement,
-- in log order after :afterIndex; the period bounds apply when not null.
SELECT e.*, l.to_code AS replacement
FROM event e
JOIN unit_link l
  ON l.event_id = e.event_id AND l.from_code = e.unit_code AND l.kind = 'REPLACED_BY'
WHERE e.actor_site = :site
  AND e.type = 'trade_in'
  AND (CAST(:startTime AS timestamptz) IS NULL OR e.event_time >= :startTime)
  AND (CAST(:endTime AS timestamptz) IS NULL OR e.event_time < :endTime)
  AND e.log_index > :afterIndex
ORDER BY e.log_index
LIMIT :limit
