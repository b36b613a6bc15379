package org.radmamba.inference.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A numeric element type of a file on disk (NumPy arrays, PyTorch storages) and its conversion to float32.
 * Integers above 2^24 lose precision in float32, which no image or weight needs.
 */
public enum ElementType {
    FLOAT16("float16", 2),
    BFLOAT16("bfloat16", 2),
    FLOAT32("float32", 4),
    FLOAT64("float64", 8),
    INT8("int8", 1),
    UINT8("uint8", 1),
    INT16("int16", 2),
    UINT16("uint16", 2),
    INT32("int32", 4),
    UINT32("uint32", 4),
    INT64("int64", 8),
    UINT64("uint64", 8),
    BOOL("bool", 1);

    private static final int CHUNK_BYTES = 1 << 20;

    private final String typeName;
    private final int size;

    ElementType(String typeName, int size) {
        this.typeName = typeName;
        this.size = size;
    }

    /** The NumPy / PyTorch name, e.g. {@code float32}. */
    public String typeName() {
        return typeName;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /**
     * Converts {@code count} elements from {@code source} (byte order already set, from its position) into
     * {@code target[offset..]}, advancing the position.
     */
    public void decode(ByteBuffer source, float[] target, int offset, int count) {
        int p = source.position();
        switch (this) {
            case FLOAT32 -> source.asFloatBuffer().get(target, offset, count);
            case FLOAT64 -> {
                for (int i = 0; i < count; i++) target[offset + i] = (float) source.getDouble(p + 8 * i);
            }
            case FLOAT16 -> {
                for (int i = 0; i < count; i++) target[offset + i] = Float.float16ToFloat(source.getShort(p + 2 * i));
            }
            case BFLOAT16 -> {
                // bfloat16 is the upper half of a float32
                for (int i = 0; i < count; i++) target[offset + i] = Float.intBitsToFloat((source.getShort(p + 2 * i) & 0xFFFF) << 16);
            }
            case INT8 -> {
                for (int i = 0; i < count; i++) target[offset + i] = source.get(p + i);
            }
            case UINT8 -> {
                for (int i = 0; i < count; i++) target[offset + i] = source.get(p + i) & 0xFF;
            }
            case INT16 -> {
                for (int i = 0; i < count; i++) target[offset + i] = source.getShort(p + 2 * i);
            }
            case UINT16 -> {
                for (int i = 0; i < count; i++) target[offset + i] = source.getShort(p + 2 * i) & 0xFFFF;
            }
            case INT32 -> {
                for (int i = 0; i < count; i++) target[offset + i] = source.getInt(p + 4 * i);
            }
            case UINT32 -> {
                for (int i = 0; i < count; i++) target[offset + i] = Integer.toUnsignedLong(source.getInt(p + 4 * i));
            }
            case INT64 -> {
                for (int i = 0; i < count; i++) target[offset + i] = source.getLong(p + 8 * i);
            }
            case UINT64 -> {
                for (int i = 0; i < count; i++) {
                    long v = source.getLong(p + 8 * i);
                    target[offset + i] = v >= 0 ? v : (float) (v >>> 1) * 2f;
                }
            }
            case BOOL -> {
                for (int i = 0; i < count; i++) target[offset + i] = source.get(p + i) != 0 ? 1f : 0f;
            }
        }
        source.position(p + count * size);
    }

    /**
     * Fills {@code target} from {@code in}, converting in chunks so that no second full-size buffer is needed.
     *
     * @return the number of elements read: less than {@code target.length} only if the stream ended early
     */
    public int readFully(InputStream in, ByteOrder order, float[] target) throws IOException {
        long bytesNeeded = (long) target.length * size;
        byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, Math.max(bytesNeeded, size))];
        ByteBuffer buffer = ByteBuffer.wrap(chunk).order(order);
        int elements = 0;
        while (elements < target.length) {
            int want = Math.min(chunk.length / size, target.length - elements);
            int got = in.readNBytes(chunk, 0, want * size) / size;
            buffer.clear();
            decode(buffer, target, elements, got);
            elements += got;
            if (got < want) {
                break;
            }
        }
        return elements;
    }
}
