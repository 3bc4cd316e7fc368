INSERT INTO unit (code, level, chemistry, rated_energy_kwh, rated_capacity_ah, nominal_voltage_v,
                  mass_kg, maker, production_date, repurposed_code_variant, state, custodian,
                  custodian_site, vin, shipment_destination, shipment_waybill,
                  soh_certified_energy_pct, soh_capacity_fade_pct, soh_remaining_capacity_ah,
                  soh_remaining_energy_kwh, soh_power_fade_pct, soh_resistance_increase_pct,
                  soh_full_cycles, grade, event_count, head_hash, create_time, update_time,
                  last_event_time, eu_status)
VALUES (:u.code, :u.level, :u.chemistry, :u.ratedEnergyKwh, :u.ratedCapacityAh, :u.nominalVoltageV,
        :u.massKg, :u.maker, :u.productionDate, :u.repurposedCodeVariant, :u.state, :u.custodian,
        :u.custodianSite, :u.vin, :u.shipmentDestination, :u.shipmentWaybill,
        :u.sohCertifiedEnergyPct, :u.sohCapacityFadePct, :u.sohRemainingCapacityAh,
        :u.sohRemainingEnergyKwh, :u.sohPowerFadePct, :u.sohResistanceIncreasePct,
        :u.sohFullCycles, :u.grade, :u.eventCount, :u.headHash, :u.createTime, :u.updateTime,
        :u.lastEventTime, :u.euStatus)
