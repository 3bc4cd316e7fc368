-- the latest checkpoint with at least :min cosignatures of the witnesses configured now
-- (:witnesses, each "name hex(key_hash)"): the cosignatures' primary key (tree_size, key_name,
-- key_hash) is read backwards from the largest size, stopping at the first size with enough
SELECT c.tree_size, c.root_hash, c.note, c.create_time FROM log_checkpoint c
WHERE c.tree_size = (
    SELECT s.tree_size FROM log_cosignature s
    WHERE s.key_name || ' ' || encode(s.key_hash, 'hex') = ANY (:witnesses)
    GROUP BY s.tree_size HAVING count(*) >= :min
    ORDER BY s.tree_size DESC LIMIT 1)
