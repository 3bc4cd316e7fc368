-- Steps that may have been reported late (docs/deadlines.md): of the judged kinds, dated in
-- [:startTime, :endTime) and not before the reporting start, recorded at the sites of a region
-- (prefix) or by one organisation, and received more than :minDays calendar days after their
-- event time (the shortest deadline is that many working days, so nothing closer can be late;
-- the exact check is ReportingDeadlines'). In log order after :after;
-- only the steps at the log indexes :ids when given (the region summary's first items).
SELECT e.log_index, e.unit_code, e.sequence, e.type, e.event_time, e.record_time,
       e.actor_organization AS organization, o.roles, e.actor_site AS site, s.region_code
FROM event e
JOIN site s ON s.name = e.actor_site
JOIN organization o ON o.name = e.actor_organization
WHERE e.type = ANY (:types)
  AND e.event_time >= :startTime AND e.event_time < :endTime
  AND e.event_time >= :reportingStart
  AND (CAST(:prefix AS text) IS NULL OR s.region_code LIKE :prefix || '%')
  AND (CAST(:organization AS text) IS NULL OR e.actor_organization = :organization)
  AND e.record_time > e.event_time + make_interval(days => :minDays)
  AND e.log_index > :after
  AND (CAST(:ids AS bigint[]) IS NULL OR e.log_index = ANY (CAST(:ids AS bigint[])))
ORDER BY e.log_index
LIMIT :limit
