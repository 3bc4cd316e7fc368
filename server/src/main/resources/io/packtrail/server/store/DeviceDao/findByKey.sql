SELECT * FROM device WHERE public_key = :publicKey
