package dev.winnow.index.internal;

import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.eclipse.collections.api.list.primitive.MutableIntList;
import org.eclipse.collections.api.map.primitive.MutableObjectIntMap;

/**
 * Read and write access to the graph inside hnswlib-core 1.2.1's {@link HnswIndex} (nodes, their per-level
 * neighbour lists, the entry point), which the library keeps private. Winnow needs it to search with a filter
 * and a per-call {@code ef} without boxing, and to save and load the graph in its own format instead of Java
 * serialization. Bound to hnswlib 1.2.1's field layout; a different version fails fast here with a clear error.
 *
 * <p>Thread-safety follows hnswlib: a node's neighbour lists are read while holding the node's monitor, as
 * hnswlib does when it writes them.
 */
public final class HnswGraph {
  private static final VarHandle NODES;
  private static final VarHandle NODE_COUNT;
  private static final VarHandle ENTRY_POINT;
  private static final VarHandle LOOKUP;
  private static final VarHandle CONNECTIONS;
  private static final VarHandle ITEM;
  private static final VarHandle DELETED;
  private static final VarHandle ID;
  private static final MethodHandle NEW_NODE;
  private static final Class<?> NODE;

  static {
    try {
      MethodHandles.Lookup idx = MethodHandles.privateLookupIn(HnswIndex.class, MethodHandles.lookup());
      NODE = Class.forName(HnswIndex.class.getName() + "$Node");
      MethodHandles.Lookup node = MethodHandles.privateLookupIn(NODE, MethodHandles.lookup());
      NODES = idx.findVarHandle(HnswIndex.class, "nodes", AtomicReferenceArray.class);
      NODE_COUNT = idx.findVarHandle(HnswIndex.class, "nodeCount", int.class);
      ENTRY_POINT = idx.findVarHandle(HnswIndex.class, "entryPoint", NODE);
      LOOKUP = idx.findVarHandle(HnswIndex.class, "lookup", MutableObjectIntMap.class);
      CONNECTIONS = node.findVarHandle(NODE, "connections", MutableIntList[].class);
      ITEM = node.findVarHandle(NODE, "item", Object.class);
      DELETED = node.findVarHandle(NODE, "deleted", boolean.class);
      ID = node.findVarHandle(NODE, "id", int.class);
      NEW_NODE = node.findConstructor(NODE,
          MethodType.methodType(void.class, int.class, MutableIntList[].class, Object.class, boolean.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new ExceptionInInitializerError(new IllegalStateException(
          "hnswlib-core's internals differ from version 1.2.1, which Winnow's HNSW index is written against: " + e, e));
    }
  }

  private HnswGraph() {}

  /** The node slots (length = capacity; slots at or past {@link #nodeCount} are null). */
  @SuppressWarnings("unchecked")
  public static AtomicReferenceArray<Object> nodes(HnswIndex<?, ?, ?, ?> g) {
    return (AtomicReferenceArray<Object>) NODES.getVolatile(g);
  }

  /** Number of node slots used, tombstones included. A plain read; exact when no add is in flight. */
  public static int nodeCount(HnswIndex<?, ?, ?, ?> g) {
    return (int) NODE_COUNT.getVolatile(g);
  }

  /** The entry point node, or null when the graph is empty. */
  public static Object entryPoint(HnswIndex<?, ?, ?, ?> g) {
    return ENTRY_POINT.getVolatile(g);
  }

  /** A node's neighbour lists, one per level (index 0 = bottom layer). Read a list under the node's monitor. */
  public static MutableIntList[] connections(Object node) {
    return (MutableIntList[]) CONNECTIONS.get(node);
  }

  /** A node's slot index. */
  public static int id(Object node) {
    return (int) ID.get(node);
  }

  public static HnswItem item(Object node) {
    return (HnswItem) ITEM.getVolatile(node);
  }

  /** Whether hnswlib marked the node removed (a tombstone). */
  public static boolean deleted(Object node) {
    return (boolean) DELETED.getVolatile(node);
  }

  /** A node for {@link #install}. */
  public static Object newNode(int id, MutableIntList[] connections, HnswItem item, boolean deleted) {
    try {
      return NEW_NODE.invoke(id, connections, (Object) item, deleted);
    } catch (Throwable t) {
      throw new IllegalStateException("cannot create an hnswlib node", t);
    }
  }

  /**
   * Fills an empty graph (built with capacity {@code >= nodes.length}) with loaded nodes. Node {@code i} must
   * have id {@code i}; {@code entryPoint} is a node index or -1. Live (non-deleted) items are registered under
   * their ids. Call before the graph is shared.
   */
  @SuppressWarnings("unchecked")
  public static void install(HnswIndex<Integer, float[], HnswItem, Float> g, Object[] nodes, int entryPoint) {
    AtomicReferenceArray<Object> slots = nodes(g);
    MutableObjectIntMap<Object> lookup = (MutableObjectIntMap<Object>) LOOKUP.get(g);
    for (int i = 0; i < nodes.length; i++) {
      slots.set(i, nodes[i]);
      if (!deleted(nodes[i])) {
        lookup.put(item(nodes[i]).id(), i);
      }
    }
    NODE_COUNT.setVolatile(g, nodes.length);
    ENTRY_POINT.setVolatile(g, entryPoint < 0 ? null : nodes[entryPoint]);
  }
}
