-- Units per counter of the overview (region_step) and their mass, per city, of the steps
-- recorded at the sites of a region in [:startTime, :endTime); every city with a site in the
-- region, steps or none (a row with a null counter). In one snapshot: the whole UTC days
-- [:wholeFrom, :wholeTo) as the integrator counted them (the entries below the tree size), and
-- from the events themselves the rest: the partial first day [:startTime, :headEnd), the
-- partial last day [:wholeTo, :endTime), and the whole days' entries not integrated yet.
WITH sites AS (
    SELECT name, substr(region_code, 1, 4) || '00' AS city
    FROM site
    WHERE region_code LIKE :prefix || '%'
),
steps AS (
    SELECT site, counter, count(*) AS units, coalesce(sum(mass_kg::numeric), 0) AS mass_kg
    FROM (
        SELECT site, counter, mass_kg FROM region_step
        WHERE event_time >= :startTime AND event_time < :headEnd
        UNION ALL
        SELECT site, counter, mass_kg FROM region_step
        WHERE event_time >= :wholeTo AND event_time < :endTime
        UNION ALL
        SELECT site, counter, mass_kg FROM region_step
        WHERE log_index >= (SELECT tree_size FROM log_integration WHERE id = 1)
          AND event_time >= :wholeFrom AND event_time < :wholeTo
    ) AS rest
    WHERE counter IS NOT NULL
    GROUP BY site, counter
    UNION ALL
    SELECT site, counter, units, mass_kg FROM region_day_count
    WHERE day >= (CAST(:wholeFrom AS timestamptz) AT TIME ZONE 'UTC')::date
      AND day < (CAST(:wholeTo AS timestamptz) AT TIME ZONE 'UTC')::date
)
SELECT s.city, st.counter, coalesce(sum(st.units), 0) AS units,
       CAST(coalesce(sum(st.mass_kg), 0) AS double precision) AS mass_kg
FROM sites s
LEFT JOIN steps st ON st.site = s.name
GROUP BY s.city, st.counter
ORDER BY s.city, st.counter
