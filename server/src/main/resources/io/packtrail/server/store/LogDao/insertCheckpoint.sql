INSERT INTO log_checkpoint (tree_size, root_hash, note, create_time)
VALUES (:size, :root, :note, :now)
ON CONFLICT (tree_size) DO NOTHING
