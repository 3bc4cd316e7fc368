-- Steps that make another expected (shipments, removals, receipts: ReportingDeadlines decides
-- which receipts) whose expected step may be overdue: the unit's next step other than a
-- correction is missing and the step is more than :minDays calendar days before :asOf, or the
-- next step was received more than :minDays days after the step. The party expected to report
-- is the destination of a shipment (the site of the receipt, or the unit's open shipment while
-- it is in transit), else the recording organisation. Dated in [:startTime, :endTime) and not
-- before the reporting start; region and organisation filters apply to the party. In log order
-- after :after; only the steps at the log indexes :ids when given (the region summary's first
-- items).
SELECT e.log_index, e.unit_code, e.sequence, e.type, e.event_time, e.record_time,
       e.actor_organization AS organization, ao.roles, e.actor_site AS site,
       aos.region_code,
       po.name AS party_organization, po.roles AS party_roles, ps.name AS party_site,
       ps.region_code AS party_region_code,
       n.sequence AS next_sequence, n.type AS next_type, n.record_time AS next_record_time
FROM event e
JOIN organization ao ON ao.name = e.actor_organization
JOIN site aos ON aos.name = e.actor_site
JOIN unit u ON u.code = e.unit_code
LEFT JOIN LATERAL (
    SELECT x.sequence, x.type, x.record_time, x.actor_site
    FROM event x
    WHERE x.unit_code = e.unit_code AND x.sequence > e.sequence AND x.type <> 'correction'
    ORDER BY x.sequence
    LIMIT 1
) n ON true
JOIN site ps ON ps.name = CASE WHEN e.type = 'shipment'
    THEN coalesce(n.actor_site, u.shipment_destination) ELSE e.actor_site END
JOIN organization po ON po.id = ps.organization_id
WHERE (e.type IN ('shipment', 'removal')
       OR e.type = 'receipt' AND 'RECYCLER' = ANY (ao.roles))
  AND e.event_time >= :startTime AND e.event_time < :endTime
  AND e.event_time >= :reportingStart
  AND (CAST(:prefix AS text) IS NULL OR ps.region_code LIKE :prefix || '%')
  AND (CAST(:organization AS text) IS NULL OR po.name = :organization)
  AND (n.sequence IS NULL AND e.event_time < CAST(:asOf AS timestamptz) - make_interval(days => :minDays)
       OR n.sequence IS NOT NULL AND NOT :openOnly
          AND n.record_time > e.event_time + make_interval(days => :minDays))
  AND e.log_index > :after
  AND (CAST(:ids AS bigint[]) IS NULL OR e.log_index = ANY (CAST(:ids AS bigint[])))
ORDER BY e.log_index
LIMIT :limit
