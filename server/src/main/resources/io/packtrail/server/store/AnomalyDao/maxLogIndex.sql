SELECT coalesce(max(log_index), -1) FROM event
