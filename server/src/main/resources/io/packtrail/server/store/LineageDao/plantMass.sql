-- The mass a site handled in [:startTime, :endTime), by chemistry and level, in two parts:
-- INPUT, what it consumed (the parents it dismantled and the inputs it recycled, less the
-- children it had itself dismantled in the period: their material is already counted in their
-- parent); INTERMEDIATE, the children it dismantled and did not consume there in the period (on
-- stock or shipped on).
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
SELECT 'INPUT' AS part, u.chemistry, u.level, sum(u.mass_kg) AS mass_kg
FROM consumed c
JOIN unit u ON u.code = c.unit_code
WHERE c.unit_code NOT IN (SELECT unit_code FROM children)
GROUP BY u.chemistry, u.level
UNION ALL
SELECT 'INTERMEDIATE', u.chemistry, u.level, sum(u.mass_kg)
FROM children ch
JOIN unit u ON u.code = ch.unit_code
WHERE ch.unit_code NOT IN (SELECT unit_code FROM consumed)
GROUP BY u.chemistry, u.level
ORDER BY 1, 2, 3
