package org.radmamba.spark;

import org.apache.hadoop.fs.BlockLocation;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.radmamba.app.batch.BatchInputs;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The job's files, on the driver: its INPUTs expanded by {@code radmamba batch}'s rule ({@link BatchInputs} on
 * {@link HadoopStorage}: folders, DICOMDIRs, list files; globs first), then cut into the tasks' groups the way Spark
 * cuts a file source's files ({@code FilePartition}: largest first, at most {@code spark.sql.files.maxPartitionBytes}
 * a group, each file costing {@code spark.sql.files.openCostInBytes} more, and no fewer groups than the job's
 * default parallelism while they stay that large), each group preferring the hosts that hold most of its bytes.
 */
final class JobFiles {

    /** One task's files, as URIs. */
    record Group(List<String> files) implements Serializable {
        Group {
            files = List.copyOf(files);
        }
    }

    /** A group and the hosts it would best run on (none known: any). */
    record Planned(Group group, List<String> hosts) {
    }

    /** How Spark's file sources size a task's share (its SQL settings, read by the job). */
    record Sizing(long maxPartitionBytes, long openCostInBytes, int minPartitions) {
    }

    /** Files whose status is asked at once (a DICOMDIR's or a list's entries): HDFS answers each in a round trip. */
    private static final int STATUS_THREADS = 16;

    private JobFiles() {
    }

    /**
     * The files of {@code inputs}, each once, absolute, those under {@code out} left out (a results folder inside
     * an input folder, as {@code radmamba batch} leaves it out).
     *
     * @throws BatchInputs.InputException an INPUT that does not exist or cannot be read, in radmamba batch's words
     */
    static List<Path> expand(HadoopStorage storage, List<String> inputs, String out)
            throws BatchInputs.InputException {
        List<Path> paths = new ArrayList<>();
        for (String input : inputs) {
            try {
                paths.addAll(storage.inputPaths(input));
            } catch (IOException e) {
                throw new BatchInputs.InputException(input + ": cannot be read (" + e.getMessage() + ")");
            }
        }
        String outPrefix = storage.absolute(new Path(out)).toString() + "/";
        List<Path> files = new ArrayList<>();
        for (Path file : BatchInputs.expand(paths, storage)) {
            Path absolute = storage.absolute(file);
            if (!absolute.toString().startsWith(outPrefix)) {
                files.add(absolute);
            }
        }
        return files;
    }

    /**
     * {@code files} cut into groups (see the class comment). A file that is not there has no length and goes into
     * a group like any other: its task makes its failed row.
     */
    static List<Planned> groups(HadoopStorage storage, List<Path> files, Sizing sizing) throws IOException {
        List<Optional<LocatedFileStatus>> statuses = statuses(storage, files);
        List<Sized> sized = new ArrayList<>(files.size());
        long totalBytes = 0;
        for (int i = 0; i < files.size(); i++) {
            Optional<LocatedFileStatus> status = statuses.get(i);
            long length = status.map(LocatedFileStatus::getLen).orElse(0L);
            BlockLocation[] blocks = status.map(LocatedFileStatus::getBlockLocations).orElse(new BlockLocation[0]);
            sized.add(new Sized(files.get(i).toUri().toString(), length, blocks == null ? new BlockLocation[0] : blocks));
            totalBytes += length + sizing.openCostInBytes();
        }
        long bytesPerCore = totalBytes / Math.max(1, sizing.minPartitions());
        long maxSplitBytes = Math.min(sizing.maxPartitionBytes(), Math.max(sizing.openCostInBytes(), bytesPerCore));

        sized.sort(Comparator.comparingLong(Sized::length).reversed());
        List<Planned> planned = new ArrayList<>();
        List<Sized> current = new ArrayList<>();
        long currentSize = 0;
        for (Sized file : sized) {
            if (!current.isEmpty() && currentSize + file.length() > maxSplitBytes) {
                planned.add(planned(current));
                current = new ArrayList<>();
                currentSize = 0;
            }
            current.add(file);
            currentSize += file.length() + sizing.openCostInBytes();
        }
        if (!current.isEmpty()) {
            planned.add(planned(current));
        }
        return planned;
    }

    /** A file, its length and its blocks' hosts. */
    private record Sized(String uri, long length, BlockLocation[] blocks) {
    }

    private static Planned planned(List<Sized> files) throws IOException {
        Map<String, Long> bytesByHost = new HashMap<>();
        for (Sized file : files) {
            for (BlockLocation block : file.blocks()) {
                for (String host : block.getHosts()) {
                    bytesByHost.merge(host, block.getLength(), Long::sum);
                }
            }
        }
        return new Planned(new Group(files.stream().map(Sized::uri).toList()), topHosts(bytesByHost));
    }

    private static List<Optional<LocatedFileStatus>> statuses(HadoopStorage storage, List<Path> files)
            throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(STATUS_THREADS, r -> {
            Thread t = new Thread(r, "radmamba-file-status");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Optional<LocatedFileStatus>>> asked = new ArrayList<>(files.size());
            for (Path file : files) {
                asked.add(pool.submit(() -> storage.status(file)));
            }
            List<Optional<LocatedFileStatus>> statuses = new ArrayList<>(files.size());
            for (Future<Optional<LocatedFileStatus>> f : asked) {
                statuses.add(f.get());
            }
            return statuses;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while listing the files", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** The hosts holding most of {@code bytesByHost}' bytes, at most three (as Spark's file scan prefers them). */
    static List<String> topHosts(Map<String, Long> bytesByHost) {
        return bytesByHost.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(3).map(Map.Entry::getKey).toList();
    }
}
