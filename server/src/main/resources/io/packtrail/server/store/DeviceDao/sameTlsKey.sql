SELECT tls_key_sha256 IS NOT DISTINCT FROM CAST(:tlsKeySha256 AS bytea)
FROM enrollment_code WHERE request_id = :requestId
