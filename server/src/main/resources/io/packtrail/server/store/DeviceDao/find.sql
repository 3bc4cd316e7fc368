SELECT * FROM device WHERE name = :name
