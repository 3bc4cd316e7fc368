-- A unit's events after :afterSequence, in order: only the columns Rows.EventMapper reads (the
-- event is rebuilt from its canonical bytes; the other columns are copies of its fields).
SELECT canonical, previous_hash, hash, request_digest FROM event
WHERE unit_code = :code AND sequence > :afterSequence
ORDER BY sequence
LIMIT :limit
