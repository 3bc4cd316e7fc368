-- Mass of the units collected, received and recycled at the sites of each city of a region in
-- [:startTime, :endTime); every city with a site in the region, by code.
WITH cities AS (
    SELECT DISTINCT substr(region_code, 1, 4) || '00' AS city
    FROM site
    WHERE region_code LIKE :prefix || '%'
),
ev AS (
    SELECT substr(s.region_code, 1, 4) || '00' AS city, e.type, u.mass_kg
    FROM event e
    JOIN site s ON s.name = e.actor_site
    JOIN unit u ON u.code = e.unit_code
    WHERE s.region_code LIKE :prefix || '%'
      AND e.event_time >= :startTime AND e.event_time < :endTime
      AND e.type IN ('collection', 'receipt', 'recycling')
)
SELECT c.city,
       coalesce(sum(ev.mass_kg) FILTER (WHERE ev.type = 'collection'), 0) AS collected_kg,
       coalesce(sum(ev.mass_kg) FILTER (WHERE ev.type = 'receipt'), 0) AS received_kg,
       coalesce(sum(ev.mass_kg) FILTER (WHERE ev.type = 'recycling'), 0) AS recycled_kg
FROM cities c
LEFT JOIN ev ON ev.city = c.city
GROUP BY c.city
ORDER BY c.city
