-- Lots in id order after :afterId; each filter applies when not null. :unit keeps the lots made
-- from that unit or anything it became (dismantled-into and assembled-into, any depth). :party
-- keeps the lots that organisation may read (GetMaterialLot's rule, partyLots.sql): made by it,
-- or made from a unit it is a party of; in SQL, so that a page and its token hold no other lot.
WITH RECURSIVE walk (code) AS (
    SELECT CAST(:unit AS text) WHERE CAST(:unit AS text) IS NOT NULL
  UNION
    SELECT l.to_code
    FROM walk w
    JOIN unit_link l ON l.from_code = w.code AND l.kind <> 'REPLACED_BY'
)
SELECT m.*, e.unit_code AS event_unit, e.sequence AS event_sequence,
       ARRAY(SELECT i.unit_code FROM material_lot_input i WHERE i.lot_id = m.id
             ORDER BY i.unit_code) AS inputs
FROM material_lot m
LEFT JOIN event e ON e.event_id = m.event_id
WHERE (CAST(:afterId AS text) IS NULL OR m.id > :afterId)
  AND (CAST(:plantSite AS text) IS NULL OR m.plant_site = :plantSite)
  AND (CAST(:product AS text) IS NULL OR m.product = :product)
  AND (CAST(:startTime AS timestamptz) IS NULL OR m.event_time >= :startTime)
  AND (CAST(:endTime AS timestamptz) IS NULL OR m.event_time < :endTime)
  AND (CAST(:unit AS text) IS NULL OR m.id IN (
      SELECT i.lot_id FROM material_lot_input i JOIN walk w ON w.code = i.unit_code))
  AND (CAST(:party AS text) IS NULL OR m.organization = :party OR EXISTS (
      SELECT 1 FROM material_lot_input i
      JOIN unit_party p ON p.unit_code = i.unit_code AND p.organization = :party
      WHERE i.lot_id = m.id))
ORDER BY m.id
LIMIT :limit
