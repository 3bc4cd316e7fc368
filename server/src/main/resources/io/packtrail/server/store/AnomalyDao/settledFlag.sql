SELECT coalesce(max(id), :after) FROM unit_anomaly WHERE id > :after AND create_time < :settled
