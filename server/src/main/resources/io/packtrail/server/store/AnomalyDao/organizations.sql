SELECT organizations FROM anomaly WHERE id = :id
