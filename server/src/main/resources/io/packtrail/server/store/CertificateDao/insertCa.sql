INSERT INTO pki_ca (id, certificate, private_key_sealed, create_time)
VALUES (1, :certificate, :sealed, :now)
ON CONFLICT (id) DO NOTHING
