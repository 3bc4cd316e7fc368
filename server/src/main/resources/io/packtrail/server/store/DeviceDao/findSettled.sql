SELECT * FROM device WHERE name = :name FOR SHARE
