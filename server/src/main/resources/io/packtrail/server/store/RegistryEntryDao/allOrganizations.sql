SELECT * FROM organization ORDER BY create_time, id
