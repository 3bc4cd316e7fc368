SELECT tree_size, root_hash, note, create_time FROM log_checkpoint WHERE tree_size = :size
