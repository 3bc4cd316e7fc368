-- the log's entries from both kinds in one index order (docs/decisions.md, the verifiable log)
(SELECT log_index, 'EVENT' AS kind, type AS entry_type,
        'units/' || unit_code || '/events/' || sequence AS subject, canonical AS canonical_bytes
   FROM event WHERE log_index >= :from AND log_index < :to
  ORDER BY log_index LIMIT :limit)
UNION ALL
(SELECT log_index, 'REGISTRY', entry_type, subject, canonical_bytes
   FROM registry_entry WHERE log_index >= :from AND log_index < :to
  ORDER BY log_index LIMIT :limit)
ORDER BY log_index LIMIT :limit
