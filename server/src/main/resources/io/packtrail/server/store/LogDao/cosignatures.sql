SELECT key_name, key_hash, signature_line, cosigned_time, receive_time FROM log_cosignature
WHERE tree_size = :size ORDER BY key_name, key_hash
