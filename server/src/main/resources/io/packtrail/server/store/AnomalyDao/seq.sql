SELECT seq FROM anomaly WHERE id = :id
