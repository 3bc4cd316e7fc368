INSERT INTO log_tile (level, idx, hashes) VALUES (:level, :index, :hashes)
ON CONFLICT (level, idx) DO UPDATE SET hashes = EXCLUDED.hashes
