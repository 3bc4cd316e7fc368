-- Anomalies in the order found (seq), after :afterSeq, each filter applying when given
-- (empty: any). Organisations by anomaly_organizations_idx, a unit by anomaly_unit_idx.
SELECT a.*
FROM anomaly a
WHERE a.seq > :afterSeq
  AND (:kind = '' OR a.kind = :kind)
  AND (:organization = '' OR a.organizations @> ARRAY[CAST(:organization AS text)])
  AND (:unitCode = '' OR a.unit_code = :unitCode)
  AND (:prefix = '' OR EXISTS (SELECT 1 FROM unnest(a.region_codes) r(code)
                               WHERE r.code LIKE :prefix || '%'))
  AND (:state = ''
       OR :state = 'RESOLVED' AND a.resolve_time IS NOT NULL
       OR :state = 'OPEN' AND a.resolve_time IS NULL AND NOT EXISTS
           (SELECT 1 FROM anomaly_acknowledgement k WHERE k.anomaly_id = a.id)
       OR :state = 'ACKNOWLEDGED' AND a.resolve_time IS NULL AND EXISTS
           (SELECT 1 FROM anomaly_acknowledgement k WHERE k.anomaly_id = a.id))
  AND a.occur_time >= :startTime AND a.occur_time < :endTime
ORDER BY a.seq
LIMIT :limit
