package org.radmamba.inference.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The zip layout {@code torch.save} writes since PyTorch 1.6: {@code <top>/data.pkl}, {@code <top>/data/<key>} per
 * storage and, in newer versions, {@code <top>/byteorder}. The top folder's name is arbitrary (the file stem, or
 * {@code archive}). Entries are read on demand through {@link ZipFile}'s random access, never the whole file.
 */
final class PthArchive implements StorageSource {

    private static final int MAX_BYTEORDER_BYTES = 16;
    private static final long MAX_DEFLATE_RATIO = 1032;

    private final ZipFile zip;
    private final String source;
    private final String prefix;
    private final long fileSize;
    private final CheckpointLimits limits;
    private final ByteOrder byteOrder;

    private PthArchive(ZipFile zip, String source, String prefix, long fileSize, CheckpointLimits limits) throws IOException {
        this.zip = zip;
        this.source = source;
        this.prefix = prefix;
        this.fileSize = fileSize;
        this.limits = limits;
        this.byteOrder = readByteOrder();
    }

    /** Finds the top folder of {@code zip}, which must hold exactly one {@code data.pkl}. */
    static PthArchive open(ZipFile zip, String source, long fileSize, CheckpointLimits limits) throws IOException {
        List<String> prefixes = new ArrayList<>();
        boolean torchScript = false;
        for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
            String name = entries.nextElement().getName();
            int slash = name.indexOf('/');
            String rest = name.substring(slash + 1);
            if (rest.equals("data.pkl")) {
                prefixes.add(name.substring(0, slash + 1));
            }
            torchScript |= rest.equals("constants.pkl");
        }
        if (prefixes.isEmpty()) {
            throw new CheckpointException(source + ": the zip archive has no data.pkl, so it is not a PyTorch checkpoint");
        }
        if (torchScript) {
            throw new CheckpointException(source + ": this is a TorchScript archive (torch.jit.save), not a state dict;"
                    + " save the weights with torch.save(model.state_dict(), path)");
        }
        if (prefixes.size() > 1) {
            throw new CheckpointException(source + ": the zip archive holds " + prefixes.size() + " data.pkl files (" + prefixes + ")");
        }
        return new PthArchive(zip, source, prefixes.getFirst(), fileSize, limits);
    }

    @Override
    public long fileSize() {
        return fileSize;
    }

    @Override
    public ByteOrder byteOrder() {
        return byteOrder;
    }

    /** The whole {@code data.pkl}, bounded by {@link CheckpointLimits#maxPickleBytes()}. */
    byte[] readPickle() throws IOException {
        ZipEntry entry = zip.getEntry(prefix + "data.pkl");
        return readSmallEntry(entry, limits.maxPickleBytes());
    }

    @Override
    public String storageName(String storageKey) {
        return prefix + "data/" + storageKey;
    }

    @Override
    public long storageBytes(String storageKey) {
        ZipEntry entry = zip.getEntry(storageName(storageKey));
        if (entry == null) {
            return -1;
        }
        checkClaimedSize(entry, limits.maxEntryBytes());
        return entry.getSize();
    }

    @Override
    public InputStream openStorage(String storageKey) throws IOException {
        return zip.getInputStream(zip.getEntry(storageName(storageKey)));
    }

    private ByteOrder readByteOrder() throws IOException {
        ZipEntry entry = zip.getEntry(prefix + "byteorder");
        if (entry == null) {
            return ByteOrder.LITTLE_ENDIAN; // files from before PyTorch 1.12 have none and are little-endian
        }
        String order = new String(readSmallEntry(entry, MAX_BYTEORDER_BYTES), StandardCharsets.US_ASCII).strip();
        return switch (order) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw new CheckpointException(source + ": the byteorder entry says '" + order + "', not 'little' or 'big'");
        };
    }

    private byte[] readSmallEntry(ZipEntry entry, long maxBytes) throws IOException {
        checkClaimedSize(entry, maxBytes);
        int size = (int) entry.getSize();
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes(size);
            if (bytes.length != size) {
                throw new CheckpointException(source + ": " + entry.getName() + " ends after " + bytes.length
                        + " of its " + size + " bytes (the file is truncated or damaged)");
            }
            return bytes;
        }
    }

    private void checkClaimedSize(ZipEntry entry, long maxBytes) {
        long size = entry.getSize();
        if (size < 0 || size > maxBytes) {
            throw new CheckpointException(source + ": the zip entry " + entry.getName() + " claims " + size
                    + " bytes, beyond the limit of " + maxBytes);
        }
        // torch.save stores entries uncompressed; a deflated one can expand at most ~1032:1
        long mostPossible = entry.getMethod() == ZipEntry.STORED ? fileSize : fileSize * MAX_DEFLATE_RATIO;
        if (size > mostPossible) {
            throw new CheckpointException(source + ": the zip entry " + entry.getName() + " claims " + size
                    + " bytes, more than a file of " + fileSize + " bytes can hold");
        }
    }
}
