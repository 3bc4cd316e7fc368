-- The open anomalies (neither acknowledged nor resolved) involving a site of the region that
-- happened before :endTime, counted by kind.
SELECT a.kind, count(*) AS count
FROM anomaly a
WHERE a.resolve_time IS NULL AND a.occur_time < :endTime
  AND EXISTS (SELECT 1 FROM unnest(a.region_codes) r(code) WHERE r.code LIKE :prefix || '%')
  AND NOT EXISTS (SELECT 1 FROM anomaly_acknowledgement k WHERE k.anomaly_id = a.id)
GROUP BY a.kind
ORDER BY a.kind
