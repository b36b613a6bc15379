package org.radmamba.inference.checkpoint;

/**
 * A tensor as {@code torch._utils._rebuild_tensor_v2} describes it, not yet read: a view of {@code storage} from
 * element {@code offset} with {@code size} and {@code stride} (in elements). Unchecked until {@link TensorLayout}.
 */
record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
}
