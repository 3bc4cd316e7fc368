SELECT * FROM label_key WHERE organization_id = :organizationId AND status = 'ACTIVE'
