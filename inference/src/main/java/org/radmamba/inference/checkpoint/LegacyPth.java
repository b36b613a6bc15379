package org.radmamba.inference.checkpoint;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The format {@code torch.save} wrote before PyTorch 1.6 (and later with {@code _use_new_zipfile_serialization=False}):
 * five pickles in a row (a magic number, the protocol version 1001, {@code sys_info} with the byte order, the object,
 * the sorted storage keys), then each storage in key order as an int64 element count and its raw bytes. The pickles
 * run through the same {@link TorchUnpickler} allow-list as the zip format's {@code data.pkl}.
 */
final class LegacyPth implements StorageSource {

    private static final BigInteger MAGIC_NUMBER = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final int PROTOCOL_VERSION = 1001;
    /** The pickles of a legacy file are small (about 100 bytes per tensor); start with this much of the file. */
    private static final long FIRST_HEAD_BYTES = 1 << 20;

    private record Span(long offset, long bytes) {
    }

    private final FileChannel channel;
    private final long fileSize;
    private final ByteOrder byteOrder;
    private final Object root;
    private final Map<String, Span> spans;

    private LegacyPth(FileChannel channel, long fileSize, ByteOrder byteOrder, Object root, Map<String, Span> spans) {
        this.channel = channel;
        this.fileSize = fileSize;
        this.byteOrder = byteOrder;
        this.root = root;
        this.spans = spans;
    }

    /** Reads the pickles at the start of {@code channel} and locates every storage after them. */
    static LegacyPth open(FileChannel channel, long fileSize, String source, CheckpointLimits limits) throws IOException {
        long limit = Math.min(fileSize, limits.maxPickleBytes());
        for (long size = Math.min(limit, FIRST_HEAD_BYTES); ; size = Math.min(limit, size * 8)) {
            byte[] head = readHead(channel, (int) size, source);
            try {
                return parse(channel, fileSize, head, source);
            } catch (CheckpointException e) {
                if (size == limit) {
                    throw e;
                }
                // the pickles may run on past this head: retry with a longer one; the last try reports the error
            }
        }
    }

    private static byte[] readHead(FileChannel channel, int size, String source) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(size);
        while (head.hasRemaining()) {
            if (channel.read(head, head.position()) < 0) {
                throw new CheckpointException(source + ": the file ended while it was being read");
            }
        }
        return head.array();
    }

    private static LegacyPth parse(FileChannel channel, long fileSize, byte[] head, String source) throws IOException {
        TorchUnpickler unpickler = new TorchUnpickler(source, "the legacy pickle");
        TorchUnpickler.Result magic = unpickler.unpickle(head, 0);
        if (!(magic.value() instanceof BigInteger number) || !number.equals(MAGIC_NUMBER)) {
            throw new CheckpointException(source + ": not a PyTorch checkpoint (a pickle without torch.save's magic number)");
        }
        TorchUnpickler.Result protocol = unpickler.unpickle(head, magic.end());
        if (!(protocol.value() instanceof Number version) || version.intValue() != PROTOCOL_VERSION) {
            throw new CheckpointException(source + ": legacy PyTorch protocol " + protocol.value() + " is not supported (only " + PROTOCOL_VERSION + ")");
        }
        TorchUnpickler.Result sysInfo = unpickler.unpickle(head, protocol.end());
        if (!(sysInfo.value() instanceof Map<?, ?> info) || !(info.get("little_endian") instanceof Boolean little)) {
            throw new CheckpointException(source + ": the legacy header lacks its byte order (sys_info['little_endian'])");
        }
        ByteOrder order = little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        TorchUnpickler.Result object = unpickler.unpickle(head, sysInfo.end());
        TorchUnpickler.Result keys = unpickler.unpickle(head, object.end());
        if (!(keys.value() instanceof List<?> keyList)) {
            throw new CheckpointException(source + ": the legacy storage key list is " + CheckpointKeys.describe(keys.value()));
        }
        Map<String, Span> spans = locateStorages(channel, fileSize, keys.end(), keyList, unpickler.storages(), order, source);
        return new LegacyPth(channel, fileSize, order, object.value(), spans);
    }

    /** Walks the storages after the pickles: each an int64 element count, then that many elements. */
    private static Map<String, Span> locateStorages(FileChannel channel, long fileSize, long start, List<?> keys,
                                                    Map<String, StorageRef> storages, ByteOrder order, String source) throws IOException {
        Map<String, Span> spans = new HashMap<>();
        long position = start;
        ByteBuffer count = ByteBuffer.allocate(8).order(order);
        for (Object key : keys) {
            StorageRef storage = key instanceof String k ? storages.get(k) : null;
            if (storage == null) {
                throw new CheckpointException(source + ": the legacy storage list names " + CheckpointKeys.describe(key)
                        + ", which no tensor uses");
            }
            count.clear();
            if (position > fileSize - 8 || channel.read(count, position) < 8) {
                throw new CheckpointException(source + ": the file ends before storage '" + storage.key() + "' (truncated)");
            }
            long elements = count.getLong(0);
            long bytes;
            try {
                bytes = Math.multiplyExact(elements, storage.dtype().elementType.size());
            } catch (ArithmeticException overflow) {
                bytes = -1;
            }
            if (elements < 0 || bytes < 0 || bytes > fileSize - position - 8) {
                throw new CheckpointException(source + ": storage '" + storage.key() + "' claims " + elements
                        + " elements, beyond the end of the file (truncated or damaged)");
            }
            spans.put(storage.key(), new Span(position + 8, bytes));
            position += 8 + bytes;
        }
        return spans;
    }

    /** The unpickled object (the state dict, or a dict wrapping it). */
    Object root() {
        return root;
    }

    @Override
    public ByteOrder byteOrder() {
        return byteOrder;
    }

    @Override
    public long fileSize() {
        return fileSize;
    }

    @Override
    public String storageName(String storageKey) {
        return "storage '" + storageKey + "'";
    }

    @Override
    public long storageBytes(String storageKey) {
        Span span = spans.get(storageKey);
        return span == null ? -1 : span.bytes();
    }

    @Override
    public InputStream openStorage(String storageKey) throws IOException {
        // storages are read one at a time, so moving the channel's position is safe; the stream must not close it
        channel.position(spans.get(storageKey).offset());
        InputStream stream = Channels.newInputStream(channel);
        return new FilterInputStream(stream) {
            @Override
            public void close() {
                // the channel belongs to PthReader
            }
        };
    }
}
