-- The region summary's late steps (docs/deadlines.md), counted per recording organisation,
-- with the log indexes of the first :first of them. Which rule (working days) applies to each
-- organisation's steps, and the due time of each day and number of working days, come as
-- tables that DeadlineTables generates from ReportingDeadlines: this statement only looks them
-- up and compares times. A step's day is its event time's date in China (UTC+8), as days since
-- 1970-01-01; its due time is read from the array :dueSeconds by day and working days. Steps
-- dated in [:startTime, :endTime) and not before the reporting start, recorded at the sites of
-- a region (prefix) or by one organisation, received at or after their due time. The due time
-- is always more than 15 days after the step (no rule is shorter than 15 working days): the
-- partial index event_late_idx holds just the steps received that late.
WITH rule AS (
    SELECT *
    FROM unnest(CAST(:ruleOrganizations AS text[]), CAST(:ruleSteps AS text[]),
                CAST(:ruleDays AS int[])) AS r(organization, step, days)
), late AS MATERIALIZED (
    SELECT e.log_index, e.actor_organization AS organization
    FROM event e
    JOIN site s ON s.name = e.actor_site
    JOIN organization o ON o.name = e.actor_organization
    JOIN rule r ON r.organization = e.actor_organization AND r.step = e.type
    WHERE e.record_time - e.event_time > interval '15 days'
      AND e.event_time >= :startTime AND e.event_time < :endTime
      AND e.event_time >= :reportingStart
      AND (CAST(:prefix AS text) IS NULL OR s.region_code LIKE :prefix || '%')
      AND (CAST(:organization AS text) IS NULL OR e.actor_organization = :organization)
      AND e.record_time >= to_timestamp((CAST(:dueSeconds AS bigint[]))[
            (CAST(timezone('UTC', e.event_time) + interval '8 hours' AS date) - DATE '1970-01-01'
             - :dueFirstDay) * cardinality(CAST(:dueWorkingDays AS int[]))
            + array_position(CAST(:dueWorkingDays AS int[]), r.days)])
)
SELECT organization, count(*) AS items, 0 AS recorded_late, CAST(NULL AS bigint) AS log_index
FROM late
GROUP BY organization
UNION ALL
(SELECT NULL, NULL, NULL, log_index FROM late ORDER BY log_index LIMIT :first)
