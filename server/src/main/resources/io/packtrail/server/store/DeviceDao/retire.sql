UPDATE device SET status = 'RETIRED', retire_time = :now
WHERE name = :name AND status = 'ACTIVE'
