INSERT INTO event (event_id, unit_code, sequence, log_index, type, event_time, record_time,
                   actor_organization, actor_site, canonical, previous_hash, hash, request_digest)
VALUES (:e.eventId, :e.unitCode, :e.sequence, :e.logIndex, :e.type, :e.eventTime, :e.recordTime,
        :e.actorOrganization, :e.actorSite, :e.canonical, :e.previousHash, :e.hash,
        :e.requestDigest)
