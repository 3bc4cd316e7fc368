package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/deadlines.md's mapping table says what ReportingDeadlines does, row for row. */
class DeadlinesDocumentTest {
  static final Map<ReportingDeadlines.Party, String> PARTY = Map.of(
      ReportingDeadlines.Party.VEHICLE_MAKER, "vehicle maker",
      ReportingDeadlines.Party.REPAIRER, "repairer",
      ReportingDeadlines.Party.COLLECTION_OUTLET, "collection outlet",
      ReportingDeadlines.Party.DISMANTLER, "scrap-vehicle dismantler",
      ReportingDeadlines.Party.CASCADE_USER, "cascade-use firm",
      ReportingDeadlines.Party.RECYCLER, "recycler");

  @Test
  void theMappingTableIsTheCodes() throws IOException {
    Path doc = Path.of("docs", "deadlines.md");
    for (Path dir = Path.of("").toAbsolutePath(); !Files.exists(doc) && dir != null;
        dir = dir.getParent()) {
      doc = dir.resolve("docs").resolve("deadlines.md");
    }
    String text = Files.readString(doc);
    String table = text.substring(text.indexOf("<!-- deadline mapping"),
        text.indexOf("<!-- end of deadline mapping -->"));
    List<String> documented = table.lines().filter(l -> l.startsWith("| `")).toList();
    List<String> expected = new ArrayList<>();
    for (ReportingDeadlines.Rule r : ReportingDeadlines.rules()) {
      expected.add("| `" + r.step().key() + "` | " + (r.role() == null ? "-"
          : "`" + r.role().name() + "`") + " | " + PARTY.get(r.party()) + " | "
          + r.workingDays() + " | " + r.basis() + " |");
    }
    assertEquals(expected, documented);
  }
}
