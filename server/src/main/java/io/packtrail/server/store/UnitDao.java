package io.packtrail.server.store;

import io.packtrail.server.domain.Unit;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.locator.UseClasspathSqlLocator;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** Units; SQL in resources/io/packtrail/server/store/UnitDao/. */
@UseClasspathSqlLocator
@RegisterRowMapper(Rows.UnitMapper.class)
public interface UnitDao {

  @SqlQuery("find")
  Optional<Unit> find(@Bind("code") String code);

  /** Units ordered by code after {@code afterCode}; each filter applies when not null. */
  @SqlQuery("list")
  List<Unit> list(@Bind("afterCode") String afterCode, @Bind("state") String state,
      @Bind("custodian") String custodian, @Bind("level") String level,
      @Bind("chemistry") String chemistry, @Bind("limit") int limit);

  /** As {@link #list}, of the units {@code party} is a party of (from unit_party). */
  @SqlQuery("listForParty")
  List<Unit> listForParty(@Bind("party") String party, @Bind("afterCode") String afterCode,
      @Bind("state") String state, @Bind("custodian") String custodian,
      @Bind("level") String level, @Bind("chemistry") String chemistry,
      @Bind("limit") int limit);

  @SqlQuery("parties")
  List<String> parties(@Bind("code") String code);

  @SqlQuery("partyUnits")
  List<String> partyUnits(@Bind("organization") String organization,
      @Bind("codes") String[] codes);

  /** Anomalies of the given units, oldest first. */
  @SqlQuery("anomalies")
  @RegisterRowMapper(Rows.AnomalyMapper.class)
  List<io.packtrail.server.domain.Anomaly> anomalies(@Bind("codes") String[] codes);

  // runs inside the ingest batch's transaction, which IngestStore opened with BEGIN where jdbi
  // cannot see it: a transaction of jdbi's own would COMMIT it early, releasing the log-head lock
  // while the batch still holds its numbers (two instances then hand out the same log index)
  @SqlBatch(value = "insert", transactional = false)
  void insert(@BindMethods("u") Collection<Rows.UnitRow> units);
}
