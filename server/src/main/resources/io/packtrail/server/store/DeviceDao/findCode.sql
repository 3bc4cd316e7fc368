SELECT * FROM enrollment_code WHERE request_id = :requestId
