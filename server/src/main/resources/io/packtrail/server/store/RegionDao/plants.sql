SELECT * FROM site
WHERE region_code LIKE :prefix || '%' AND kind IN ('DISMANTLING_LINE', 'RECYCLING_PLANT')
ORDER BY name
