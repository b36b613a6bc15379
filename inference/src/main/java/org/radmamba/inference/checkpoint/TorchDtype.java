package org.radmamba.inference.checkpoint;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/** The element types a PyTorch storage may have in a state dict, by the storage class {@code torch.save} pickles. */
enum TorchDtype {
    FLOAT32("FloatStorage", "float32", 4),
    FLOAT64("DoubleStorage", "float64", 8),
    FLOAT16("HalfStorage", "float16", 2),
    BFLOAT16("BFloat16Storage", "bfloat16", 2),
    INT64("LongStorage", "int64", 8),
    INT32("IntStorage", "int32", 4),
    INT16("ShortStorage", "int16", 2),
    INT8("CharStorage", "int8", 1),
    UINT8("ByteStorage", "uint8", 1),
    BOOL("BoolStorage", "bool", 1);

    final String storageClass;
    final String dtypeName;
    final int elementSize;

    TorchDtype(String storageClass, String dtypeName, int elementSize) {
        this.storageClass = storageClass;
        this.dtypeName = dtypeName;
        this.elementSize = elementSize;
    }

    /** The dtype of {@code torch.<storageClass>}, if it is one we read. */
    static Optional<TorchDtype> ofStorageClass(String storageClass) {
        return Arrays.stream(values()).filter(d -> d.storageClass.equals(storageClass)).findFirst();
    }

    /**
     * Converts {@code count} elements from {@code source} (its byte order already set) to float32 into
     * {@code target[offset..]}. Integers above 2^24 lose precision, which no inference buffer needs.
     */
    void decode(ByteBuffer source, float[] target, int offset, int count) {
        switch (this) {
            case FLOAT32 -> source.asFloatBuffer().get(target, offset, count);
            case FLOAT64 -> {
                for (int i = 0; i < count; i++) target[offset + i] = (float) source.getDouble(source.position() + 8 * i);
            }
            case FLOAT16 -> {
                for (int i = 0; i < count; i++) target[offset + i] = Float.float16ToFloat(source.getShort(source.position() + 2 * i));
            }
            case BFLOAT16 -> {
                // bfloat16 is the upper half of a float32
                for (int i = 0; i < count; i++) target[offset + i] = Float.intBitsToFloat((source.getShort(source.position() + 2 * i) & 0xFFFF) << 16);
            }
            case INT64 -> {
                for (int i = 0; i < count; i++) target[offset + i] = source.getLong(source.position() + 8 * i);
            }
            case INT32 -> {
                for (int i = 0; i < count; i++) target[offset + i] = source.getInt(source.position() + 4 * i);
            }
            case INT16 -> {
                for (int i = 0; i < count; i++) target[offset + i] = source.getShort(source.position() + 2 * i);
            }
            case INT8 -> {
                for (int i = 0; i < count; i++) target[offset + i] = source.get(source.position() + i);
            }
            case UINT8 -> {
                for (int i = 0; i < count; i++) target[offset + i] = source.get(source.position() + i) & 0xFF;
            }
            case BOOL -> {
                for (int i = 0; i < count; i++) target[offset + i] = source.get(source.position() + i) != 0 ? 1f : 0f;
            }
        }
        source.position(source.position() + count * elementSize);
    }
}
