SELECT * FROM unit WHERE code = ANY (:codes)
