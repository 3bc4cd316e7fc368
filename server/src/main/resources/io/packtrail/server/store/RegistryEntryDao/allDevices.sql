SELECT * FROM device ORDER BY create_time, name
