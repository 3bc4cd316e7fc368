-- A retired key signs nothing new: its validity ends five minutes after its retirement (labels
-- being issued with it as it is retired, and other instances' clocks, stay inside), a second
-- after its creation at the least, as the table requires not_after > not_before
UPDATE label_key
SET status = 'RETIRED', status_time = :now,
    not_after = GREATEST(LEAST(not_after, CAST(:now AS timestamptz) + interval '5 minutes'),
                         not_before + interval '1 second')
WHERE organization_id = :organizationId AND status = 'ACTIVE'
