SELECT m.*, e.unit_code AS event_unit, e.sequence AS event_sequence,
       ARRAY(SELECT i.unit_code FROM material_lot_input i WHERE i.lot_id = m.id
             ORDER BY i.unit_code) AS inputs
FROM material_lot m
LEFT JOIN event e ON e.event_id = m.event_id
WHERE m.id = :id
