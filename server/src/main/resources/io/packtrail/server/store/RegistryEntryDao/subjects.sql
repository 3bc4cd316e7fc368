SELECT entry_type || ' ' || subject FROM registry_entry
