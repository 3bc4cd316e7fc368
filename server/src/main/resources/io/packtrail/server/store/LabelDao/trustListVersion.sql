SELECT version FROM trust_list_version WHERE id = 1
