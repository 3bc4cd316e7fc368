INSERT INTO site (organization_id, id, display_name, kind, region_code, address, latitude,
                  longitude, create_time, annual_capacity_tonnes)
VALUES (:s.organizationId, :s.id, :s.displayName, :kind, :s.regionCode, :s.address, :s.latitude,
        :s.longitude, :s.createTime, :s.annualCapacityTonnes)
ON CONFLICT (organization_id, id) DO NOTHING
