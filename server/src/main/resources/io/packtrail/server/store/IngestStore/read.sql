-- One round trip: lock the log head, then read the events already recorded under the batch's
-- ids (retries), the current state of the batch's units, which of them have a parent in the
-- lineage, and the refusals remembered under the batch's ids; readLots.sql and
-- readParties.sql follow when the batch has lots or corrections (IngestStore#begin).
SELECT next_index FROM log_head WHERE id = 1 FOR UPDATE;
SELECT * FROM event WHERE event_id = ANY (?);
SELECT * FROM unit WHERE code = ANY (?);
SELECT DISTINCT to_code FROM unit_link WHERE to_code = ANY (?);
SELECT event_id, request_digest, refusal FROM refusal WHERE event_id = ANY (?)
