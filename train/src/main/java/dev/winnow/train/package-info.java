/**
 * Training dual encoders in Java: a Hugging Face compatible BERT in DJL blocks ({@link dev.winnow.train.BertBlock})
 * on the PyTorch engine, loaded from and saved to sentence-transformers directories with {@code model.safetensors}
 * ({@link dev.winnow.train.Tower}), the in-batch negatives loss ({@link dev.winnow.train.InBatchNegativesLoss})
 * and its trainer ({@link dev.winnow.train.DualEncoderTrainer}); trained models encode through
 * {@link dev.winnow.train.BertEncoder}. See {@code docs/training.md}.
 */
package dev.winnow.train;
