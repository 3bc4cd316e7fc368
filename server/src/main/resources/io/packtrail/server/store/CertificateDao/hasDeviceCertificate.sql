SELECT EXISTS (SELECT 1 FROM pki_certificate WHERE kind = 'DEVICE' AND device = :device)
