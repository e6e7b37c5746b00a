package dev.winnow.index.internal;

import com.github.jelmerk.hnswlib.core.Item;
import dev.winnow.Document;

/**
 * One stored document in an HNSW graph: an ordinal (hnswlib's item id, never reused), the vector in stored form
 * and the document. {@link #live} turns false when the document is deleted or replaced; searches skip such
 * items. A tombstone loaded from a file has no document (null). Never Java-serialized (hnswlib's {@code Item} merely extends {@code Serializable}). Thread-safe.
 */
public final class HnswItem implements Item<Integer, float[]> {
  private static final long serialVersionUID = 1L;

  private final Integer ordinal;
  private final float[] vector;
  private final Document document;
  private volatile boolean live;

  public HnswItem(int ordinal, float[] vector, Document document, boolean live) {
    this.ordinal = ordinal;
    this.vector = vector;
    this.document = document;
    this.live = live;
  }

  @Override
  public Integer id() {
    return ordinal;
  }

  @Override
  public float[] vector() {
    return vector;
  }

  @Override
  public int dimensions() {
    return vector.length;
  }

  public Document document() {
    return document;
  }

  public boolean live() {
    return live;
  }

  public void live(boolean live) {
    this.live = live;
  }
}
