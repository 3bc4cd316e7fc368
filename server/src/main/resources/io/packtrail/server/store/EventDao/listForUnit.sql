SELECT * FROM event
WHERE unit_code = :code AND sequence > :afterSequence
ORDER BY sequence
LIMIT :limit
