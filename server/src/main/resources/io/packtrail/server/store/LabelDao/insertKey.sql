INSERT INTO label_key (key_id, organization_id, public_key, private_key_sealed, not_before,
                       not_after, status, request_id, create_time, status_time)
VALUES (:keyId, :organizationId, :publicKey, :sealed, :notBefore, :notAfter, 'ACTIVE', :requestId,
        :now, :now)
