SELECT unit_code FROM unit_party
WHERE organization = :organization AND unit_code = ANY (:codes)
