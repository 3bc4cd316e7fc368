-- As openByKind, counted by the organisations involved.
SELECT o.organization AS kind, count(*) AS count
FROM anomaly a, unnest(a.organizations) o(organization)
WHERE a.resolve_time IS NULL AND a.occur_time < :endTime
  AND EXISTS (SELECT 1 FROM unnest(a.region_codes) r(code) WHERE r.code LIKE :prefix || '%')
  AND NOT EXISTS (SELECT 1 FROM anomaly_acknowledgement k WHERE k.anomaly_id = a.id)
GROUP BY o.organization
ORDER BY o.organization
