-- The regional overview at scale (issue 11's benchmark): per site, per UTC day and per counter of
-- the overview, the number of units and their mass, counted by the log's integrator in the same
-- transaction that adds the entries to the tree (so every event is counted once, off the ingest
-- path); the overview reads the whole days of its period from here and only the rest (the
-- partial first and last days, and events not yet integrated) from the events. See
-- docs/decisions.md, "The regional overview counts whole days ahead".

-- Which counter of the overview an event adds to, and the unit's mass where the overview sums
-- it (collected, received and recycled tonnage): the one definition, used to count ahead and to
-- count the rest. A step that touches several units has an event per unit; the unit_link rows
-- tell the parts apart (their event_id is the event of the unit the step was recorded against).
CREATE VIEW region_step AS
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
               WHERE l.kind = 'ASSEMBLED_INTO' AND l.from_code = e.unit_code) THEN 'repurposed' END
           WHEN 'commissioning' THEN 'deployed'
           WHEN 'recycling' THEN 'recycled'
       END AS counter,
       CASE WHEN e.type IN ('collection', 'receipt', 'recycling')
           THEN (SELECT u.mass_kg FROM unit u WHERE u.code = e.unit_code) END AS mass_kg
FROM event e;

CREATE TABLE region_day_count (
    day     date    NOT NULL,
    site    text    NOT NULL,
    counter text    NOT NULL,
    units   bigint  NOT NULL CHECK (units > 0),
    -- numeric: sums of the same events are the same whichever batches counted them
    mass_kg numeric NOT NULL,
    PRIMARY KEY (day, site, counter)
);

-- The partial days at the ends of a period are read from the events by time. A B-tree (events
-- come in about time order, so each insert lands at its right edge): a BRIN index was tried and
-- is not robust here, as rows of new events fill the space left in old pages after a vacuum and
-- widen those pages' ranges until a day's range covers most of the table.
CREATE INDEX event_time_idx ON event (event_time);

-- Count what the integrator has already integrated.
INSERT INTO region_day_count (day, site, counter, units, mass_kg)
SELECT (event_time AT TIME ZONE 'UTC')::date, site, counter, count(*),
       coalesce(sum(mass_kg::numeric), 0)
FROM region_step
WHERE log_index < (SELECT tree_size FROM log_integration WHERE id = 1)
  AND counter IS NOT NULL
GROUP BY 1, 2, 3;
