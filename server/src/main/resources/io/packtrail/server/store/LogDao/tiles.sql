SELECT t.level, t.idx, t.hashes
FROM unnest(:levels::int[], :indexes::bigint[]) AS k (level, idx)
JOIN log_tile t ON t.level = k.level AND t.idx = k.idx
