INSERT INTO root_key (id, key_id, public_key, private_key_sealed, create_time) VALUES (1, :keyId, :publicKey, :sealed, :now) ON CONFLICT (id) DO NOTHING
