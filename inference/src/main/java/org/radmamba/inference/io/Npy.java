package org.radmamba.inference.io;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format versions 1, 2 and 3): reads float, integer and bool arrays of either byte order
 * into float32, writes float32 little-endian version 1 (version 2 when the header needs it). Only C order: a
 * Fortran-ordered file is refused rather than silently transposed.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int HEADER_ALIGNMENT = 64;
    private static final int MAX_HEADER_BYTES = 1 << 20;
    /** The largest float array the JVM reliably allocates. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** Reads {@code file} as float32 values in C order. */
    public static NpyArray read(Path file) throws IOException {
        String name = String.valueOf(file.getFileName());
        long fileSize = Files.size(file);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            Header header = readHeader(in, name);
            long dataBytes = fileSize - header.length();
            long needed = header.count() * header.type().size();
            if (dataBytes < needed) {
                throw new NpyFormatException(name + ": the header promises " + header.count() + " " + header.type().typeName()
                        + " values (" + needed + " bytes) but the file holds " + dataBytes + " bytes of data (truncated?)");
            }
            float[] data = new float[(int) header.count()];
            int read = header.type().readFully(in, header.order(), data);
            if (read < data.length) {
                throw new NpyFormatException(name + ": the data ends after " + read + " of " + data.length + " values");
            }
            return new NpyArray(header.shape(), data);
        }
    }

    /** Writes {@code data} with {@code shape} as a little-endian float32 C-order array. */
    public static void writeFloat32(Path file, long[] shape, float[] data) throws IOException {
        if (elementCount(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + elementCount(shape)
                    + " values, got " + data.length);
        }
        byte[] header = header(shape);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(header);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (int start = 0; start < data.length; start += chunk.capacity() / 4) {
                int count = Math.min(chunk.capacity() / 4, data.length - start);
                chunk.clear();
                chunk.asFloatBuffer().put(data, start, count);
                out.write(chunk.array(), 0, count * 4);
            }
        }
    }

    /** Writes {@code array} as float32. */
    public static void writeFloat32(Path file, NpyArray array) throws IOException {
        writeFloat32(file, array.shape(), array.data());
    }

    /** The product of {@code shape}; throws if a dimension is negative or the count overflows. */
    public static long elementCount(long[] shape) {
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, d);
        }
        return count;
    }

    private record Header(ElementType type, ByteOrder order, long[] shape, long count, long length) {
    }

    private static Header readHeader(InputStream in, String name) throws IOException {
        byte[] prefix = in.readNBytes(MAGIC.length + 2);
        if (prefix.length < MAGIC.length + 2 || !Arrays.equals(Arrays.copyOf(prefix, MAGIC.length), MAGIC)) {
            throw new NpyFormatException(name + ": not a NumPy .npy file (the magic string \\x93NUMPY is missing)");
        }
        int major = prefix[6];
        int lengthBytes = switch (major) {
            case 1 -> 2;
            case 2, 3 -> 4;
            default -> throw new NpyFormatException(name + ": .npy format version " + major + " is not supported (1, 2 or 3)");
        };
        byte[] lengthField = in.readNBytes(lengthBytes);
        if (lengthField.length < lengthBytes) {
            throw new NpyFormatException(name + ": the file ends inside the header");
        }
        long headerLength = lengthBytes == 2
                ? ByteBuffer.wrap(lengthField).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF
                : ByteBuffer.wrap(lengthField).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
        if (headerLength > MAX_HEADER_BYTES) {
            throw new NpyFormatException(name + ": the header claims " + headerLength + " bytes, which is not plausible");
        }
        byte[] headerBytes = in.readNBytes((int) headerLength);
        if (headerBytes.length < headerLength) {
            throw new NpyFormatException(name + ": the file ends inside the header");
        }
        String text = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = field(DESCR, text, "descr", name);
        if (field(FORTRAN, text, "fortran_order", name).equals("True")) {
            throw new NpyFormatException(name + ": Fortran-order arrays are not supported;"
                    + " save a C-order array (numpy.ascontiguousarray) instead");
        }
        long[] shape = parseShape(field(SHAPE, text, "shape", name), name);
        long count;
        try {
            count = elementCount(shape);
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw new NpyFormatException(name + ": the shape " + Arrays.toString(shape) + " is not valid");
        }
        if (count > MAX_ELEMENTS) {
            throw new NpyFormatException(name + ": " + count + " elements are more than the " + MAX_ELEMENTS + " this reader allows");
        }
        ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        ElementType type = elementType(descr, name);
        return new Header(type, order, shape, count, MAGIC.length + 2 + lengthBytes + headerLength);
    }

    private static String field(Pattern pattern, String header, String key, String name) throws NpyFormatException {
        Matcher matcher = pattern.matcher(header);
        if (!matcher.find()) {
            throw new NpyFormatException(name + ": the header has no valid '" + key + "' entry: " + header.strip());
        }
        return matcher.group(1);
    }

    private static long[] parseShape(String text, String name) throws NpyFormatException {
        List<Long> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String dim = part.strip();
            if (dim.isEmpty()) {
                continue;
            }
            try {
                dims.add(Long.parseLong(dim.endsWith("L") ? dim.substring(0, dim.length() - 1) : dim));
            } catch (NumberFormatException e) {
                throw new NpyFormatException(name + ": the shape (" + text + ") is not a tuple of integers");
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** NumPy type strings: byte order ({@code < > | =}), kind, size; '=' (native) is taken as little-endian. */
    private static ElementType elementType(String descr, String name) throws NpyFormatException {
        String code = descr.isEmpty() || "<>|=".indexOf(descr.charAt(0)) < 0 ? descr : descr.substring(1);
        return switch (code) {
            case "f2" -> ElementType.FLOAT16;
            case "f4" -> ElementType.FLOAT32;
            case "f8" -> ElementType.FLOAT64;
            case "i1" -> ElementType.INT8;
            case "u1" -> ElementType.UINT8;
            case "i2" -> ElementType.INT16;
            case "u2" -> ElementType.UINT16;
            case "i4" -> ElementType.INT32;
            case "u4" -> ElementType.UINT32;
            case "i8" -> ElementType.INT64;
            case "u8" -> ElementType.UINT64;
            case "b1", "?" -> ElementType.BOOL;
            default -> throw new NpyFormatException(name + ": element type '" + descr + "' is not supported"
                    + " (float16/32/64, signed or unsigned integers, bool)");
        };
    }

    private static byte[] header(long[] shape) {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)"
                : "(" + (shape.length == 0 ? "" : dims.substring(0, dims.length() - 2)) + ")";
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeText + ", }";
        boolean version2 = dict.length() + 1 + MAGIC.length + 4 > 0xFFFF;
        int preamble = MAGIC.length + 2 + (version2 ? 4 : 2);
        int padded = (preamble + dict.length() + 1 + HEADER_ALIGNMENT - 1) / HEADER_ALIGNMENT * HEADER_ALIGNMENT;
        int headerLength = padded - preamble;
        ByteBuffer out = ByteBuffer.allocate(padded).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) (version2 ? 2 : 1)).put((byte) 0);
        if (version2) {
            out.putInt(headerLength);
        } else {
            out.putShort((short) headerLength);
        }
        out.put(dict.getBytes(StandardCharsets.US_ASCII));
        while (out.position() < padded - 1) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        return out.array();
    }
}
