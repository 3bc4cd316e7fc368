INSERT INTO registry_entry (log_index, entry_type, subject, canonical_bytes, record_time)
VALUES (:e.logIndex, :type, :e.subject, :e.canonicalBytes, :e.recordTime)
