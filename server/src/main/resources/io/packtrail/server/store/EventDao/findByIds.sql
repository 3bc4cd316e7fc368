SELECT * FROM event WHERE event_id = ANY (:ids)
