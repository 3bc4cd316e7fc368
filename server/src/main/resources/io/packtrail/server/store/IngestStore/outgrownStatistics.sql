-- The tables among those named (the parameter) that have outgrown what PostgreSQL's statistics
-- say of them: never analysed and past a few pages, or more than twice as large as at their last
-- analysis. A plan cached on a connection before that growth may still read them whole;
-- autovacuum's next analysis replaces it.
SELECT c.relname
FROM pg_class c
WHERE c.oid = ANY (?::text[]::regclass[])
  AND pg_relation_size(c.oid) > (2 * c.relpages + 8)::bigint * current_setting('block_size')::bigint
ORDER BY c.relname
