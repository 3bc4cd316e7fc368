SELECT organization FROM unit_party WHERE unit_code = :code
