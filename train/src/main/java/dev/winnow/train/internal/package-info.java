/** The layers, file formats and batching behind {@code dev.winnow.train}. No compatibility promise. */
package dev.winnow.train.internal;
