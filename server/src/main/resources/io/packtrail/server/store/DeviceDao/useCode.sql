UPDATE enrollment_code SET use_time = :now, used_by = :device, tls_key_sha256 = :tlsKeySha256
WHERE request_id = :requestId AND use_time IS NULL
