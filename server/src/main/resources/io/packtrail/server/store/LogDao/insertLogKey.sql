INSERT INTO log_key (id, origin, key_hash, public_key, private_key_sealed, create_time)
VALUES (1, :origin, :keyHash, :publicKey, :sealed, :now)
ON CONFLICT (id) DO NOTHING
