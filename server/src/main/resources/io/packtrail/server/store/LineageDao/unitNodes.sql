SELECT code, level, state, custodian FROM unit WHERE code = ANY(:codes)
