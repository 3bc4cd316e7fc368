SELECT position FROM anomaly_scan_progress WHERE source = :source FOR UPDATE
