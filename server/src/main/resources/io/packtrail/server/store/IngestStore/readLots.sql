-- Which of the batch's new material lots already exist.
SELECT id FROM material_lot WHERE id = ANY (?)
