-- One round trip: lock the log head, then read the events already recorded under the batch's
-- ids (retries) and the current state of the batch's units.
SELECT next_index FROM log_head WHERE id = 1 FOR UPDATE;
SELECT * FROM event WHERE event_id = ANY (?);
SELECT * FROM unit WHERE code = ANY (?)
