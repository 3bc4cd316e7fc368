INSERT INTO organization (id, display_name, roles, region_code, manufacturer_code, create_time)
VALUES (:o.id, :o.displayName, :roles, :o.regionCode, :o.manufacturerCode, :o.createTime)
ON CONFLICT (id) DO NOTHING
