SELECT l.*, k.organization_id AS issuer_id
FROM label l
JOIN label_key k ON k.key_id = l.key_id
WHERE l.unit_code = :unitCode AND l.status = 'ACTIVE'
