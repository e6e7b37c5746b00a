package dev.winnow.train;

import java.util.List;

/**
 * A dev query for reranking metrics: its first-stage candidates (best first), each with a graded judgment
 * (0 = not relevant).
 *
 * @param query the query text
 * @param passages candidate texts, best first by the first stage
 * @param labels {@code labels[i]} judges {@code passages[i]}
 * @param judged relevant passages of the query in all, counting those the first stage missed (recall base of
 *     MAP), at least the number of positive labels
 */
public record RerankQuery(String query, List<String> passages, List<Integer> labels, int judged) {
  public RerankQuery {
    if (query == null || passages == null || labels == null) {
      throw new IllegalArgumentException((query == null ? "query" : passages == null ? "passages" : "labels")
          + " is null");
    }
    if (passages.size() != labels.size()) {
      throw new IllegalArgumentException("query '" + query + "': " + passages.size() + " passages but "
          + labels.size() + " labels");
    }
    passages = List.copyOf(passages);
    labels = List.copyOf(labels);
    long positive = labels.stream().filter(l -> l > 0).count();
    if (judged < positive) {
      throw new IllegalArgumentException("query '" + query + "': judged " + judged + " < " + positive
          + " positive labels");
    }
  }

  /** A query whose candidates hold every judged passage. */
  public RerankQuery(String query, List<String> passages, List<Integer> labels) {
    this(query, passages, labels, (int) labels.stream().filter(l -> l != null && l > 0).count());
  }
}
