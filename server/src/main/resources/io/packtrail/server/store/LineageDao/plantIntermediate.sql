-- Mass of the children a site dismantled in [:startTime, :endTime) and did not consume
-- (dismantle or recycle) there in the period: on stock or shipped on.
WITH consumed AS (
    SELECT e.unit_code
    FROM event e
    WHERE e.actor_site = :site AND e.event_time >= :startTime AND e.event_time < :endTime
      AND (e.type = 'recycling'
           OR e.type = 'dismantling' AND EXISTS (SELECT 1 FROM unit_link l
               WHERE l.event_id = e.event_id AND l.from_code = e.unit_code))
),
children AS (
    SELECT l.to_code AS unit_code
    FROM event e
    JOIN unit_link l
      ON l.event_id = e.event_id AND l.from_code = e.unit_code AND l.kind = 'DISMANTLED_INTO'
    WHERE e.actor_site = :site AND e.type = 'dismantling'
      AND e.event_time >= :startTime AND e.event_time < :endTime
)
SELECT coalesce(sum(u.mass_kg), 0)
FROM children ch
JOIN unit u ON u.code = ch.unit_code
WHERE ch.unit_code NOT IN (SELECT unit_code FROM consumed)
