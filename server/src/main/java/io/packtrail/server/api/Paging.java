package io.packtrail.server.api;

import io.packtrail.server.domain.InvalidArgumentException;
import io.packtrail.server.domain.Text;
import io.packtrail.server.domain.Violations;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * The one home of paging for every listing: page size rules, and opaque page tokens holding the
 * listing's scope (method and filters) and the last key returned. A token is refused when
 * presented to another listing or with other filters (AIP-158). A listing fetches one item more
 * than the page holds, to know whether a next page exists without counting.
 */
final class Paging {
  static final int DEFAULT_PAGE_SIZE = 100;
  static final int MAX_PAGE_SIZE = 1000;
  private static final char SEPARATOR = '\n';
  /** Marks a token as ours, so garbage is told apart from another listing's token. */
  private static final String MAGIC = "pt1" + SEPARATOR;
  private static final int MAX_TOKEN_LENGTH = 1000;
  private static final String MALFORMED =
      "is malformed (not a page token of this API); start again without a page_token";

  private Paging() {}

  /** Where a listing continues: its scope, the key after which (null: from the start), size. */
  record Cursor(String scope, String after, int size) {
    /** How many items to fetch: one more than the page, to learn whether another follows. */
    int fetchLimit() {
      return size + 1;
    }

    /** The token of the page after one that ended at {@code lastKey}. */
    String tokenAfter(String lastKey) {
      return encode(scope, lastKey);
    }

    /** The page to answer out of what was fetched, and the token of the next one if any. */
    <T> Page<T> page(List<T> fetched, Function<T, String> key) {
      if (fetched.size() <= size) {
        return new Page<>(fetched, "");
      }
      return new Page<>(fetched.subList(0, size), encode(scope, key.apply(fetched.get(size - 1))));
    }
  }

  /** One page of a listing; {@code nextPageToken} is empty on the last page. */
  record Page<T>(List<T> items, String nextPageToken) {}

  /**
   * The cursor of a request whose page size was already checked by {@link #pageSize}; the
   * token must come from the same scope.
   */
  static Cursor cursor(int size, String pageToken, String scope) {
    return new Cursor(scope, decode(pageToken, scope), size);
  }

  private static String encode(String scope, String lastKey) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(
        (MAGIC + scope + SEPARATOR + lastKey).getBytes(StandardCharsets.UTF_8));
  }

  /** The last key of the previous page, or null for the first page. */
  private static String decode(String token, String scope) {
    if (token.isEmpty()) {
      return null;
    }
    String text;
    try {
      if (token.length() > MAX_TOKEN_LENGTH) {
        throw new IllegalArgumentException("too long");
      }
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Base64.getUrlDecoder().decode(token))).toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      throw new InvalidArgumentException("page_token", MALFORMED);
    }
    int split = text.lastIndexOf(SEPARATOR);
    if (!text.startsWith(MAGIC) || split < MAGIC.length()) {
      throw new InvalidArgumentException("page_token", MALFORMED);
    }
    String lastKey = text.substring(split + 1);
    if (lastKey.isEmpty() || !Text.check(new Violations(), "page_token", lastKey,
        Text.MAX_NAME, false)) {
      throw new InvalidArgumentException("page_token", MALFORMED);
    }
    if (!text.substring(MAGIC.length(), split).equals(scope)) {
      throw new InvalidArgumentException("page_token",
          "belongs to another listing or other filters; start again without a page_token");
    }
    return lastKey;
  }

  /**
   * The page size asked for: 0 is the default; above the maximum is RESOURCE_EXHAUSTED (a caller
   * that asks for more learns the limit instead of getting fewer items than it asked for).
   */
  static int pageSize(int requested) {
    if (requested < 0) {
      throw new InvalidArgumentException("page_size", "must not be negative");
    }
    if (requested > MAX_PAGE_SIZE) {
      throw new io.packtrail.server.domain.LimitExceededException("page_size", "page_size "
          + requested + " is above the maximum page size " + MAX_PAGE_SIZE
          + "; ask for at most " + MAX_PAGE_SIZE + " and follow next_page_token", null);
    }
    return requested == 0 ? DEFAULT_PAGE_SIZE : requested;
  }
}
