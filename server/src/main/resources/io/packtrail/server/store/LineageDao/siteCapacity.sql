SELECT coalesce(annual_capacity_tonnes, 0) FROM site WHERE name = :site
