SELECT nextval('label_serial')
