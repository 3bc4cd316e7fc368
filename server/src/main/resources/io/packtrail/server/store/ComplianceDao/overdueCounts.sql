-- The region summary's overdue expected steps (docs/deadlines.md) as of :asOf, counted per
-- party expected to report them (still missing, and recorded late), with the log indexes of the
-- first :first expecting steps. The expectation each organisation's hand-overs make, the
-- working days each organisation has to report an expected step, and the due time of each day
-- and number of working days (the array :dueSeconds, by day and working days) come as tables
-- that DeadlineTables generates from ReportingDeadlines: this statement only looks them up and compares times. The same steps and
-- parties as expectingCandidates.sql: the unit's next step other than a correction, the party
-- the destination of a shipment (the next step's site, or the unit's open shipment's) else the
-- recording site; dated in [:startTime, :endTime) and not before the reporting start; region
-- and organisation filters on the party. The hand-overs are read from the partial index
-- event_handover_idx, the next steps from the (unit_code, sequence) index (index-only, in the
-- index's order).
WITH expecting AS (
    SELECT *
    FROM unnest(CAST(:expectingOrganizations AS text[]), CAST(:expectingSteps AS text[]),
                CAST(:expectations AS text[])) AS x(organization, step, expectation)
), party AS MATERIALIZED (
    -- per site that may be expected to report, and expectation: its organisation and the
    -- working days it has (one small table, so the hand-overs meet it in one hash join)
    SELECT s.name AS site, s.region_code, o.name AS organization, p.expectation, p.days
    FROM unnest(CAST(:partyOrganizations AS text[]), CAST(:partyExpectations AS text[]),
                CAST(:partyDays AS int[])) AS p(organization, expectation, days)
    JOIN organization o ON o.name = p.organization
    JOIN site s ON s.organization_id = o.id
    WHERE (CAST(:prefix AS text) IS NULL OR s.region_code LIKE :prefix || '%')
      AND (CAST(:organization AS text) IS NULL OR o.name = :organization)
), handover AS MATERIALIZED (
    -- the hand-overs that make a step expected, each with its next step, looked up once per
    -- hand-over before anything else joins them
    SELECT e.log_index, e.unit_code, e.type, e.event_time, e.actor_site, e.expectation,
           n.sequence AS next_sequence, n.record_time AS next_record_time,
           n.actor_site AS next_site
    FROM (
        -- in the order of the (unit_code, sequence) index: the look-ups then read its pages
        -- in order, each once, rather than at random
        SELECT e.log_index, e.unit_code, e.sequence, e.type, e.event_time, e.actor_site,
               x.expectation
        FROM event e
        JOIN site aos ON aos.name = e.actor_site
        JOIN expecting x ON x.organization = e.actor_organization AND x.step = e.type
        WHERE e.type IN ('shipment', 'removal', 'receipt')
          AND e.event_time >= :startTime AND e.event_time < :endTime
          AND e.event_time >= :reportingStart
        ORDER BY e.unit_code, e.sequence
        OFFSET 0
    ) e
    LEFT JOIN LATERAL (
        SELECT y.sequence, y.record_time, y.actor_site
        FROM event y
        WHERE y.unit_code = e.unit_code AND y.sequence > e.sequence AND y.type <> 'correction'
        ORDER BY y.sequence
        LIMIT 1
    ) n ON true
), overdue AS MATERIALIZED (
    SELECT h.log_index, p.organization, h.next_sequence IS NULL AS open
    FROM handover h
    JOIN party p ON p.site = CASE WHEN h.type = 'shipment'
            THEN coalesce(h.next_site,
                          (SELECT u.shipment_destination FROM unit u WHERE u.code = h.unit_code))
            ELSE h.actor_site END
        AND p.expectation = h.expectation
    WHERE coalesce(h.next_record_time, CAST(:asOf AS timestamptz))
          >= to_timestamp((CAST(:dueSeconds AS bigint[]))[
            (CAST(timezone('UTC', h.event_time) + interval '8 hours' AS date) - DATE '1970-01-01'
             - :dueFirstDay) * cardinality(CAST(:dueWorkingDays AS int[]))
            + array_position(CAST(:dueWorkingDays AS int[]), p.days)])
)
SELECT organization, count(*) FILTER (WHERE open) AS open,
       count(*) FILTER (WHERE NOT open) AS recorded_late, CAST(NULL AS bigint) AS log_index
FROM overdue
GROUP BY organization
UNION ALL
(SELECT NULL, NULL, NULL, log_index FROM overdue ORDER BY log_index LIMIT :first)
