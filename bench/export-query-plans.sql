-- The two statements of ReportService.ExportEvents (store/EventDao/query.sql and queryParty.sql,
-- parameters numbered), explained on the lineage benchmark's database (docs/benchmarks.md,
-- "Exports of a query"). Run: psql -h 127.0.0.1 -U postgres -d DB -f bench/export-query-plans.sql
-- The party rows: the plant a party of every unit, 'organizations/small' of ten units.
INSERT INTO unit_party SELECT 'organizations/bench-lin-plant', code FROM unit ON CONFLICT DO NOTHING;
INSERT INTO unit_party SELECT 'organizations/small', unit_code FROM event WHERE type = 'recycling'
ORDER BY log_index LIMIT 10 ON CONFLICT DO NOTHING;
ANALYZE unit_party;
ANALYZE event;
PREPARE q(text[], text[], text[], text[], text[], timestamptz, timestamptz, timestamptz, timestamptz, bigint, int, text) AS
SELECT e.* FROM event e
WHERE e.log_index > $10
  AND (CAST($1 AS text[]) IS NULL OR e.unit_code = ANY (CAST($1 AS text[])))
  AND (CAST($2 AS text[]) IS NULL
       OR e.actor_organization = ANY (CAST($2 AS text[])))
  AND (CAST($3 AS text[]) IS NULL OR e.actor_site = ANY (CAST($3 AS text[])))
  AND (CAST($4 AS text[]) IS NULL OR e.type = ANY (CAST($4 AS text[])))
  AND (CAST($5 AS text[]) IS NULL OR EXISTS (
      SELECT 1 FROM site s
      WHERE s.name = e.actor_site AND s.region_code LIKE ANY (CAST($5 AS text[]))))
  AND (CAST($6 AS timestamptz) IS NULL OR e.event_time >= $6)
  AND (CAST($7 AS timestamptz) IS NULL OR e.event_time > $7)
  AND (CAST($8 AS timestamptz) IS NULL OR e.event_time <= $8)
  AND (CAST($9 AS timestamptz) IS NULL OR e.event_time < $9)
ORDER BY e.log_index
LIMIT $11
;
PREPARE d(text[], text[], text[], text[], text[], timestamptz, timestamptz, timestamptz, timestamptz, bigint, int, text) AS
SELECT e.* FROM unit_party p
JOIN event e ON e.unit_code = p.unit_code
WHERE p.organization = $12
  AND e.log_index > $10
  AND (CAST($1 AS text[]) IS NULL OR e.unit_code = ANY (CAST($1 AS text[])))
  AND (CAST($2 AS text[]) IS NULL
       OR e.actor_organization = ANY (CAST($2 AS text[])))
  AND (CAST($3 AS text[]) IS NULL OR e.actor_site = ANY (CAST($3 AS text[])))
  AND (CAST($4 AS text[]) IS NULL OR e.type = ANY (CAST($4 AS text[])))
  AND (CAST($5 AS text[]) IS NULL OR EXISTS (
      SELECT 1 FROM site s
      WHERE s.name = e.actor_site AND s.region_code LIKE ANY (CAST($5 AS text[]))))
  AND (CAST($6 AS timestamptz) IS NULL OR e.event_time >= $6)
  AND (CAST($7 AS timestamptz) IS NULL OR e.event_time > $7)
  AND (CAST($8 AS timestamptz) IS NULL OR e.event_time <= $8)
  AND (CAST($9 AS timestamptz) IS NULL OR e.event_time < $9)
ORDER BY e.log_index
LIMIT $11
;
\echo '-- every event, first page of 1000 (an authority, empty filter)'
EXPLAIN (ANALYZE) EXECUTE q(NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL, -1, 1001, NULL);
\echo '-- type = "recycling": 2,016 of 102,041 events, all at the end of the log'
EXPLAIN (ANALYZE) EXECUTE q(NULL,NULL,NULL,ARRAY['recycling'],NULL,NULL,NULL,NULL,NULL, -1, 1001, NULL);
\echo '-- region_code = "620000"'
EXPLAIN (ANALYZE) EXECUTE q(NULL,NULL,NULL,NULL,ARRAY['62%'],NULL,NULL,NULL,NULL, -1, 1001, NULL);
\echo '-- unit = the big pack'
EXPLAIN (ANALYZE) EXECUTE q(ARRAY['BLMPEA1BENCH01RA59000000'],NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL, -1, 1001, NULL);
\echo '-- a party of ten units'
EXPLAIN (ANALYZE) EXECUTE d(NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL, -1, 1001, 'organizations/small');
\echo '-- a party of every unit'
EXPLAIN (ANALYZE) EXECUTE d(NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL, -1, 1001, 'organizations/bench-lin-plant');
\echo '-- a party of no unit'
EXPLAIN (ANALYZE) EXECUTE d(NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL, -1, 1001, 'organizations/nobody');
