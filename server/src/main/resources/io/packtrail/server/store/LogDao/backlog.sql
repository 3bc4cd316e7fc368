SELECT (SELECT next_index FROM log_head WHERE id = 1)
     - (SELECT tree_size FROM log_integration WHERE id = 1)
