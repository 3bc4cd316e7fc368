SELECT tree_size, root_hash FROM log_integration WHERE id = 1 FOR UPDATE
