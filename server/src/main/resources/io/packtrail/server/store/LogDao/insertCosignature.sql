-- one cosignature per checkpoint and witness key: the first received is kept, a re-submission
-- (or another cosignature of the same key for the same checkpoint) inserts nothing
INSERT INTO log_cosignature (tree_size, key_name, key_hash, signature_line, cosigned_time,
                             receive_time)
VALUES (:size, :keyName, :keyHash, :line, :cosigned, :now)
ON CONFLICT (tree_size, key_name, key_hash) DO NOTHING
