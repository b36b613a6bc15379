package org.radmamba.inference.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

class ElementTypeTest {

    private static float[] decode(ElementType type, ByteOrder order, int... unsignedBytes) {
        byte[] bytes = new byte[unsignedBytes.length];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) unsignedBytes[i];
        }
        float[] out = new float[bytes.length / type.size()];
        type.decode(ByteBuffer.wrap(bytes).order(order), out, 0, out.length);
        return out;
    }

    @Test
    void half_precision_special_values_convert_exactly() {
        float[] v = decode(ElementType.FLOAT16, ByteOrder.LITTLE_ENDIAN, 0x00, 0x7C, 0x00, 0xFC, 0x01, 0x00, 0x00, 0xC0);
        assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0x1p-24f, -2f}, v);
    }

    @Test
    void bfloat16_is_the_upper_half_of_a_float32() {
        assertArrayEquals(new float[] {-2f, 1f}, decode(ElementType.BFLOAT16, ByteOrder.BIG_ENDIAN, 0xC0, 0x00, 0x3F, 0x80));
    }

    @Test
    void unsigned_integers_keep_their_magnitude() {
        int[] ones = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
        assertEquals(4294967295f, decode(ElementType.UINT32, ByteOrder.LITTLE_ENDIAN, 0xFF, 0xFF, 0xFF, 0xFF)[0]);
        assertEquals(18446744073709551615f, decode(ElementType.UINT64, ByteOrder.LITTLE_ENDIAN, ones)[0]);
        assertEquals(-1f, decode(ElementType.INT64, ByteOrder.LITTLE_ENDIAN, ones)[0]);
        assertEquals(65535f, decode(ElementType.UINT16, ByteOrder.LITTLE_ENDIAN, 0xFF, 0xFF)[0]);
    }

    @Test
    void reading_a_stream_converts_across_chunk_boundaries_and_reports_a_short_stream() throws IOException {
        int n = 300_000; // more than one 1 MB chunk of float32
        ByteBuffer bytes = ByteBuffer.allocate(n * 4).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < n; i++) {
            bytes.putFloat(i);
        }
        float[] target = new float[n];
        assertEquals(n, ElementType.FLOAT32.readFully(new ByteArrayInputStream(bytes.array()), ByteOrder.BIG_ENDIAN, target));
        assertEquals(299_999f, target[n - 1]);
        assertEquals(262_144f, target[262_144]);
        float[] tooLong = new float[n + 5];
        assertEquals(n, ElementType.FLOAT32.readFully(new ByteArrayInputStream(bytes.array()), ByteOrder.BIG_ENDIAN, tooLong));
    }
}
