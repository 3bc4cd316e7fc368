package io.packtrail.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.packtrail.server.domain.InvalidArgumentException;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The one paging of every listing: sizes, the page out of size + 1 items, scoped tokens. */
class PagingTest {

  @Test
  void pageSizesDefaultAndLimit() {
    assertEquals(Paging.DEFAULT_PAGE_SIZE, Paging.pageSize(0));
    assertEquals(7, Paging.pageSize(7));
    assertEquals(Paging.MAX_PAGE_SIZE, Paging.pageSize(Paging.MAX_PAGE_SIZE));
    // above the limit the caller learns it (RESOURCE_EXHAUSTED) instead of getting fewer items
    var over = assertThrows(io.packtrail.server.domain.LimitExceededException.class,
        () -> Paging.pageSize(Paging.MAX_PAGE_SIZE + 1));
    assertEquals("page_size", over.subject());
    assertTrue(over.getMessage().contains("1000"), over.getMessage());
    InvalidArgumentException e =
        assertThrows(InvalidArgumentException.class, () -> Paging.pageSize(-1));
    assertEquals("page_size", e.violations().get(0).field());
  }

  @Test
  void aFullPageWithoutMoreHasNoNextToken() {
    Paging.Cursor first = Paging.cursor(3, "", "things");
    assertNull(first.after());
    assertEquals(4, first.fetchLimit());
    Paging.Page<String> page = first.page(List.of("a", "b", "c"), Function.identity());
    assertEquals(List.of("a", "b", "c"), page.items());
    assertEquals("", page.nextPageToken());
  }

  @Test
  void theNextTokenContinuesAfterTheLastItemShown() {
    Paging.Page<String> page = Paging.cursor(2, "", "things")
        .page(List.of("a", "b", "c"), Function.identity());
    assertEquals(List.of("a", "b"), page.items());
    assertEquals("b", Paging.cursor(2, page.nextPageToken(), "things").after());
  }

  @Test
  void aTokenServesOnlyItsOwnScope() {
    String token = Paging.cursor(1, "", "things|x").page(List.of("a", "b"), Function.identity())
        .nextPageToken();
    InvalidArgumentException other = assertThrows(InvalidArgumentException.class,
        () -> Paging.cursor(1, token, "things|y"));
    assertTrue(other.violations().get(0).description().startsWith("belongs to another listing"),
        other.violations().toString());
    InvalidArgumentException garbage = assertThrows(InvalidArgumentException.class,
        () -> Paging.cursor(1, "not-a-token", "things|x"));
    assertTrue(garbage.violations().get(0).description().startsWith("is malformed"),
        garbage.violations().toString());
  }
}
