SELECT serial, kind, principal, common_name, not_before, not_after, certificate, issue_time,
    revoke_time, revocation_reason
FROM pki_certificate
WHERE kind = 'DEVICE' AND device = :device AND public_key_sha256 = :publicKeySha256
