SELECT * FROM event
WHERE log_index >= :start
ORDER BY log_index
LIMIT :limit
