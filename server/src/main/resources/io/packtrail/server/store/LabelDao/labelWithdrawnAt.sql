SELECT status_time FROM label WHERE serial = :serial AND status <> 'ACTIVE'
