-- ListUnits by state and custodian (a holder's work queue: "the GRADED packs we hold") walks
-- this index in code order and reads only its page. Without it, the plan walked (state, code) or
-- (custodian, code) and filtered the other column: where the pair is sparse in that order (one
-- custodian's units of a state behind another's in code order) a page of 50 read every unit in
-- between, 64,022 rows and 183 ms at p99 on the bulk-loaded million units
-- (docs/decisions.md, "ListUnits by state and custodian reads its page only").
CREATE INDEX unit_state_custodian_idx ON unit (state, custodian, code);
