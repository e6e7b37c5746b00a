package dev.winnow.train;

import java.util.List;

/**
 * One cross-encoder training query: a judged positive passage and the hard negatives mined for it (best first,
 * as the miner ranked them). The trainer draws {@code n} of them per epoch.
 *
 * @param query the query text
 * @param positive a passage judged relevant
 * @param negatives passages taken as not relevant, at least 1, none equal to the positive
 */
public record RerankExample(String query, String positive, List<String> negatives) {
  public RerankExample {
    if (query == null || positive == null || negatives == null) {
      throw new IllegalArgumentException((query == null ? "query" : positive == null ? "positive" : "negatives")
          + " is null");
    }
    if (negatives.isEmpty()) {
      throw new IllegalArgumentException("query '" + query + "' has no negatives (at least 1 is needed)");
    }
    negatives = List.copyOf(negatives);
    if (negatives.contains(positive)) {
      throw new IllegalArgumentException("query '" + query + "': a negative equals the positive");
    }
  }
}
