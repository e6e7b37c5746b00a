/**
 * Measuring retrieval: {@link dev.winnow.eval.IrMetrics} (Recall, Precision, MRR, nDCG, MAP as trec_eval defines
 * them), {@link dev.winnow.eval.Correlation} (Pearson, Spearman), {@link dev.winnow.eval.RetrievalEvaluation}, and
 * loaders for BEIR, STS-B and WikiQA files that name the file and line of a malformed entry. Model-free.
 */
package dev.winnow.eval;
