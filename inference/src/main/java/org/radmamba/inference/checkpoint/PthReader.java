package org.radmamba.inference.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a PyTorch checkpoint ({@code torch.save(net.state_dict(), path)}, the zip format of PyTorch 1.6 and later)
 * into a {@link StateDict} of float32 tensors, safely: the pickle runs under an allow-list ({@link TorchUnpickler}),
 * every tensor's layout is checked against its zip entry before anything is allocated or read, and sizes are
 * bounded by {@link CheckpointLimits}. Each storage is read once, converted to float32 as it streams in.
 */
public final class PthReader {

    private static final Logger LOG = LoggerFactory.getLogger(PthReader.class);

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
            checkZipSignature(file, source);
            try (ZipFile zip = new ZipFile(file.toFile())) {
                PthArchive archive = PthArchive.open(zip, source, fileSize, limits);
                Object root = new TorchUnpickler(source).unpickle(archive.readPickle());
                Map<String, TensorRef> refs = CheckpointKeys.normalise(root, TensorRef.class, source);
                StateDict stateDict = new StateDict(source, materialise(refs, archive, limits, source));
                LOG.debug("read {} tensors ({} elements) from {} in {} ms", stateDict.size(), stateDict.totalElements(),
                        source, (System.nanoTime() - started) / 1_000_000);
                return stateDict;
            }
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

    /** Refuses, with a reason, anything that is not a zip archive before {@link ZipFile} reports a vaguer error. */
    private static void checkZipSignature(Path file, String source) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4);
        }
        if (head.length == 0) {
            throw new CheckpointException(source + ": the file is empty");
        }
        if (head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return;
        }
        if ((head[0] & 0xFF) == 0x80) {
            throw new CheckpointException(source + ": legacy (pre-1.6) PyTorch format is not supported;"
                    + " re-save with torch.save(..., _use_new_zipfile_serialization=True)");
        }
        throw new CheckpointException(source + ": not a PyTorch checkpoint (the file is not a zip archive)");
    }

    private static Map<String, CheckpointTensor> materialise(Map<String, TensorRef> refs, PthArchive archive,
                                                             CheckpointLimits limits, String source) throws IOException {
        // Check every layout first, so that a bad tensor fails before any storage is read.
        Map<String, List<TensorLayout>> byStorage = new LinkedHashMap<>();
        Map<String, StorageRef> storages = new LinkedHashMap<>();
        long totalElements = 0;
        long maxTotalElements = limits.maxTotalElements(archive.fileSize());
        for (Map.Entry<String, TensorRef> entry : refs.entrySet()) {
            TensorLayout layout = TensorLayout.check(entry.getKey(), entry.getValue(), limits, source);
            totalElements += layout.numel();
            if (totalElements > maxTotalElements) {
                throw new CheckpointException(source + ": with tensor '" + layout.key() + "' the state dict exceeds "
                        + maxTotalElements + " elements, implausibly many for a file of " + archive.fileSize()
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
            float[] values = readStorage(archive, storage, elementsRead, layouts.getFirst().key(), source);
            for (TensorLayout layout : layouts) {
                boolean whole = layouts.size() == 1 && layout.isContiguousFromStart() && layout.numel() == values.length;
                float[] tensorValues = whole ? values : layout.gather(values);
                tensors.put(layout.key(), new CheckpointTensor(layout.key(), layout.size(), tensorValues, storage.dtype().dtypeName()));
            }
        }
        return tensors;
    }

    /** The first {@code elements} elements of a storage as float32, streamed from its zip entry in chunks. */
    private static float[] readStorage(PthArchive archive, StorageRef storage, long elements, String tensorKey,
                                       String source) throws IOException {
        if (elements == 0) {
            return new float[0]; // only empty tensors view it: no data needed
        }
        ZipEntry entry = archive.storageEntry(storage.key());
        if (entry == null) {
            throw new CheckpointException(source + ": tensor '" + tensorKey + "' refers to "
                    + archive.entryName(storage.key()) + ", which is missing from the archive");
        }
        int elementSize = storage.dtype().elementType.size();
        long bytesNeeded = elements * elementSize; // elements <= 2^31, so no overflow
        if (bytesNeeded > entry.getSize()) {
            throw new CheckpointException(source + ": tensor '" + tensorKey + "' needs " + bytesNeeded + " bytes of "
                    + entry.getName() + " but the entry holds only " + entry.getSize());
        }
        float[] values = new float[(int) elements];
        try (InputStream in = archive.open(entry)) {
            int read = storage.dtype().elementType.readFully(in, archive.byteOrder(), values);
            if (read < values.length) {
                throw new CheckpointException(source + ": " + entry.getName() + " ends after " + ((long) read * elementSize)
                        + " bytes although tensor '" + tensorKey + "' needs " + bytesNeeded + " (the file is truncated or damaged)");
            }
        }
        return values;
    }
}
