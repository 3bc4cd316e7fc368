-- Every organisation's name and roles, for the rule tables of the region summary.
SELECT name, roles FROM organization ORDER BY name
