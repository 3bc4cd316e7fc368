SELECT certificate, private_key_sealed FROM pki_ca WHERE id = 1
