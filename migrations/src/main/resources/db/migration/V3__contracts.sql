-- Exact contracts: the time of each unit's last step (a step may not be dated before it), and
-- organisations' registry identifiers.

ALTER TABLE unit ADD COLUMN last_event_time timestamptz;
UPDATE unit u SET last_event_time = e.event_time
    FROM event e WHERE e.unit_code = u.code AND e.sequence = u.event_count;
ALTER TABLE unit ALTER COLUMN last_event_time SET NOT NULL;

-- GB 32100-2015 unified social credit code (18 characters, the last a check character, checked
-- by the server) and an EU economic operator id (EORI: country code and up to 15 characters).
ALTER TABLE organization
    ADD COLUMN unified_social_credit_code text
        CHECK (unified_social_credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
    ADD COLUMN eu_operator_id text CHECK (eu_operator_id ~ '^[A-Z]{2}[A-Z0-9]{1,15}$');
