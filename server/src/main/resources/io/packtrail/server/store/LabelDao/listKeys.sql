SELECT * FROM label_key WHERE organization_id = :organizationId ORDER BY create_time
