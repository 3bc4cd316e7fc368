SELECT id, product, organization FROM material_lot WHERE id = ANY(:ids)
