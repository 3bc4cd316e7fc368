-- The first and last event time in [:startTime, :endTime) not before :reportingStart (two
-- probes of event_time_idx): the span of days the due-time table must cover.
SELECT min(event_time) AS first_time, max(event_time) AS last_time
FROM event
WHERE event_time >= :startTime AND event_time < :endTime AND event_time >= :reportingStart
