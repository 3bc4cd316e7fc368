SELECT * FROM unit_anomaly WHERE unit_code = ANY (:codes) ORDER BY id
