-- region_step (V17) counted an assembly event as "repurposed" when its unit was the source of any
-- assembly: a product's own creation event too, once the product was later a source in another
-- assembly. Live reads (the partial days, what is not integrated yet) then disagreed with the
-- counts made ahead, made before that later link existed. The assembly case now asks for a link
-- made by this very step: the link's event_id is the product's event (the step's primary), which
-- a source's event shares its event and record times with (a source's own event id is derived
-- from it, which SQL cannot recompute here). A product cannot be made and be a source in one
-- batch (a source is GRADED), so the times tell the steps apart. A view: replacing it rewrites
-- no data; the counts already kept were made before such a later link and stay right.
CREATE OR REPLACE VIEW region_step AS
SELECT e.log_index, e.actor_site AS site, e.event_time,
       CASE e.type
           WHEN 'sale' THEN 'sold'
           WHEN 'removal' THEN 'removed'
           WHEN 'trade_in' THEN CASE WHEN EXISTS (SELECT 1 FROM unit_link l
               WHERE l.kind = 'REPLACED_BY' AND l.from_code = e.unit_code
                 AND l.event_id = e.event_id) THEN 'removed' END
           WHEN 'collection' THEN 'collected'
           WHEN 'shipment' THEN 'shipped'
           WHEN 'receipt' THEN 'received'
           WHEN 'inspection' THEN 'graded'
           WHEN 'dismantling' THEN CASE WHEN EXISTS (SELECT 1 FROM unit_link l
               WHERE l.kind = 'DISMANTLED_INTO' AND l.from_code = e.unit_code
                 AND l.event_id = e.event_id) THEN 'dismantled' END
           WHEN 'assembly' THEN CASE WHEN EXISTS (SELECT 1 FROM unit_link l
               JOIN event p ON p.event_id = l.event_id
               WHERE l.kind = 'ASSEMBLED_INTO' AND l.from_code = e.unit_code
                 AND p.record_time = e.record_time AND p.event_time = e.event_time)
               THEN 'repurposed' END
           WHEN 'commissioning' THEN 'deployed'
           WHEN 'recycling' THEN 'recycled'
       END AS counter,
       CASE WHEN e.type IN ('collection', 'receipt', 'recycling')
           THEN (SELECT u.mass_kg FROM unit u WHERE u.code = e.unit_code) END AS mass_kg
FROM event e;
