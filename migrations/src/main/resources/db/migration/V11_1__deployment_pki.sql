-- The deployment PKI (issue 10): one certificate authority per deployment, its ECDSA P-256
-- private key sealed like the label and log keys (KeySealer, the certificate's SHA-256 as
-- associated data), and every certificate it issued, by serial, with its revocation.
-- Versioned 11.1 so that another migration numbered 11 can sit beside it.

CREATE TABLE pki_ca (
    id                 smallint    PRIMARY KEY CHECK (id = 1),
    certificate        bytea       NOT NULL,
    private_key_sealed bytea       NOT NULL,
    create_time        timestamptz NOT NULL
);

-- kind SERVER is a server certificate; the others are the kinds of principal a client
-- certificate names (its subject alternative name URI is `principal`, docs/formats.md section
-- 14). A revoked certificate keeps its row; the running servers read revocations through a
-- cache of about a second (pki/IssuedCertificates).
CREATE TABLE pki_certificate (
    serial             text        PRIMARY KEY CHECK (serial ~ '^[4-7][0-9a-f]{31}$'),
    kind               text        NOT NULL CHECK (kind IN ('SERVER', 'ORGANIZATION_SYSTEM',
                                       'DEVICE', 'WORKER', 'AUDITOR', 'REGULATOR', 'OPERATOR')),
    principal          text,
    common_name        text        NOT NULL,
    organization       text,
    site               text,
    device             text,
    public_key_sha256  bytea       NOT NULL CHECK (length(public_key_sha256) = 32),
    not_before         timestamptz NOT NULL,
    not_after          timestamptz NOT NULL CHECK (not_after > not_before),
    certificate        bytea       NOT NULL,
    issue_time         timestamptz NOT NULL,
    revoke_time        timestamptz,
    revocation_reason  text,
    CHECK ((kind = 'SERVER') = (principal IS NULL)),
    CHECK ((revoke_time IS NULL) = (revocation_reason IS NULL))
);

-- A device's certificate from its enrollment: one per device and key, so a retried enrollment
-- answers the certificate it issued.
CREATE UNIQUE INDEX pki_certificate_device_key ON pki_certificate (device, public_key_sha256)
    WHERE kind = 'DEVICE';
CREATE INDEX pki_certificate_issue_time ON pki_certificate (issue_time, serial);
