package io.packtrail.server.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.packtrail.server.testing.FormatsDocument;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The working-calendar vectors of docs/formats.md section 18, counted by the server's code. */
class WorkingCalendarVectorsTest {
  @Test
  void theDocumentsVectorsHold() {
    FormatsDocument.Part section = FormatsDocument.load().section("18.");
    WorkingCalendar calendar = WorkingCalendar.parse(section.codeBlocks().get(0).text(),
        "formats.md section 18");
    FormatsDocument.Table vectors = section.table();
    assertEquals(8, vectors.rows().size());
    for (List<String> row : vectors.rows()) {
      WorkingCalendar.Due due = calendar.addWorkingDays(LocalDate.parse(row.get(0)),
          Integer.parseInt(row.get(1)));
      assertEquals(new WorkingCalendar.Due(LocalDate.parse(row.get(2)),
          row.get(3).equals("yes")), due, row.toString());
    }
  }
}
