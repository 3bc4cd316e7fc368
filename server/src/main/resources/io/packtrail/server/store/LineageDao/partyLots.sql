SELECT l.id
FROM material_lot l
WHERE l.id = ANY (:ids)
  AND (l.organization = :organization
       OR EXISTS (SELECT 1
                  FROM material_lot_input i
                  JOIN unit_party p ON p.unit_code = i.unit_code
                                   AND p.organization = :organization
                  WHERE i.lot_id = l.id))
