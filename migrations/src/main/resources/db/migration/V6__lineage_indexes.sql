-- Lineage queries (issue 7): trade-ins of a station and the plant figures of a site over a
-- period read the multi-unit steps recorded at a site in a time range.
CREATE INDEX event_site_step_idx ON event (actor_site, type, event_time)
    WHERE type IN ('trade_in', 'dismantling', 'recycling');
