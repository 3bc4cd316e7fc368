INSERT INTO organization (id, display_name, roles, region_code, manufacturer_code, create_time,
                          unified_social_credit_code, eu_operator_id)
VALUES (:o.id, :o.displayName, :roles, :o.regionCode, :o.manufacturerCode, :o.createTime,
        :o.unifiedSocialCreditCode, :o.euOperatorId)
ON CONFLICT (id) DO NOTHING
