UPDATE anomaly_scan_progress SET position = :position WHERE source = :source
