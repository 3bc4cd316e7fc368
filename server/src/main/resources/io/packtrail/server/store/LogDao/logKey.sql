SELECT origin, key_hash, public_key, private_key_sealed FROM log_key WHERE id = 1
