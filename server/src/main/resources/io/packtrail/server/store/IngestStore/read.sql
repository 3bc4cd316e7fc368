-- One round trip: lock the log head, then read the events already recorded under the batch's
-- ids (retries), the current state of the batch's units, which of them have a parent in the
-- lineage, which of the batch's new material lots already exist, the refusals remembered
-- under the batch's ids, and the parties of the units the batch corrects (a correction is for
-- the unit's parties).
SELECT next_index FROM log_head WHERE id = 1 FOR UPDATE;
SELECT * FROM event WHERE event_id = ANY (?);
SELECT * FROM unit WHERE code = ANY (?);
SELECT DISTINCT to_code FROM unit_link WHERE to_code = ANY (?);
SELECT id FROM material_lot WHERE id = ANY (?);
SELECT event_id, request_digest, refusal FROM refusal WHERE event_id = ANY (?);
SELECT unit_code, organization FROM unit_party WHERE unit_code = ANY (?)
