SELECT * FROM anomaly_acknowledgement WHERE request_id = :requestId
