UPDATE pki_certificate SET revoke_time = :now, revocation_reason = :reason
WHERE kind = 'DEVICE' AND device = :device AND revoke_time IS NULL
