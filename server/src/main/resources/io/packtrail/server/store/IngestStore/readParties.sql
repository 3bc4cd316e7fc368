-- The parties of the units the batch corrects (a correction is for the unit's parties).
SELECT unit_code, organization FROM unit_party WHERE unit_code = ANY (?)
