-- Counts the events among the log entries [:fromIndex, :toIndex) into region_day_count (the
-- integrator, in the transaction that adds those entries to the tree; V17__region_day_counts.sql).
INSERT INTO region_day_count AS c (day, site, counter, units, mass_kg)
SELECT (event_time AT TIME ZONE 'UTC')::date, site, counter, count(*),
       coalesce(sum(mass_kg::numeric), 0)
FROM region_step
WHERE log_index >= :fromIndex AND log_index < :toIndex AND counter IS NOT NULL
GROUP BY 1, 2, 3
ON CONFLICT (day, site, counter) DO UPDATE
SET units = c.units + excluded.units, mass_kg = c.mass_kg + excluded.mass_kg
