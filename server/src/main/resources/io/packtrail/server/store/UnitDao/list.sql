SELECT *
FROM unit
WHERE (CAST(:afterCode AS text) IS NULL OR code > :afterCode)
  AND (CAST(:state AS text) IS NULL OR state = :state)
  AND (CAST(:custodian AS text) IS NULL OR custodian = :custodian)
  AND (CAST(:level AS text) IS NULL OR level = :level)
  AND (CAST(:chemistry AS text) IS NULL OR chemistry = :chemistry)
ORDER BY code
LIMIT :limit
