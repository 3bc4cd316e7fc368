SELECT NOT EXISTS (SELECT 1 FROM log_checkpoint c JOIN log_integration i
                   ON i.id = 1 AND c.tree_size = i.tree_size)
