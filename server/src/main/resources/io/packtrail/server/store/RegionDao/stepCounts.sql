-- Units per kind of step recorded at the sites of a region in [:startTime, :endTime). A step
-- that touches several units has an event per unit; the unit_link rows tell the parts apart
-- (their event_id is the event of the unit the step was recorded against).
WITH ev AS (
    SELECT e.event_id, e.unit_code, e.type
    FROM event e
    JOIN site s ON s.name = e.actor_site
    WHERE s.region_code LIKE :prefix || '%'
      AND e.event_time >= :startTime AND e.event_time < :endTime
)
SELECT
    count(*) FILTER (WHERE type = 'sale') AS sold,
    count(*) FILTER (WHERE type = 'removal'
        OR type = 'trade_in' AND EXISTS (SELECT 1 FROM unit_link l
            WHERE l.kind = 'REPLACED_BY' AND l.from_code = ev.unit_code
              AND l.event_id = ev.event_id)) AS removed,
    count(*) FILTER (WHERE type = 'collection') AS collected,
    count(*) FILTER (WHERE type = 'shipment') AS shipped,
    count(*) FILTER (WHERE type = 'receipt') AS received,
    count(*) FILTER (WHERE type = 'inspection') AS graded,
    count(*) FILTER (WHERE type = 'dismantling' AND EXISTS (SELECT 1 FROM unit_link l
            WHERE l.kind = 'DISMANTLED_INTO' AND l.from_code = ev.unit_code
              AND l.event_id = ev.event_id)) AS dismantled,
    count(*) FILTER (WHERE type = 'assembly' AND EXISTS (SELECT 1 FROM unit_link l
            WHERE l.kind = 'ASSEMBLED_INTO' AND l.from_code = ev.unit_code)) AS repurposed,
    count(*) FILTER (WHERE type = 'commissioning') AS deployed,
    count(*) FILTER (WHERE type = 'recycling') AS recycled
FROM ev
