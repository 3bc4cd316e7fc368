UPDATE log_integration SET tree_size = :size, root_hash = :root, update_time = :now
WHERE id = 1 AND tree_size = :previous
