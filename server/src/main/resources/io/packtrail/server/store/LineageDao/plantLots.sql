-- Mass and element masses of the lots a site made in [:startTime, :endTime), and the feed of
-- the recycling steps that made them (once per step).
WITH lots AS (
    SELECT * FROM material_lot
    WHERE plant_site = :site AND event_time >= :startTime AND event_time < :endTime
),
feed AS (
    SELECT coalesce(sum(li_kg), 0) AS li_kg, coalesce(sum(ni_kg), 0) AS ni_kg,
           coalesce(sum(co_kg), 0) AS co_kg, coalesce(sum(mn_kg), 0) AS mn_kg,
           coalesce(sum(cu_kg), 0) AS cu_kg, coalesce(sum(al_kg), 0) AS al_kg
    FROM recycling_feed WHERE event_id IN (SELECT event_id FROM lots)
)
SELECT coalesce(sum(m.mass_kg), 0) AS mass_kg,
       coalesce(sum(m.li_kg), 0) AS li_kg, coalesce(sum(m.ni_kg), 0) AS ni_kg,
       coalesce(sum(m.co_kg), 0) AS co_kg, coalesce(sum(m.mn_kg), 0) AS mn_kg,
       coalesce(sum(m.cu_kg), 0) AS cu_kg, coalesce(sum(m.al_kg), 0) AS al_kg,
       f.li_kg AS feed_li_kg, f.ni_kg AS feed_ni_kg, f.co_kg AS feed_co_kg,
       f.mn_kg AS feed_mn_kg, f.cu_kg AS feed_cu_kg, f.al_kg AS feed_al_kg
FROM feed f
LEFT JOIN lots m ON true
GROUP BY f.li_kg, f.ni_kg, f.co_kg, f.mn_kg, f.cu_kg, f.al_kg
