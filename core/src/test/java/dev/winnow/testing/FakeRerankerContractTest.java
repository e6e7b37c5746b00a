package dev.winnow.testing;

/** The model-free reranker keeps the {@link dev.winnow.Reranker} contract. */
class FakeRerankerContractTest extends RerankerContract<FakeReranker> {
  @Override
  protected FakeReranker create() {
    return new FakeReranker();
  }
}
