-- Units with a step of log_index in (:after, :upto] (recorded since the last scan, whatever its
-- event time) in one of :states with their last step before :cutoff, with their evidence and no
-- anomaly of :kind kept for it yet.
SELECT u.code, u.last_event_time, e.sequence, e.type, e.event_time, e.actor_organization,
       s.region_code AS site_region, u.custodian, u.shipment_destination,
       d.region_code AS destination_region
FROM (SELECT DISTINCT t.unit_code FROM event t
      WHERE t.log_index > :after AND t.log_index <= :upto) tu
-- driven by the window's events: each unit by its key, never a walk of the idle units
JOIN LATERAL (SELECT * FROM unit WHERE code = tu.unit_code OFFSET 0) u ON true
JOIN LATERAL (
    SELECT ev.sequence, ev.type, ev.event_time, ev.actor_organization, ev.actor_site
    FROM event ev
    WHERE ev.unit_code = u.code
      AND (cardinality(CAST(:types AS text[])) = 0 AND ev.type <> 'correction'
           OR ev.type = ANY (CAST(:types AS text[])))
    ORDER BY ev.sequence DESC
    LIMIT 1
) e ON true
LEFT JOIN site s ON s.name = e.actor_site
LEFT JOIN site d ON d.name = u.shipment_destination
WHERE u.state = ANY (CAST(:states AS text[]))
  AND u.state IN ('REGISTERED', 'REMOVED', 'COLLECTED', 'IN_TRANSIT', 'RECEIVED', 'GRADED')
  AND u.last_event_time < :cutoff
  AND NOT EXISTS (SELECT 1 FROM anomaly a
                  WHERE a.unit_code = u.code AND a.kind = :kind
                    AND a.evidence_sequence = e.sequence)
ORDER BY u.last_event_time, u.code
