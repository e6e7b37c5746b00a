/**
 * Winnow's roles and value types: {@link dev.winnow.Encoder}, {@link dev.winnow.DualEncoder},
 * {@link dev.winnow.Document}, {@link dev.winnow.Hit}, {@link dev.winnow.Similarity} and the exception hierarchy
 * rooted in {@link dev.winnow.WinnowException}. No ML dependency lives here; backends are separate modules
 * that depend on this one.
 */
package dev.winnow;
