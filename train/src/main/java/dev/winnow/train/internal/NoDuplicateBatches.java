package dev.winnow.train.internal;

import dev.winnow.train.TrainingPair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Cuts shuffled pairs into batches in which no text appears twice (as sentence-transformers'
 * NoDuplicatesDataLoader): a duplicate answer would be a false negative of the in-batch loss. A pair that
 * collides waits for a later batch. Batches of fewer than 2 pairs (no negative) are dropped. Not part of the
 * public API; stateless.
 */
public final class NoDuplicateBatches {
  private NoDuplicateBatches() {}

  /** Batches of indices into {@code pairs}, each of at most {@code batchSize} pairs. */
  public static List<int[]> plan(List<TrainingPair> pairs, int batchSize, Random random) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < pairs.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    LinkedList<Integer> pending = new LinkedList<>(order);
    List<int[]> batches = new ArrayList<>();
    while (!pending.isEmpty()) {
      Set<String> seen = new HashSet<>();
      List<Integer> batch = new ArrayList<>();
      for (Iterator<Integer> it = pending.iterator(); it.hasNext() && batch.size() < batchSize; ) {
        int i = it.next();
        TrainingPair p = pairs.get(i);
        List<String> texts = new ArrayList<>(List.of(p.question(), p.answer()));
        if (p.hardNegative() != null) {
          texts.add(p.hardNegative());
        }
        if (texts.stream().noneMatch(seen::contains)) {
          seen.addAll(texts);
          batch.add(i);
          it.remove();
        }
      }
      if (batch.size() >= 2) {
        batches.add(batch.stream().mapToInt(Integer::intValue).toArray());
      } else if (batch.size() < 2 && pending.size() <= 1) {
        break; // a lone pair left over
      }
    }
    return batches;
  }
}
