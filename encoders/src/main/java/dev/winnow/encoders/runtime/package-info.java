/**
 * The transformer runtime Winnow's DJL-hosted models share: {@code winnow-encoders} ({@code DjlEncoder}),
 * {@code winnow-rerank} ({@code CrossEncoderReranker}) and {@code winnow-train} ({@code Tower}) use it through
 * these public types, each with one job:
 *
 * <ul>
 *   <li>{@link dev.winnow.encoders.runtime.ModelDirectory}: what a model folder holds (model file and format,
 *       tokenizer, Hugging Face {@code config.json}, DJL {@code serving.properties});
 *   <li>{@link dev.winnow.encoders.runtime.SentenceTransformersConfig}: the sentence-transformers files, read and
 *       written; {@link dev.winnow.encoders.runtime.AtomicDirectory}: replacing a saved model folder atomically;
 *   <li>{@link dev.winnow.encoders.runtime.Tokenizers}: opening {@code tokenizer.json};
 *   <li>{@link dev.winnow.encoders.runtime.OnnxSessionOptions}, {@link dev.winnow.encoders.runtime.OnnxGraph}:
 *       ONNX Runtime settings and the operators of an ONNX graph (quantization);
 *   <li>{@link dev.winnow.encoders.runtime.TransformerModel}: loading a model and running padded batches, with
 *       {@link dev.winnow.encoders.runtime.PredictorPool} and {@link dev.winnow.encoders.runtime.BatchPlanner};
 *   <li>{@link dev.winnow.encoders.runtime.Pooler}: hidden states to sentence vectors;
 *       {@link dev.winnow.encoders.runtime.ModelIdentity}: a model's content digest;
 *   <li>{@link dev.winnow.encoders.runtime.ModelBuilder}: the settings builders of DJL-hosted models share.
 * </ul>
 *
 * <p>Supported API: it follows the project's version like the rest of {@code winnow-encoders}. Application code
 * normally needs only {@code DjlEncoder}, {@code Encoders} and {@code BundledModel}.
 */
package dev.winnow.encoders.runtime;
