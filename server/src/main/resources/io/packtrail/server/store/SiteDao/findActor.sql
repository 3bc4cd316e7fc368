SELECT o.name AS organization, s.name AS site, o.roles, s.kind AS site_kind
FROM site s
JOIN organization o ON o.id = s.organization_id
WHERE s.name = :name
