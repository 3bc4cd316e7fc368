SELECT * FROM site ORDER BY create_time, name
