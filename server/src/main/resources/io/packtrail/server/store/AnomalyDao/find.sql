SELECT * FROM anomaly WHERE id = :id
