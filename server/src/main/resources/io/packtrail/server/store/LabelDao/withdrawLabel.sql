UPDATE label SET status = :status, superseded_by = :supersededBy, status_time = :now WHERE serial = :serial AND status = 'ACTIVE'
