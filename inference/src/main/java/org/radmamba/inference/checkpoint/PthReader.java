package org.radmamba.inference.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a PyTorch checkpoint ({@code torch.save(net.state_dict(), path)}: the zip format of PyTorch 1.6 and later,
 * or the legacy format before it) into a {@link StateDict} of float32 tensors, safely: the pickle runs under an
 * allow-list ({@link TorchUnpickler}), every tensor's layout is checked against its stored bytes before anything is
 * allocated or read, and sizes are bounded by {@link CheckpointLimits}. Each storage is read once, converted to
 * float32 as it streams in.
 */
public final class PthReader {

    private static final Logger LOG = LoggerFactory.getLogger(PthReader.class);
    private static final int TAR_MAGIC_OFFSET = 257;
    private static final byte[] TAR_MAGIC = {'u', 's', 't', 'a', 'r'};

    private PthReader() {
    }

    /** Reads {@code file} with {@link CheckpointLimits#DEFAULT}. */
    public static StateDict read(Path file) {
        return read(file, CheckpointLimits.DEFAULT);
    }

    /**
     * Reads {@code file}.
     *
     * @throws CheckpointException naming the file (and the tensor key, where one is at fault) and what is wrong
     */
    public static StateDict read(Path file, CheckpointLimits limits) {
        String source = String.valueOf(file.getFileName());
        if (file.getFileSystem() != FileSystems.getDefault()) {
            return readCopy(file, limits, source);
        }
        return read(file, source, limits);
    }

    private static StateDict read(Path file, String source, CheckpointLimits limits) {
        long started = System.nanoTime();
        try {
            long fileSize = Files.size(file);
            StateDict stateDict;
            if (isZip(file, source)) {
                try (ZipFile zip = new ZipFile(file.toFile())) {
                    PthArchive archive = PthArchive.open(zip, source, fileSize, limits);
                    Object root = new TorchUnpickler(source, "data.pkl").unpickle(archive.readPickle());
                    stateDict = stateDict(root, archive, limits, source);
                }
            } else {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    LegacyPth legacy = LegacyPth.open(channel, fileSize, source, limits);
                    stateDict = stateDict(legacy.root(), legacy, limits, source);
                }
            }
            LOG.debug("read {} tensors ({} elements) from {} in {} ms", stateDict.size(), stateDict.totalElements(),
                    source, (System.nanoTime() - started) / 1_000_000);
            return stateDict;
        } catch (NoSuchFileException e) {
            throw new CheckpointException(source + ": the file does not exist (" + file + ")", e);
        } catch (AccessDeniedException e) {
            throw new CheckpointException(source + ": the file cannot be read (access denied)", e);
        } catch (ZipException e) {
            throw new CheckpointException(source + ": the zip archive is truncated or damaged (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new CheckpointException(source + ": the file could not be read (" + e.getMessage() + ")", e);
        }
    }

    /** A checkpoint inside a jar or another file system: {@link ZipFile} needs a real file, so read a temporary copy. */
    private static StateDict readCopy(Path file, CheckpointLimits limits, String source) {
        Path copy = null;
        try {
            copy = Files.createTempFile("radmamba-", "-" + source);
            Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
            return read(copy, source, limits);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(source + ": the file does not exist (" + file.toUri() + ")", e);
        } catch (IOException e) {
            throw new CheckpointException(source + ": the file could not be copied out of " + file.getFileSystem()
                    + " to be read (" + e.getMessage() + ")", e);
        } finally {
            deleteQuietly(copy);
        }
    }

    private static void deleteQuietly(Path temporary) {
        if (temporary == null) {
            return;
        }
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            LOG.warn("could not delete the temporary checkpoint copy {}: {}", temporary, e.getMessage());
        }
    }

    /**
     * True for the zip format, false for the legacy pickle format; refuses, with a reason, anything else before
     * {@link ZipFile} or the unpickler report something vaguer.
     */
    private static boolean isZip(Path file, String source) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(TAR_MAGIC_OFFSET + TAR_MAGIC.length);
        }
        if (head.length == 0) {
            throw new CheckpointException(source + ": the file is empty");
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return true;
        }
        if (head.length >= 2 && (head[0] & 0xFF) == 0x80 && head[1] >= 2) {
            return false; // a pickle: the legacy format starts with torch.save's magic number
        }
        if (head.length == TAR_MAGIC_OFFSET + TAR_MAGIC.length
                && Arrays.equals(Arrays.copyOfRange(head, TAR_MAGIC_OFFSET, head.length), TAR_MAGIC)) {
            throw new CheckpointException(source + ": the tar-based PyTorch format (before 0.4) is not supported;"
                    + " re-save with torch.save(...) from a newer PyTorch");
        }
        throw new CheckpointException(source + ": not a PyTorch checkpoint (neither a zip archive nor a pickle)");
    }

    private static StateDict stateDict(Object root, StorageSource storages, CheckpointLimits limits, String source) throws IOException {
        Map<String, TensorRef> refs = CheckpointKeys.normalise(root, TensorRef.class, source);
        return new StateDict(source, materialise(refs, storages, limits, source));
    }

    private static Map<String, CheckpointTensor> materialise(Map<String, TensorRef> refs, StorageSource storageSource,
                                                             CheckpointLimits limits, String source) throws IOException {
        // Check every layout first, so that a bad tensor fails before any storage is read.
        Map<String, List<TensorLayout>> byStorage = new LinkedHashMap<>();
        Map<String, StorageRef> storages = new LinkedHashMap<>();
        long totalElements = 0;
        long maxTotalElements = limits.maxTotalElements(storageSource.fileSize());
        for (Map.Entry<String, TensorRef> entry : refs.entrySet()) {
            TensorLayout layout = TensorLayout.check(entry.getKey(), entry.getValue(), limits, source);
            totalElements += layout.numel();
            if (totalElements > maxTotalElements) {
                throw new CheckpointException(source + ": with tensor '" + layout.key() + "' the state dict exceeds "
                        + maxTotalElements + " elements, implausibly many for a file of " + storageSource.fileSize()
                        + " bytes (views that repeat a small storage?)");
            }
            StorageRef storage = layout.storage();
            StorageRef seen = storages.putIfAbsent(storage.key(), storage);
            if (seen != null && seen.dtype() != storage.dtype()) {
                throw new CheckpointException(source + ": storage '" + storage.key() + "' is declared both "
                        + seen.dtype().dtypeName() + " and " + storage.dtype().dtypeName());
            }
            byStorage.computeIfAbsent(storage.key(), k -> new ArrayList<>()).add(layout);
        }
        Map<String, CheckpointTensor> tensors = new LinkedHashMap<>();
        refs.keySet().forEach(key -> tensors.put(key, null)); // keeps the checkpoint's order
        for (Map.Entry<String, List<TensorLayout>> group : byStorage.entrySet()) {
            List<TensorLayout> layouts = group.getValue();
            StorageRef storage = storages.get(group.getKey());
            long elementsRead = layouts.stream().mapToLong(TensorLayout::storageElementsRead).max().orElse(0);
            float[] values = readStorage(storageSource, storage, elementsRead, layouts.getFirst().key(), source);
            for (TensorLayout layout : layouts) {
                boolean whole = layouts.size() == 1 && layout.isContiguousFromStart() && layout.numel() == values.length;
                float[] tensorValues = whole ? values : layout.gather(values);
                tensors.put(layout.key(), new CheckpointTensor(layout.key(), layout.size(), tensorValues, storage.dtype().dtypeName()));
            }
        }
        return tensors;
    }

    /** The first {@code elements} elements of a storage as float32, streamed in chunks. */
    private static float[] readStorage(StorageSource source, StorageRef storage, long elements, String tensorKey,
                                       String fileName) throws IOException {
        if (elements == 0) {
            return new float[0]; // only empty tensors view it: no data needed
        }
        long available = source.storageBytes(storage.key());
        if (available < 0) {
            throw new CheckpointException(fileName + ": tensor '" + tensorKey + "' refers to "
                    + source.storageName(storage.key()) + ", which is missing from the file");
        }
        int elementSize = storage.dtype().elementType.size();
        long bytesNeeded = elements * elementSize; // elements <= 2^31, so no overflow
        if (bytesNeeded > available) {
            throw new CheckpointException(fileName + ": tensor '" + tensorKey + "' needs " + bytesNeeded + " bytes of "
                    + source.storageName(storage.key()) + " but it holds only " + available);
        }
        float[] values = new float[(int) elements];
        try (InputStream in = source.openStorage(storage.key())) {
            int read = storage.dtype().elementType.readFully(in, source.byteOrder(), values);
            if (read < values.length) {
                throw new CheckpointException(fileName + ": " + source.storageName(storage.key()) + " ends after "
                        + ((long) read * elementSize) + " bytes although tensor '" + tensorKey + "' needs " + bytesNeeded
                        + " (the file is truncated or damaged)");
            }
        }
        return values;
    }
}
