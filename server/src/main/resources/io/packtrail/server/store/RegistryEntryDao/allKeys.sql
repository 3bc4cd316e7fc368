SELECT * FROM label_key ORDER BY organization_id, create_time, key_id
