SELECT *
FROM organization
WHERE (CAST(:afterId AS text) IS NULL OR id > :afterId)
  AND (CAST(:role AS text) IS NULL OR :role = ANY (roles))
  AND (CAST(:regionPrefix AS text) IS NULL OR region_code LIKE :regionPrefix || '%')
ORDER BY id
LIMIT :limit
