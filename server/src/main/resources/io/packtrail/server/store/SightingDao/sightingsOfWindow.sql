-- For every step with a scanned label and log_index in (:after, :upto], every scan of that label
-- (the step's own included), grouped by the step: what the anomaly scan checks again, so that a
-- check the ingest path queued in memory and lost (a crash, a stop) is still made. Reads the
-- window by its log index and each label's scans by event_label_serial_idx.
SELECT w.event_id AS scanned_event_id, w.label_serial,
       e.event_id, e.unit_code, e.sequence, e.actor_site, e.event_time,
       coalesce(s.latitude, 0) AS latitude, coalesce(s.longitude, 0) AS longitude
FROM event w
JOIN event e ON e.label_serial = w.label_serial
LEFT JOIN site s ON s.name = e.actor_site
WHERE w.log_index > :after AND w.log_index <= :upto AND w.label_serial IS NOT NULL
ORDER BY w.log_index, e.event_time
