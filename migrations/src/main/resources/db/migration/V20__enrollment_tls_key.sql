-- The TLS public key (its SHA-256) the enrollment that used a code asked a certificate for; NULL
-- when it asked for none (or used the code before V20). A retry of that enrollment must ask for
-- the same key: before, a retry could add a TLS key the first enrollment never sent, and get a
-- client certificate of the device for it from anyone holding the used code. Nullable, no
-- default: adding it rewrites nothing.
ALTER TABLE enrollment_code ADD COLUMN tls_key_sha256 bytea
    CHECK (tls_key_sha256 IS NULL OR octet_length(tls_key_sha256) = 32);
