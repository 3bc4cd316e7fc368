-- The EU Battery Regulation's status of each unit (issue 7): what the steps made of it.
-- Units recorded before this column existed read as original.
ALTER TABLE unit ADD COLUMN eu_status text NOT NULL DEFAULT 'ORIGINAL'
    CHECK (eu_status IN ('ORIGINAL', 'REPURPOSED', 'REUSED', 'REMANUFACTURED', 'WASTE'));
