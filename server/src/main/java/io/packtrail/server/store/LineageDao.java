package io.packtrail.server.store;

import io.packtrail.server.domain.Chemistry;
import io.packtrail.server.domain.ElementMasses;
import io.packtrail.server.domain.Event;
import io.packtrail.server.domain.LifecycleState;
import io.packtrail.server.domain.LineageGraph;
import io.packtrail.server.domain.MaterialLot;
import io.packtrail.server.domain.MaterialProduct;
import io.packtrail.server.domain.PlantFigures;
import io.packtrail.server.domain.ResourceNames;
import io.packtrail.server.domain.Step;
import io.packtrail.server.domain.TradeInRecord;
import io.packtrail.server.domain.UnitLevel;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.locator.UseClasspathSqlLocator;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** Lineage, material lots, trade-ins and plant figures; SQL in .../store/LineageDao/. */
@UseClasspathSqlLocator
public interface LineageDao {

  @SqlQuery("descendantEdges")
  @RegisterRowMapper(DescendantHopMapper.class)
  List<LineageGraph.Hop> descendantEdges(@Bind("code") String code,
      @Bind("maxDepth") int maxDepth, @Bind("maxHops") long maxHops);

  /** Edges into a unit ({@code code}) or a lot ({@code lot}); the other is null. */
  @SqlQuery("ancestorEdges")
  @RegisterRowMapper(AncestorHopMapper.class)
  List<LineageGraph.Hop> ancestorEdges(@Bind("code") String code, @Bind("lot") String lot,
      @Bind("maxDepth") int maxDepth, @Bind("maxHops") long maxHops);

  @SqlQuery("unitNodes")
  @RegisterRowMapper(UnitNodeMapper.class)
  List<LineageGraph.Node> unitNodes(@Bind("codes") String[] codes);

  @SqlQuery("lotNodes")
  @RegisterRowMapper(LotNodeMapper.class)
  List<LineageGraph.Node> lotNodes(@Bind("ids") String[] ids);

  /** Of {@code ids}, the lots the organisation made or is a party of one of the inputs of. */
  @SqlQuery("partyLots")
  List<String> partyLots(@Bind("organization") String organization, @Bind("ids") String[] ids);

  @SqlQuery("findLot")
  @RegisterRowMapper(LotMapper.class)
  Optional<MaterialLot> findLot(@Bind("id") String id);

  @SqlQuery("listLots")
  @RegisterRowMapper(LotMapper.class)
  List<MaterialLot> listLots(@Bind("plantSite") String plantSite, @Bind("unit") String unit,
      @Bind("product") String product, @Bind("startTime") Instant startTime,
      @Bind("endTime") Instant endTime, @Bind("party") String party,
      @Bind("afterId") String afterId, @Bind("limit") int limit);

  @SqlQuery("sourcePacks")
  List<String> sourcePacks(@Bind("lot") String lotId);

  @SqlQuery("tradeIns")
  @RegisterRowMapper(TradeInMapper.class)
  List<TradeInRecord> tradeIns(@Bind("site") String site, @Bind("startTime") Instant startTime,
      @Bind("endTime") Instant endTime, @Bind("afterIndex") long afterIndex,
      @Bind("limit") int limit);

  /** Mass consumed ({@code INPUT}) and left over ({@code INTERMEDIATE}) by chemistry and level. */
  @SqlQuery("plantMass")
  @RegisterRowMapper(PlantMassMapper.class)
  List<PlantMass> plantMass(@Bind("site") String site, @Bind("startTime") Instant startTime,
      @Bind("endTime") Instant endTime);

  /** One row of {@link #plantMass}: whether the mass was consumed, and how much. */
  record PlantMass(boolean input, PlantFigures.InputMass mass) {}

  /** Lot mass, lot elements and feed of a site's period; see {@link LotSums}. */
  @SqlQuery("plantLots")
  @RegisterRowMapper(LotSumsMapper.class)
  LotSums plantLots(@Bind("site") String site, @Bind("startTime") Instant startTime,
      @Bind("endTime") Instant endTime);

  @SqlQuery("plantDismantlings")
  @RegisterRowMapper(Rows.EventMapper.class)
  List<Event> plantDismantlings(@Bind("site") String site, @Bind("startTime") Instant startTime,
      @Bind("endTime") Instant endTime);

  /** Empty when the site does not exist; 0 when it declared no capacity. */
  @SqlQuery("siteCapacity")
  Optional<Double> siteCapacity(@Bind("site") String site);

  /** The lots' mass and element masses, and the feed of the steps that made them. */
  record LotSums(double massKg, ElementMasses elements, ElementMasses feed) {}

  private static ElementMasses elements(ResultSet rs, String prefix) throws SQLException {
    return new ElementMasses(rs.getDouble(prefix + "li_kg"), rs.getDouble(prefix + "ni_kg"),
        rs.getDouble(prefix + "co_kg"), rs.getDouble(prefix + "mn_kg"),
        rs.getDouble(prefix + "cu_kg"), rs.getDouble(prefix + "al_kg"));
  }

  private static String eventName(ResultSet rs) throws SQLException {
    String unit = rs.getString("event_unit");
    return unit == null ? "" : ResourceNames.event(unit, rs.getLong("event_sequence"));
  }

  /**
   * An edge and the details of its far end (columns {@code far_*}): the {@code to} end walking
   * to descendants, the {@code from} end walking to ancestors. The far end shares the edge's
   * reference, so a 1,000-node walk decodes and keeps each key once.
   */
  abstract class HopMapper implements RowMapper<LineageGraph.Hop> {
    private final boolean farIsTo;

    HopMapper(boolean farIsTo) {
      this.farIsTo = farIsTo;
    }

    @Override
    public LineageGraph.Hop map(ResultSet rs, StatementContext ctx) throws SQLException {
      LineageGraph.Edge edge = new LineageGraph.Edge(
          LineageGraph.EdgeKind.valueOf(rs.getString("kind")),
          new LineageGraph.Ref(rs.getBoolean("from_lot"), rs.getString("from_key")),
          new LineageGraph.Ref(rs.getBoolean("to_lot"), rs.getString("to_key")),
          eventName(rs), rs.getInt("depth"));
      String level = rs.getString("far_level");
      String state = rs.getString("far_state");
      String product = rs.getString("far_product");
      LineageGraph.Node far = new LineageGraph.Node(farIsTo ? edge.to() : edge.from(),
          level == null ? null : UnitLevel.valueOf(level),
          state == null ? null : LifecycleState.valueOf(state), rs.getString("far_custodian"),
          product == null ? null : MaterialProduct.valueOf(product), 0);
      return new LineageGraph.Hop(edge, far);
    }
  }

  final class DescendantHopMapper extends HopMapper {
    public DescendantHopMapper() {
      super(true);
    }
  }

  final class AncestorHopMapper extends HopMapper {
    public AncestorHopMapper() {
      super(false);
    }
  }

  final class UnitNodeMapper implements RowMapper<LineageGraph.Node> {
    @Override
    public LineageGraph.Node map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new LineageGraph.Node(LineageGraph.Ref.unit(rs.getString("code")),
          UnitLevel.valueOf(rs.getString("level")),
          LifecycleState.valueOf(rs.getString("state")), rs.getString("custodian"), null, 0);
    }
  }

  final class LotNodeMapper implements RowMapper<LineageGraph.Node> {
    @Override
    public LineageGraph.Node map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new LineageGraph.Node(LineageGraph.Ref.lot(rs.getString("id")), null, null,
          rs.getString("organization"), MaterialProduct.valueOf(rs.getString("product")), 0);
    }
  }

  final class LotMapper implements RowMapper<MaterialLot> {
    @Override
    public MaterialLot map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new MaterialLot(rs.getString("id"), MaterialProduct.valueOf(rs.getString("product")),
          rs.getDouble("mass_kg"), elements(rs, ""), rs.getString("plant_site"),
          rs.getString("organization"), eventName(rs),
          rs.getTimestamp("event_time").toInstant(),
          List.of((String[]) rs.getArray("inputs").getArray()));
    }
  }

  final class TradeInMapper implements RowMapper<TradeInRecord> {
    private final Rows.EventMapper events = new Rows.EventMapper();

    @Override
    public TradeInRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
      Event e = events.map(rs, ctx);
      return new TradeInRecord(e.name(), e.logIndex(), ((Step.TradeIn) e.step()).vin(),
          e.unitCode(), rs.getString("replacement"), e.actorSite(), e.eventTime());
    }
  }

  final class PlantMassMapper implements RowMapper<PlantMass> {
    @Override
    public PlantMass map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new PlantMass("INPUT".equals(rs.getString("part")), new PlantFigures.InputMass(
          Chemistry.valueOf(rs.getString("chemistry")), UnitLevel.valueOf(rs.getString("level")),
          rs.getDouble("mass_kg")));
    }
  }

  final class LotSumsMapper implements RowMapper<LotSums> {
    @Override
    public LotSums map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new LotSums(rs.getDouble("mass_kg"), elements(rs, ""), elements(rs, "feed_"));
    }
  }
}
