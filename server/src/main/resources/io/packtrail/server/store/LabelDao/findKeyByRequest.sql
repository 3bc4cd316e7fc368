SELECT * FROM label_key WHERE request_id = :requestId
