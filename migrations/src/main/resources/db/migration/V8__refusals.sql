-- Refusals remembered per event id: a step the server refused gets the same refusal when it is
-- sent again with the same event_id and content (docs/formats.md section 5). Written and read
-- under the log head lock, like events, so an id has one fate: recorded or refused. Rows older
-- than the retention (30 days) are deleted by the server; a re-send after that is judged anew.

CREATE TABLE refusal (
    event_id       uuid        PRIMARY KEY,
    unit_code      text        NOT NULL,
    request_digest bytea       NOT NULL,
    refusal        text        NOT NULL,
    create_time    timestamptz NOT NULL
);
CREATE INDEX refusal_create_time_idx ON refusal (create_time);
