SELECT * FROM anomaly_acknowledgement WHERE anomaly_id = ANY (:ids) ORDER BY create_time, request_id
