SELECT log_index FROM event WHERE unit_code = :code AND sequence = :sequence
