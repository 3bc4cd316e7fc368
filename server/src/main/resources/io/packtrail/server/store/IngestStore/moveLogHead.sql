-- The log head, past the batch's events: the statement that the parts above are CTEs of.
UPDATE log_head SET next_index = ? WHERE id = 1
