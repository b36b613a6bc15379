package org.radmamba.viewer.dicom.pixeldata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The bytes of a {@link ByteSource} from {@code start} to {@code end} as a stream, with the {@link DatasetLayout.Cut}s
 * applied: the cut bytes are left out and the length fields rewritten to match, so that a toolkit reading the stream
 * sees a well-formed dataset without the values the walker judged it must not be given.
 */
public final class RepairedStream extends InputStream {

    private final ByteSource source;
    private final long end;
    private final ByteOrder order;
    private final List<DatasetLayout.Cut> holes;
    /** Length field position → {width, replacement value or -1, bytes to subtract}. */
    private final TreeMap<Long, long[]> patches = new TreeMap<>();
    private long position;
    private int nextHole;
    /** At most 64 KB, no more than the stream holds: one element's stream allocates only what it reads. */
    private final ByteBuffer buffer;
    private long bufferStart;

    public RepairedStream(ByteSource source, long start, long end, ByteOrder order, List<DatasetLayout.Cut> cuts) {
        this.source = source;
        this.position = start;
        this.end = end;
        this.order = order;
        this.buffer = ByteBuffer.allocate(Math.clamp(end - start, 16, 64 * 1024));
        this.holes = new ArrayList<>(cuts.stream().filter(c -> c.holeEnd() > start).toList());
        this.holes.sort(java.util.Comparator.comparingLong(DatasetLayout.Cut::holeStart));
        for (DatasetLayout.Cut cut : cuts) {
            long removed = cut.holeEnd() - cut.holeStart();
            patches.computeIfAbsent(cut.lengthField(), k -> new long[] {cut.lengthFieldWidth(), -1, 0})[1] = cut.keptLength();
            for (long enclosing : cut.enclosingLengthFields()) {
                patches.computeIfAbsent(enclosing, k -> new long[] {4, -1, 0})[2] += removed;
            }
        }
        buffer.limit(0);
        bufferStart = start;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        skipHoles();
        if (position >= end) {
            return -1;
        }
        if (position < bufferStart || position >= bufferStart + buffer.limit()) {
            fill();
        }
        long until = Math.min(end, bufferStart + buffer.limit());
        if (nextHole < holes.size()) {
            until = Math.min(until, holes.get(nextHole).holeStart());
        }
        int n = (int) Math.min(len, until - position);
        buffer.get((int) (position - bufferStart), b, off, n);
        position += n;
        return n;
    }

    private void skipHoles() {
        while (nextHole < holes.size() && position >= holes.get(nextHole).holeStart()) {
            position = Math.max(position, holes.get(nextHole).holeEnd());
            nextHole++;
        }
    }

    /** Reads the next block and rewrites the length fields in it; a block never splits a length field. */
    private void fill() throws IOException {
        long blockEnd = Math.min(end, position + buffer.capacity());
        var straddling = patches.floorEntry(blockEnd - 1);
        if (straddling != null && straddling.getKey() >= position
                && straddling.getKey() + straddling.getValue()[0] > blockEnd && straddling.getKey() > position) {
            blockEnd = straddling.getKey();
        }
        buffer.clear();
        buffer.limit((int) (blockEnd - position));
        source.readFully(position, buffer);
        bufferStart = position;
        buffer.order(order);
        for (var patch : patches.subMap(position, blockEnd).entrySet()) {
            int at = (int) (patch.getKey() - bufferStart);
            long[] p = patch.getValue();
            if (at + p[0] > buffer.limit()) {
                continue;
            }
            if (p[0] == 2) {
                long value = p[1] >= 0 ? p[1] : (buffer.getShort(at) & 0xFFFF) - p[2];
                buffer.putShort(at, (short) value);
            } else {
                long value = p[1] >= 0 ? p[1] : (buffer.getInt(at) & 0xFFFFFFFFL) - p[2];
                buffer.putInt(at, (int) value);
            }
        }
    }

    @Override
    public void close() {
        // The source belongs to the caller.
    }
}
