package dev.winnow.index.internal;

import java.util.Arrays;

/**
 * A binary min-heap of (float score, int id) pairs in two parallel arrays: no boxing. As a bounded "top k"
 * collector it keeps the k highest scores ({@link #offer}); with negated scores it serves as a max-heap.
 * Not thread-safe.
 */
public final class ScoreHeap {
  private float[] scores;
  private int[] ids;
  private int size;

  public ScoreHeap(int initialCapacity) {
    scores = new float[Math.max(4, initialCapacity)];
    ids = new int[scores.length];
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public void clear() {
    size = 0;
  }

  public float topScore() {
    return scores[0];
  }

  public int topId() {
    return ids[0];
  }

  /** Adds unconditionally. */
  public void push(float score, int id) {
    if (size == scores.length) {
      scores = Arrays.copyOf(scores, size * 2);
      ids = Arrays.copyOf(ids, size * 2);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (scores[parent] <= score) {
        break;
      }
      scores[i] = scores[parent];
      ids[i] = ids[parent];
      i = parent;
    }
    scores[i] = score;
    ids[i] = id;
  }

  /** Keeps the {@code capacity} highest scores: adds, evicting the lowest when full. Returns whether it was kept. */
  public boolean offer(float score, int id, int capacity) {
    if (size < capacity) {
      push(score, id);
      return true;
    }
    if (score <= scores[0]) {
      return false;
    }
    scores[0] = score;
    ids[0] = id;
    siftDown();
    return true;
  }

  /** Removes the lowest-score entry; read it first with {@link #topScore()} / {@link #topId()}. */
  public void pop() {
    size--;
    if (size > 0) {
      scores[0] = scores[size];
      ids[0] = ids[size];
      siftDown();
    }
  }

  public float scoreAt(int i) {
    return scores[i];
  }

  public int idAt(int i) {
    return ids[i];
  }

  private void siftDown() {
    int i = 0;
    float s = scores[0];
    int id = ids[0];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && scores[right] < scores[child]) {
        child = right;
      }
      if (s <= scores[child]) {
        break;
      }
      scores[i] = scores[child];
      ids[i] = ids[child];
      i = child;
    }
    scores[i] = s;
    ids[i] = id;
  }
}
