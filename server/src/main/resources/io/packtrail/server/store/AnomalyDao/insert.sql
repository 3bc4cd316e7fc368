INSERT INTO anomaly (id, kind, description, unit_code, events, evidence_sequence, organizations,
                     region_codes, occur_time, create_time)
VALUES (:id, :kind, :description, :unitCode, :events, :evidenceSequence, :organizations,
        :regionCodes, :occurTime, :createTime)
ON CONFLICT (id) DO NOTHING
