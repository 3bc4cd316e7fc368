-- Who may do what (issue 10).
--
-- 1. Who submitted each event: the authenticated principal's kind, resource name and
--    certificate serial, as its canonical bytes hold them (docs/formats.md section 14); here as
--    columns so the events of one certificate (a compromised one, say) are found by index.
--    Events recorded before, and in plaintext development mode, have none: NULL.
ALTER TABLE event
    ADD COLUMN submitter_kind text,
    ADD COLUMN submitter text,
    ADD COLUMN submitter_certificate_serial text;
CREATE INDEX event_submitter_certificate_idx ON event (submitter_certificate_serial)
    WHERE submitter_certificate_serial IS NOT NULL;

-- 2. The parties of each unit: the organisations with a legitimate interest in its history,
--    custody and state of health (EU access tiers): its maker, every organisation that recorded
--    a step of it, held it (a sale's dealer) or was sent it. Only ever grows: a party stays a
--    party. Written with the events (IngestStore/write.sql).
CREATE TABLE unit_party (
    organization text NOT NULL,
    unit_code    text NOT NULL REFERENCES unit (code),
    PRIMARY KEY (organization, unit_code)
);
CREATE INDEX unit_party_unit_idx ON unit_party (unit_code, organization);

-- The parties of the units recorded so far, from what is stored: makers, actors, current
-- custodians and shipment destinations, and the dealers of sales (the only custody that goes to
-- an organisation other than the recording one), read from the sale's canonical bytes: the
-- value of key `sale.dealer` (section 3 layout: u16 key length 11, the key, u32 value length,
-- the value).
INSERT INTO unit_party (organization, unit_code)
SELECT maker, code FROM unit
UNION
SELECT actor_organization, unit_code FROM event
UNION
SELECT custodian, code FROM unit WHERE custodian IS NOT NULL
UNION
SELECT split_part(shipment_destination, '/sites/', 1), code FROM unit
WHERE shipment_destination IS NOT NULL
UNION
SELECT convert_from(substring(canonical FROM p + 17 FOR
           (get_byte(canonical, p + 12) << 24) | (get_byte(canonical, p + 13) << 16)
         | (get_byte(canonical, p + 14) << 8) | get_byte(canonical, p + 15)), 'UTF8'),
       unit_code
FROM (SELECT unit_code, canonical,
             position('\x000b73616c652e6465616c6572'::bytea IN canonical) AS p
      FROM event WHERE type = 'sale') AS sale
WHERE p > 0;
