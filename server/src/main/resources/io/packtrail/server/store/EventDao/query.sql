-- The events an export's filter keeps (EventQuery), in log order after :afterLogIndex; each
-- filter applies when not null. :regions are LIKE patterns on the acting site's region code.
-- For callers who see every unit; queryParty.sql is the same for an organisation's callers.
SELECT e.* FROM event e
WHERE e.log_index > :afterLogIndex
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
