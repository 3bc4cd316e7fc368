SELECT * FROM label_key ORDER BY key_id
