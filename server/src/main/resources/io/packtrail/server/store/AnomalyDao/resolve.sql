-- The time-rule anomalies whose unit has moved on: the first step after the evidence that is not
-- a correction (a correction is a record about the unit, no sighting of it) resolves it (every
-- other step leaves IN_TRANSIT or REMOVED; judging by the unit's state now would miss a unit
-- received and shipped on between two scans). The resolving event is that step, resolve_time
-- its event time. Reads the unresolved ones only (anomaly_unresolved_idx).
WITH due AS (
    SELECT a.id, r.unit_code, r.sequence, r.event_time
    FROM anomaly a
    JOIN unit u ON u.code = a.unit_code AND u.event_count > a.evidence_sequence
    CROSS JOIN LATERAL (
        SELECT ev.unit_code, ev.sequence, ev.event_time
        FROM event ev
        WHERE ev.unit_code = a.unit_code AND ev.sequence > a.evidence_sequence
          AND ev.type <> 'correction'
        ORDER BY ev.sequence
        LIMIT 1
    ) r
    WHERE a.resolve_time IS NULL AND a.evidence_sequence IS NOT NULL
      AND a.kind IN ('UNIT_VANISHED', 'SHIPMENT_NOT_RECEIVED', 'REMOVAL_NOT_COLLECTED')
)
UPDATE anomaly a
SET resolve_time = due.event_time,
    resolving_event = 'units/' || due.unit_code || '/events/' || due.sequence
FROM due
WHERE a.id = due.id
