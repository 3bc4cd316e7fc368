-- The units an organisation is a party of, driven by its rows of unit_party (in code order
-- by their primary key), with list.sql's filters.
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
