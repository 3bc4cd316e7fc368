INSERT INTO pki_certificate (serial, kind, principal, common_name, organization, site, device,
    public_key_sha256, not_before, not_after, certificate, issue_time)
VALUES (:serial, :kind, :principal, :commonName, :organization, :site, :device,
    :publicKeySha256, :notBefore, :notAfter, :certificate, :now)
ON CONFLICT (device, public_key_sha256) WHERE kind = 'DEVICE' DO NOTHING
