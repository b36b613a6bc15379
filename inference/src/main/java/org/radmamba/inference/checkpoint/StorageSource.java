package org.radmamba.inference.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;

/** Where a checkpoint keeps its storages' raw bytes: zip entries, or the tail of a legacy file. */
interface StorageSource {

    /** The byte order the storages were written in. */
    ByteOrder byteOrder();

    /** The size of the whole checkpoint file in bytes. */
    long fileSize();

    /** How {@code storageKey}'s bytes are called in error messages (e.g. {@code archive/data/3}). */
    String storageName(String storageKey);

    /** The number of bytes stored for {@code storageKey}, checked for plausibility; -1 when the file lacks it. */
    long storageBytes(String storageKey);

    /** A stream from the first byte of {@code storageKey}'s data; callers read at most {@link #storageBytes}. */
    InputStream openStorage(String storageKey) throws IOException;
}
