SELECT *
FROM device
WHERE site = :site
  AND (CAST(:afterId AS text) IS NULL OR id > :afterId)
ORDER BY id
LIMIT :limit
