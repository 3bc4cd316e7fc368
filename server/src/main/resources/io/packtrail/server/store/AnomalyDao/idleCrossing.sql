-- Units in one of :states whose last step is in [:from, :cutoff): those that became idle past
-- the cutoff since the last scan (unit_idle_idx), after the key (:afterTime, :afterCode), with
-- their evidence (the latest event of one of :types, any type but a correction when :types is
-- empty: a correction is no sighting of the unit, and moves no last_event_time) and no
-- anomaly of :kind kept for that event yet.
SELECT u.code, u.last_event_time, e.sequence, e.type, e.event_time, e.actor_organization,
       s.region_code AS site_region, u.custodian, u.shipment_destination,
       d.region_code AS destination_region
FROM unit u
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
  AND u.last_event_time >= :from AND u.last_event_time < :cutoff
  AND (u.last_event_time, u.code) > (:afterTime, :afterCode)
  AND NOT EXISTS (SELECT 1 FROM anomaly a
                  WHERE a.unit_code = u.code AND a.kind = :kind
                    AND a.evidence_sequence = e.sequence)
ORDER BY u.last_event_time, u.code
LIMIT :limit
