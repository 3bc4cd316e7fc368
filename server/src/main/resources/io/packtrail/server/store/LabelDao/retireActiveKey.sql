UPDATE label_key SET status = 'RETIRED', status_time = :now WHERE organization_id = :organizationId AND status = 'ACTIVE'
