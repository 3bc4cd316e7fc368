SELECT * FROM label_key WHERE key_id = :keyId
