-- Mass a site consumed in [:startTime, :endTime) by chemistry and level: the parents it
-- dismantled and the inputs it recycled, less the children it had itself dismantled in the
-- period (their material is already counted in their parent).
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
SELECT u.chemistry, u.level, sum(u.mass_kg) AS mass_kg
FROM consumed c
JOIN unit u ON u.code = c.unit_code
WHERE c.unit_code NOT IN (SELECT unit_code FROM children)
GROUP BY u.chemistry, u.level
ORDER BY u.chemistry, u.level
