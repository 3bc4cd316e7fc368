SELECT key_id, public_key, private_key_sealed FROM root_key WHERE id = 1
