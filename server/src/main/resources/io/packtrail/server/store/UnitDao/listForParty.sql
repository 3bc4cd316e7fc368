-- The units an organisation is a party of, with list.sql's filters. The party's rows
-- (unit_party's primary key) and the units' filter indexes are both in code order, so
-- PostgreSQL may start from either: from the party's rows, or, for a rare state, from the
-- state's units, looking each up among the party's rows (UnitListingPlanTest). Keep the join
-- plain: a subquery or CTE around either side takes that choice away.
SELECT u.*
FROM unit_party p
JOIN unit u ON u.code = p.unit_code
WHERE p.organization = :party
  AND (CAST(:afterCode AS text) IS NULL OR p.unit_code > :afterCode)
  AND (CAST(:state AS text) IS NULL OR u.state = :state)
  AND (CAST(:custodian AS text) IS NULL OR u.custodian = :custodian)
  AND (CAST(:level AS text) IS NULL OR u.level = :level)
  AND (CAST(:chemistry AS text) IS NULL OR u.chemistry = :chemistry)
ORDER BY p.unit_code
LIMIT :limit
