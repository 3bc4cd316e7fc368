SELECT tree_size, root_hash, note, create_time FROM log_checkpoint
ORDER BY tree_size DESC LIMIT 1
