package com.github.jelmerk.knn;

import java.io.Serializable;

/**
 * Shim: hnswlib 1.1.2's distance interface, which hnswlib-core-jdk17 1.1.2 (the only jdk17 build served) is
 * compiled against. Lets the benchmark load the Vector-API distances next to hnswlib-core 1.2.1. Benchmark only.
 */
@FunctionalInterface
public interface DistanceFunction<TVector, TDistance> extends Serializable {
  TDistance distance(TVector u, TVector v);
}
