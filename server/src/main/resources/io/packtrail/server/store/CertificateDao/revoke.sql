UPDATE pki_certificate SET revoke_time = :now, revocation_reason = :reason
WHERE serial = :serial AND revoke_time IS NULL
