-- Where a listing's page token resumes: the anomaly it names, when the listing (its
-- organisation, empty for all) shows it. Only shown anomalies resolve, so a token naming
-- another organisation's anomaly cannot tell whether it exists (Anomalies#list).
SELECT seq FROM anomaly
WHERE id = :id
  AND (:organization = '' OR organizations @> ARRAY[CAST(:organization AS text)])
