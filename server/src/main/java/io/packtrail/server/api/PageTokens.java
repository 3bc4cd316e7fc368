package io.packtrail.server.api;

import io.packtrail.server.domain.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque page tokens: the listing's scope (method and filters) and the last key returned. A token
 * is refused when presented to another listing or with other filters (AIP-158).
 */
final class PageTokens {
  static final int DEFAULT_PAGE_SIZE = 100;
  static final int MAX_PAGE_SIZE = 1000;
  private static final char SEPARATOR = '\n';

  private PageTokens() {}

  static String encode(String scope, String lastKey) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(
        (scope + SEPARATOR + lastKey).getBytes(StandardCharsets.UTF_8));
  }

  /** The last key of the previous page, or null for the first page. */
  static String decode(String token, String scope) {
    if (token.isEmpty()) {
      return null;
    }
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("page_token", "is not a page token of this API");
    }
    int split = text.indexOf(SEPARATOR);
    if (split < 0 || !text.substring(0, split).equals(scope)) {
      throw new InvalidArgumentException("page_token",
          "belongs to another listing or other filters; start again without a page_token");
    }
    return text.substring(split + 1);
  }

  static int pageSize(int requested) {
    if (requested < 0) {
      throw new InvalidArgumentException("page_size", "must not be negative");
    }
    return requested == 0 ? DEFAULT_PAGE_SIZE : Math.min(requested, MAX_PAGE_SIZE);
  }
}
