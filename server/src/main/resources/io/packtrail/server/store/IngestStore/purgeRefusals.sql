DELETE FROM refusal WHERE create_time < ?
