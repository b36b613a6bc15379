package org.radmamba.inference.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes pickles opcode by opcode (protocol 2, as torch.save does), so that tests can build the hostile and
 * malformed checkpoints no honest PyTorch would write; and packs them into a .pth zip.
 */
final class PickleBuilder {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A pickle, starting with PROTO 2. */
    PickleBuilder() {
        raw(0x80, 2);
    }

    private PickleBuilder(boolean withProtocol) {
        if (withProtocol) {
            raw(0x80, 2);
        }
    }

    /** Opcodes without the PROTO header, to {@link #append} into a pickle. */
    static PickleBuilder fragment() {
        return new PickleBuilder(false);
    }

    PickleBuilder append(PickleBuilder fragment) {
        return raw(fragment.bytes());
    }

    PickleBuilder raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    private PickleBuilder raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /** GLOBAL: {@code c<module>\n<name>\n}. */
    PickleBuilder global(String module, String name) {
        return raw('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** STACK_GLOBAL: module and name as strings on the stack. */
    PickleBuilder stackGlobal(String module, String name) {
        return string(module).string(name).raw(0x93);
    }

    /** INST: {@code i<module>\n<name>\n}, instantiating with the arguments since the last MARK. */
    PickleBuilder inst(String module, String name) {
        return raw('i').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** BINUNICODE. */
    PickleBuilder string(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return raw('X').raw(le32(bytes.length)).raw(bytes);
    }

    /** An integer as BININT or, beyond 32 bits, LONG1. */
    PickleBuilder integer(long value) {
        if (value == (int) value) {
            return raw('J').raw(le32((int) value));
        }
        byte[] bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
        return raw(0x8a, 8).raw(bytes);
    }

    PickleBuilder mark() {
        return raw('(');
    }

    PickleBuilder tuple() {
        return raw('t');
    }

    PickleBuilder emptyTuple() {
        return raw(')');
    }

    PickleBuilder tuple1() {
        return raw(0x85);
    }

    PickleBuilder reduce() {
        return raw('R');
    }

    PickleBuilder build() {
        return raw('b');
    }

    PickleBuilder emptyDict() {
        return raw('}');
    }

    PickleBuilder setItems() {
        return raw('u');
    }

    PickleBuilder falseValue() {
        return raw(0x89);
    }

    PickleBuilder stop() {
        return raw('.');
    }

    /** A tuple of integers. */
    PickleBuilder ints(long... values) {
        mark();
        for (long v : values) {
            integer(v);
        }
        return tuple();
    }

    /** {@code collections.OrderedDict()}. */
    PickleBuilder orderedDict() {
        return global("collections", "OrderedDict").emptyTuple().reduce();
    }

    /** {@code _rebuild_tensor_v2(('storage', torch.<type>, key, 'cpu', numel), offset, size, stride, False, OrderedDict())}. */
    PickleBuilder tensor(String storageType, String storageKey, long storageNumel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2");
        mark();
        mark().string("storage").global("torch", storageType).string(storageKey).string("cpu").integer(storageNumel).tuple();
        raw('Q'); // BINPERSID
        integer(offset).ints(size).ints(stride).falseValue().orderedDict();
        return tuple().reduce();
    }

    /** A contiguous float32 tensor over the whole storage. */
    PickleBuilder floatTensor(String storageKey, long... size) {
        long numel = 1;
        for (long d : size) {
            numel *= d;
        }
        return tensor("FloatStorage", storageKey, numel, 0, size, contiguousStrides(size));
    }

    static long[] contiguousStrides(long... size) {
        long[] stride = new long[size.length];
        long s = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            stride[i] = s;
            s *= size[i];
        }
        return stride;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    static byte[] le32(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    static byte[] floats(float... values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    /** Entries of a .pth zip, named relative to its top folder. */
    static Map<String, byte[]> entries(byte[] pickle) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("data.pkl", pickle);
        return entries;
    }

    /** Writes a .pth zip: {@code <stem>/<name>} for each entry, stored uncompressed as torch.save does. */
    static Path writePth(Path file, Map<String, byte[]> entries) throws IOException {
        return writePth(file, entries, ZipEntry.STORED);
    }

    /** Writes a .pth zip with entries stored or deflated ({@link ZipEntry#STORED}, {@link ZipEntry#DEFLATED}). */
    static Path writePth(Path file, Map<String, byte[]> entries, int method) throws IOException {
        String stem = file.getFileName().toString().replaceFirst("\\.pth$", "");
        try (OutputStream stream = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(stream)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                ZipEntry zipEntry = new ZipEntry(stem + "/" + entry.getKey());
                byte[] data = entry.getValue();
                zipEntry.setMethod(method);
                if (method == ZipEntry.STORED) {
                    CRC32 crc = new CRC32();
                    crc.update(data);
                    zipEntry.setSize(data.length);
                    zipEntry.setCompressedSize(data.length);
                    zipEntry.setCrc(crc.getValue());
                }
                zip.putNextEntry(zipEntry);
                zip.write(data);
                zip.closeEntry();
            }
        }
        return file;
    }
}
