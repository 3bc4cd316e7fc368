SELECT *
FROM site
WHERE (CAST(:organizationId AS text) IS NULL OR organization_id = :organizationId)
  AND (CAST(:afterName AS text) IS NULL OR name > :afterName)
ORDER BY name
LIMIT :limit
