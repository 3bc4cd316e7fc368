SELECT * FROM enrollment_code WHERE code_hash = :codeHash FOR UPDATE
