-- the entries of the log about given subjects, from :from to :to, in index order, each kind
-- through its own index: every event of the units :units and the single events
-- (:eventCodes[i], :eventSequences[i]) by event (unit_code, sequence), registry entries by
-- registry_entry (subject, log_index). The parts have no ORDER BY/LIMIT of their own: with one,
-- the planner may walk the log_index index hoping to stop early and read the whole log; without,
-- each part reads only its subjects' rows (a unit's events, a name's few entries).
(SELECT log_index, 'EVENT' AS kind, type AS entry_type,
        'units/' || unit_code || '/events/' || sequence AS subject, canonical AS canonical_bytes
   FROM event WHERE unit_code = ANY(:units) AND log_index >= :from AND log_index < :to)
UNION ALL
(SELECT e.log_index, 'EVENT', e.type, 'units/' || e.unit_code || '/events/' || e.sequence,
        e.canonical
   FROM unnest(CAST(:eventCodes AS text[]), CAST(:eventSequences AS bigint[])) AS x (code, seq)
   JOIN event e ON e.unit_code = x.code AND e.sequence = x.seq
  WHERE e.log_index >= :from AND e.log_index < :to)
UNION ALL
(SELECT log_index, 'REGISTRY', entry_type, subject, canonical_bytes
   FROM registry_entry WHERE subject = ANY(:subjects) AND log_index >= :from AND log_index < :to)
ORDER BY log_index LIMIT :limit
