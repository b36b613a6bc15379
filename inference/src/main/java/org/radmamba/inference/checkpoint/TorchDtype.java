package org.radmamba.inference.checkpoint;

import java.util.Arrays;
import java.util.Optional;

import org.radmamba.inference.io.ElementType;

/** The storage classes {@code torch.save} pickles for a state dict, and the element type each holds. */
enum TorchDtype {
    FLOAT32("FloatStorage", ElementType.FLOAT32),
    FLOAT64("DoubleStorage", ElementType.FLOAT64),
    FLOAT16("HalfStorage", ElementType.FLOAT16),
    BFLOAT16("BFloat16Storage", ElementType.BFLOAT16),
    INT64("LongStorage", ElementType.INT64),
    INT32("IntStorage", ElementType.INT32),
    INT16("ShortStorage", ElementType.INT16),
    INT8("CharStorage", ElementType.INT8),
    UINT8("ByteStorage", ElementType.UINT8),
    BOOL("BoolStorage", ElementType.BOOL);

    final String storageClass;
    final ElementType elementType;

    TorchDtype(String storageClass, ElementType elementType) {
        this.storageClass = storageClass;
        this.elementType = elementType;
    }

    /** The dtype of {@code torch.<storageClass>}, if it is one we read. */
    static Optional<TorchDtype> ofStorageClass(String storageClass) {
        return Arrays.stream(values()).filter(d -> d.storageClass.equals(storageClass)).findFirst();
    }

    String dtypeName() {
        return elementType.typeName();
    }
}
