-- The time-rule anomalies whose unit has moved on: a vanished unit has a later step; a shipment
-- or removal is resolved once the unit has left that state. The resolving event is the first
-- step after the evidence, resolve_time its event time. Reads the unresolved ones only
-- (anomaly_unresolved_idx).
UPDATE anomaly a
SET resolve_time = r.event_time,
    resolving_event = 'units/' || r.unit_code || '/events/' || r.sequence
FROM unit u, event r
WHERE a.resolve_time IS NULL AND a.evidence_sequence IS NOT NULL
  AND u.code = a.unit_code AND u.event_count > a.evidence_sequence
  AND (a.kind = 'UNIT_VANISHED'
       OR a.kind = 'SHIPMENT_NOT_RECEIVED' AND u.state <> 'IN_TRANSIT'
       OR a.kind = 'REMOVAL_NOT_COLLECTED' AND u.state <> 'REMOVED')
  AND r.unit_code = u.code AND r.sequence = a.evidence_sequence + 1
