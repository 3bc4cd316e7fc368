SELECT * FROM unit WHERE code = :code
