package org.radmamba.inference.checkpoint;

/**
 * Bounds on what reading an untrusted checkpoint may allocate.
 *
 * @param maxTensorElements the most elements of one tensor (and of the part of a storage it views); at most
 *                          {@link #ARRAY_LIMIT}, the largest Java float array
 * @param maxEntryBytes     the largest size a zip entry may claim
 * @param maxPickleBytes    the largest {@code data.pkl} (real ones are a few MB even for large models)
 */
public record CheckpointLimits(long maxTensorElements, long maxEntryBytes, long maxPickleBytes) {

    /** The largest array length the JVM reliably allocates. */
    public static final long ARRAY_LIMIT = Integer.MAX_VALUE - 8;

    /** Up to 2^31-9 elements per tensor, 16 GiB per entry, 256 MiB of pickle. */
    public static final CheckpointLimits DEFAULT = new CheckpointLimits(ARRAY_LIMIT, 16L << 30, 256L << 20);

    public CheckpointLimits {
        if (maxTensorElements <= 0 || maxTensorElements > ARRAY_LIMIT) {
            throw new IllegalArgumentException("maxTensorElements must be in 1.." + ARRAY_LIMIT + ": " + maxTensorElements);
        }
        if (maxEntryBytes <= 0 || maxPickleBytes <= 0 || maxPickleBytes > ARRAY_LIMIT) {
            throw new IllegalArgumentException("entry and pickle limits must be positive (pickle at most " + ARRAY_LIMIT + ")");
        }
    }
}
