package org.radmamba.app.batch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Thrift compact protocol, the part Parquet's footer and page headers use: structs of i16/i32/i64, binary and
 * lists, written by hand so that the desktop app needs no Thrift or Hadoop library. Written from the Apache Thrift
 * compact protocol specification (thrift/doc/specs/thrift-compact-protocol.md).
 */
final class ThriftCompact {

    static final int STOP = 0;
    static final int TRUE = 1;
    static final int FALSE = 2;
    static final int BYTE = 3;
    static final int I16 = 4;
    static final int I32 = 5;
    static final int I64 = 6;
    static final int DOUBLE = 7;
    static final int BINARY = 8;
    static final int LIST = 9;
    static final int SET = 10;
    static final int MAP = 11;
    static final int STRUCT = 12;

    private ThriftCompact() {
    }

    /** Writes one struct after another; field ids are deltas against the enclosing struct's last field. */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final Deque<Integer> lastField = new ArrayDeque<>();
        private int last;

        byte[] toByteArray() {
            return out.toByteArray();
        }

        private void fieldHeader(int id, int type) {
            int delta = id - last;
            if (delta > 0 && delta <= 15) {
                out.write(delta << 4 | type);
            } else {
                out.write(type);
                varint(zigzag32(id));
            }
            last = id;
        }

        Writer i32(int id, int value) {
            fieldHeader(id, I32);
            varint(zigzag32(value));
            return this;
        }

        Writer i64(int id, long value) {
            fieldHeader(id, I64);
            varint(zigzag64(value));
            return this;
        }

        Writer string(int id, String value) {
            fieldHeader(id, BINARY);
            binary(value.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        /** Opens a struct-valued field; {@link #end()} closes it. */
        Writer struct(int id) {
            fieldHeader(id, STRUCT);
            lastField.push(last);
            last = 0;
            return this;
        }

        /** Opens a list of {@code size} structs; each begins with {@link #element()} and ends with {@link #end()}. */
        Writer structList(int id, int size) {
            fieldHeader(id, LIST);
            listHeader(size, STRUCT);
            return this;
        }

        Writer element() {
            lastField.push(last);
            last = 0;
            return this;
        }

        Writer i32List(int id, int... values) {
            fieldHeader(id, LIST);
            listHeader(values.length, I32);
            for (int v : values) {
                varint(zigzag32(v));
            }
            return this;
        }

        Writer stringList(int id, List<String> values) {
            fieldHeader(id, LIST);
            listHeader(values.size(), BINARY);
            for (String v : values) {
                binary(v.getBytes(StandardCharsets.UTF_8));
            }
            return this;
        }

        /** Ends the current struct (its stop byte) and returns to the enclosing one. */
        Writer end() {
            out.write(STOP);
            last = lastField.isEmpty() ? 0 : lastField.pop();
            return this;
        }

        private void listHeader(int size, int elementType) {
            if (size < 15) {
                out.write(size << 4 | elementType);
            } else {
                out.write(0xF0 | elementType);
                varint(size);
            }
        }

        private void binary(byte[] bytes) {
            varint(bytes.length);
            out.write(bytes, 0, bytes.length);
        }

        private void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }

    static long zigzag32(int n) {
        return ((n << 1) ^ (n >> 31)) & 0xFFFFFFFFL;
    }

    static long zigzag64(long n) {
        return (n << 1) ^ (n >> 63);
    }

    /**
     * Reads a struct into field id → value: {@link Long} for integers, {@code byte[]} for binary, {@link Boolean},
     * {@link Double}, {@link List} for lists and sets, a nested map for structs (maps are skipped).
     */
    static final class Reader {
        private final byte[] data;
        private int pos;

        Reader(byte[] data, int offset) {
            this.data = data;
            this.pos = offset;
        }

        int position() {
            return pos;
        }

        Map<Integer, Object> struct() throws IOException {
            Map<Integer, Object> fields = new LinkedHashMap<>();
            int last = 0;
            while (true) {
                int header = u8();
                int type = header & 0x0F;
                if (type == STOP) {
                    return fields;
                }
                int delta = header >>> 4;
                int id = delta != 0 ? last + delta : (int) unzigzag(varint());
                fields.put(id, value(type));
                last = id;
            }
        }

        private Object value(int type) throws IOException {
            return switch (type) {
                case TRUE -> Boolean.TRUE;
                case FALSE -> Boolean.FALSE;
                case BYTE -> (long) (byte) u8();
                case I16, I32, I64 -> unzigzag(varint());
                case DOUBLE -> {
                    long bits = 0;
                    for (int i = 0; i < 8; i++) {
                        bits |= (long) u8() << (8 * i);
                    }
                    yield Double.longBitsToDouble(bits);
                }
                case BINARY -> {
                    int n = (int) varint();
                    if (n < 0 || pos + n > data.length) {
                        throw new IOException("a Thrift binary of " + n + " bytes runs past the footer");
                    }
                    byte[] b = java.util.Arrays.copyOfRange(data, pos, pos + n);
                    pos += n;
                    yield b;
                }
                case LIST, SET -> {
                    int header = u8();
                    int size = header >>> 4;
                    if (size == 15) {
                        size = (int) varint();
                    }
                    int elementType = header & 0x0F;
                    List<Object> list = new ArrayList<>(Math.min(size, 1 << 16));
                    for (int i = 0; i < size; i++) {
                        list.add(elementType == TRUE || elementType == FALSE ? u8() == TRUE : value(elementType));
                    }
                    yield list;
                }
                case MAP -> {
                    int size = (int) varint();
                    if (size > 0) {
                        int types = u8();
                        for (int i = 0; i < size; i++) {
                            value(types >>> 4);
                            value(types & 0x0F);
                        }
                    }
                    yield null;
                }
                case STRUCT -> struct();
                default -> throw new IOException("unknown Thrift compact type " + type + " at byte " + (pos - 1));
            };
        }

        private int u8() throws IOException {
            if (pos >= data.length) {
                throw new IOException("the Thrift data ends early");
            }
            return data[pos++] & 0xFF;
        }

        private long varint() throws IOException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = u8();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new IOException("a Thrift varint is longer than 10 bytes");
        }

        private static long unzigzag(long v) {
            return (v >>> 1) ^ -(v & 1);
        }
    }
}
