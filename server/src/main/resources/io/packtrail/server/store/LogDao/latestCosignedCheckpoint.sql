-- the latest checkpoint with at least :min cosignatures: the cosignatures' primary key
-- (tree_size, key_name, key_hash) is read backwards from the largest size, stopping at the first
-- size with enough of them
SELECT c.tree_size, c.root_hash, c.note, c.create_time FROM log_checkpoint c
WHERE c.tree_size = (
    SELECT s.tree_size FROM log_cosignature s
    GROUP BY s.tree_size HAVING count(*) >= :min
    ORDER BY s.tree_size DESC LIMIT 1)
