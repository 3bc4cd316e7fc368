-- query.sql for an organisation's callers: the events of the units :party is a party of. A join
-- (unit_party's key makes it one row per event), so the planner can start from the party's few
-- units (their events by (unit_code, sequence), then sorted) or walk the log in order when the
-- party has many; an EXISTS per event walks the whole log for a party of few units.
SELECT e.* FROM unit_party p
JOIN event e ON e.unit_code = p.unit_code
WHERE p.organization = :party
  AND e.log_index > :afterLogIndex
  AND (CAST(:units AS text[]) IS NULL OR e.unit_code = ANY (CAST(:units AS text[])))
  AND (CAST(:organizations AS text[]) IS NULL
       OR e.actor_organization = ANY (CAST(:organizations AS text[])))
  AND (CAST(:sites AS text[]) IS NULL OR e.actor_site = ANY (CAST(:sites AS text[])))
  AND (CAST(:types AS text[]) IS NULL OR e.type = ANY (CAST(:types AS text[])))
  AND (CAST(:regions AS text[]) IS NULL OR EXISTS (
      SELECT 1 FROM site s
      WHERE s.name = e.actor_site AND s.region_code LIKE ANY (CAST(:regions AS text[]))))
  AND (CAST(:startInclusive AS timestamptz) IS NULL OR e.event_time >= :startInclusive)
  AND (CAST(:startExclusive AS timestamptz) IS NULL OR e.event_time > :startExclusive)
  AND (CAST(:endInclusive AS timestamptz) IS NULL OR e.event_time <= :endInclusive)
  AND (CAST(:endExclusive AS timestamptz) IS NULL OR e.event_time < :endExclusive)
ORDER BY e.log_index
LIMIT :limit
