SELECT * FROM registry_entry
WHERE subject = :subject
ORDER BY log_index
