package dev.winnow.spark;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * The builders' shared rules: a setting may be set once (ISE after), names are checked at once (IAE), and columns
 * are looked up in a schema with a message naming the setting, the column and the schema. Not thread-safe.
 */
final class Settings {
  private final Set<String> set = new HashSet<>();

  /** @throws IllegalStateException if {@code setting} was set before */
  void once(String setting) {
    if (!set.add(setting)) {
      throw new IllegalStateException(setting + " is already set");
    }
  }

  /** A column-name setting: once, non-blank. */
  String column(String name, String setting) {
    once(setting);
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(setting + " must be a non-blank column name, got "
          + (name == null ? "null" : "'" + name + "'"));
    }
    return name;
  }

  /**
   * The index of column {@code name} in {@code schema}, of type {@code type} (null: any type).
   *
   * @throws IllegalArgumentException if it is missing or of another type
   */
  static int index(StructType schema, String name, String setting, DataType type) {
    int i = Arrays.asList(schema.fieldNames()).indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException(setting + " '" + name + "' is not a column of " + schema.simpleString());
    }
    DataType t = schema.fields()[i].dataType();
    if (type != null && !t.equals(type)) {
      throw new IllegalArgumentException(setting + " '" + name + "' must be " + type.simpleString() + ", it is "
          + t.simpleString());
    }
    return i;
  }
}
