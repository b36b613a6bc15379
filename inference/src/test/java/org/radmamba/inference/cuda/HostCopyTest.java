package org.radmamba.inference.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class HostCopyTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, HostCopy.CHUNK_FLOATS - 1, HostCopy.CHUNK_FLOATS, HostCopy.CHUNK_FLOATS + 1,
            7 * HostCopy.CHUNK_FLOATS / 2})
    void every_float_lands_at_its_place_and_comes_back_unchanged(int length) {
        float[] values = new float[length];
        Random random = new Random(length);
        for (int i = 0; i < length; i++) {
            values[i] = random.nextFloat() - 0.5f;
        }
        long offset = 256;
        try (Arena arena = Arena.ofShared()) {  // the copies run on pool threads
            MemorySegment memory = arena.allocate(offset + (long) length * Float.BYTES + 8);
            memory.fill((byte) 0x7f);

            HostCopy.toNative(values, memory, offset);
            float[] back = new float[length];
            HostCopy.toArray(memory, offset, back);

            assertArrayEquals(values, back);
            if (length > 0) {
                assertEquals(values[length - 1], memory.get(JAVA_FLOAT, offset + (long) (length - 1) * Float.BYTES));
            }
            // Nothing written before the offset or after the last float.
            assertEquals((byte) 0x7f, memory.get(JAVA_BYTE, offset - 1));
            assertEquals((byte) 0x7f, memory.get(JAVA_BYTE,
                    offset + (long) length * Float.BYTES));
        }
    }
}
