package org.radmamba.inference.checkpoint;

/**
 * Bounds on what reading an untrusted checkpoint may allocate.
 *
 * @param maxTensorElements the most elements of one tensor (and of the part of a storage it views); at most
 *                          {@link #ARRAY_LIMIT}, the largest Java float array
 * @param maxEntryBytes     the largest size a zip entry may claim
 * @param maxPickleBytes    the largest {@code data.pkl} (real ones are a few MB even for large models)
 * @param maxElementsPerFileByte how many float32 elements all tensors together may have per byte of the file. An
 *                          honest checkpoint has at most 1 (uint8 buffers; float32 has ¼, float16 ½), a little more
 *                          when views share a storage; a stride-0 view could otherwise blow a tiny file up into
 *                          gigabytes. Files under {@value #SMALL_FILE_ELEMENTS} elements' worth are exempt.
 */
public record CheckpointLimits(long maxTensorElements, long maxEntryBytes, long maxPickleBytes, double maxElementsPerFileByte) {

    /** Below this many elements in total, the per-file-byte bound does not apply. */
    public static final long SMALL_FILE_ELEMENTS = 1L << 24;

    /** The largest array length the JVM reliably allocates. */
    public static final long ARRAY_LIMIT = Integer.MAX_VALUE - 8;

    /** Up to 2^31-9 elements per tensor, 16 GiB per entry, 64 MiB of pickle, 4 elements per byte of file. */
    public static final CheckpointLimits DEFAULT = new CheckpointLimits(ARRAY_LIMIT, 16L << 30, 64L << 20, 4.0);

    public CheckpointLimits {
        if (maxTensorElements <= 0 || maxTensorElements > ARRAY_LIMIT) {
            throw new IllegalArgumentException("maxTensorElements must be in 1.." + ARRAY_LIMIT + ": " + maxTensorElements);
        }
        if (maxEntryBytes <= 0 || maxPickleBytes <= 0 || maxPickleBytes > ARRAY_LIMIT || !(maxElementsPerFileByte > 0)) {
            throw new IllegalArgumentException("limits must be positive (pickle at most " + ARRAY_LIMIT + " bytes)");
        }
    }

    /** The most elements all tensors of a file of {@code fileBytes} may have together. */
    public long maxTotalElements(long fileBytes) {
        return Math.max(SMALL_FILE_ELEMENTS, (long) Math.min(Long.MAX_VALUE / 2.0, fileBytes * maxElementsPerFileByte));
    }

    /** These limits with another per-tensor element limit. */
    public CheckpointLimits withMaxTensorElements(long elements) {
        return new CheckpointLimits(elements, maxEntryBytes, maxPickleBytes, maxElementsPerFileByte);
    }
}
