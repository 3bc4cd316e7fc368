SELECT * FROM organization WHERE id = :id
