UPDATE trust_list_version SET version = version + 1 WHERE id = 1
