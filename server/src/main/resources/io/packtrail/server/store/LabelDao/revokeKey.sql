UPDATE label_key SET status = 'REVOKED', status_time = :now WHERE key_id = :keyId AND status <> 'REVOKED'
