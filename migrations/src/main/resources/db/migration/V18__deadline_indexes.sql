-- The region summary's late and overdue counts in SQL (docs/decisions.md, "The deadline summary
-- counts in SQL"): three indexes that let its statements read no event row, only index entries.

-- The unit's next step of a hand-over (its kind, to skip corrections, its receive time and its
-- site): the (unit_code, sequence) key carries them, so the look-up is an index-only scan. The
-- unique constraint keeps its name and its key; its index gains the included columns instead of
-- a second index on the same key.
CREATE UNIQUE INDEX event_unit_sequence_covering ON event (unit_code, sequence)
    INCLUDE (type, record_time, actor_site);
ALTER TABLE event
    DROP CONSTRAINT event_unit_code_sequence_key,
    ADD CONSTRAINT event_unit_code_sequence_key UNIQUE USING INDEX event_unit_sequence_covering;

-- The hand-overs that may make a step expected (shipments, removals, receipts) by time, with
-- what the overdue count needs of them. Events come in about time order: inserts at the right.
CREATE INDEX event_handover_idx ON event (event_time)
    INCLUDE (unit_code, sequence, type, actor_organization, actor_site, log_index)
    WHERE type IN ('shipment', 'removal', 'receipt');

-- The steps received more than 15 days after their event time: no deadline is shorter (15
-- working days, counted from the day after the step's, due at the end of the last), so only
-- these can be late. Small where steps are reported on time.
CREATE INDEX event_late_idx ON event (event_time)
    INCLUDE (type, actor_organization, actor_site, record_time, log_index)
    WHERE record_time - event_time > interval '15 days';
