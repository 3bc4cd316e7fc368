SELECT * FROM site WHERE name = :name
