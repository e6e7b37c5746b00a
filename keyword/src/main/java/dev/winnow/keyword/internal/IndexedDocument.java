package dev.winnow.keyword.internal;

import dev.winnow.Document;
import java.util.Map;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.util.BytesRef;

/**
 * A {@link Document} as the Lucene document that indexes it: the id (UTF-16 term and sorted doc values), the
 * analyzed text (frequencies and norms, no positions: BM25 needs no more), the stored document, and one field
 * per metadata value and kind ({@link FieldNames}, {@link MetadataQueries}). Stateless.
 */
public final class IndexedDocument {
  private IndexedDocument() {}

  /** Longest id or string metadata value, in chars: Lucene's 32,766-byte term limit at two bytes a char. */
  public static final int MAX_TERM_CHARS = 16_383;

  private static final FieldType TEXT = textType();

  /**
   * @param what how messages name the document ("document", "documents[3]")
   * @throws IllegalArgumentException if the document is null or an id or string value exceeds
   *     {@link #MAX_TERM_CHARS}
   */
  public static org.apache.lucene.document.Document of(Document d, String what) {
    if (d == null) {
      throw new IllegalArgumentException(what + " is null");
    }
    if (d.id().length() > MAX_TERM_CHARS) {
      throw new IllegalArgumentException(what + ": id is " + d.id().length() + " chars; at most " + MAX_TERM_CHARS
          + " (Lucene's term limit)");
    }
    org.apache.lucene.document.Document doc = new org.apache.lucene.document.Document();
    BytesRef id = Utf16.bytes(d.id());
    doc.add(new StringField(FieldNames.ID, id, Field.Store.NO));
    doc.add(new SortedDocValuesField(FieldNames.ID, id));
    doc.add(new Field(FieldNames.TEXT, d.text(), TEXT));
    doc.add(new StoredField(FieldNames.DOC, StoredDocument.encode(d)));
    for (Map.Entry<String, Object> e : d.metadata().entrySet()) {
      String key = e.getKey();
      Object v = e.getValue();
      if (v instanceof String s) {
        if (s.length() > MAX_TERM_CHARS) {
          throw new IllegalArgumentException(what + " '" + d.id() + "': metadata '" + key + "' is " + s.length()
              + " chars; string values hold at most " + MAX_TERM_CHARS + " (Lucene's term limit)");
        }
        doc.add(new StringField(FieldNames.metadata(FieldNames.STRING, key), Utf16.bytes(s), Field.Store.NO));
      } else if (v instanceof Boolean bool) {
        doc.add(new StringField(FieldNames.metadata(FieldNames.BOOLEAN, key), MetadataQueries.booleanTerm(bool),
            Field.Store.NO));
      } else if (v instanceof Integer || v instanceof Long) {
        long l = ((Number) v).longValue();
        doc.add(new LongPoint(FieldNames.metadata(FieldNames.LONG, key), l));
        doc.add(new DoublePoint(FieldNames.metadata(FieldNames.INTEGRAL_AS_DOUBLE, key), (double) l));
      } else {
        doc.add(new DoublePoint(FieldNames.metadata(FieldNames.FLOATING, key), ((Number) v).doubleValue()));
      }
    }
    return doc;
  }

  private static FieldType textType() {
    FieldType t = new FieldType();
    t.setTokenized(true);
    t.setIndexOptions(IndexOptions.DOCS_AND_FREQS);
    t.freeze();
    return t;
  }
}
