INSERT INTO enrollment_code (request_id, site, code_hash, create_time, expire_time)
VALUES (:requestId, :site, :codeHash, :now, :expireTime)
ON CONFLICT (request_id) DO NOTHING
