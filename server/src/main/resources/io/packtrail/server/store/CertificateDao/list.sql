SELECT serial, kind, principal, common_name, not_before, not_after, certificate, issue_time,
    revoke_time, revocation_reason
FROM pki_certificate
ORDER BY issue_time, serial
