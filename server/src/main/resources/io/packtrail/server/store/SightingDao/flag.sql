INSERT INTO unit_anomaly (unit_code, kind, description, events, create_time)
VALUES (:unitCode, :kind, :description, :events, :now)
ON CONFLICT (unit_code, kind, events) DO NOTHING
