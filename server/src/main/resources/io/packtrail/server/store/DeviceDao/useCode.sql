UPDATE enrollment_code SET use_time = :now, used_by = :device
WHERE request_id = :requestId AND use_time IS NULL
