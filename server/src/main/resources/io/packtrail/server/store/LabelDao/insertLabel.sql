INSERT INTO label (serial, unit_code, key_id, issued_at, text, status, request_id, status_time)
VALUES (:serial, :unitCode, :keyId, :issuedAt, :text, 'ACTIVE', :requestId, :now)
