SELECT * FROM registry_entry
WHERE log_index >= :start
ORDER BY log_index
LIMIT :limit
