INSERT INTO device (site, id, display_name, public_key, status, enrollment_code, create_time)
VALUES (:site, :id, :displayName, :publicKey, 'ACTIVE', :enrollmentCode, :now)
ON CONFLICT DO NOTHING
