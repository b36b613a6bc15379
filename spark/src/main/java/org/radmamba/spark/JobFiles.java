package org.radmamba.spark;

import org.apache.hadoop.fs.Path;
import org.radmamba.app.batch.BatchInputs;
import org.radmamba.app.batch.BatchRecord;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

    /**
     * A file of the job: its URI and its place in the job's file list, which decides whose row an image met in two
     * files keeps ({@link org.radmamba.app.batch.OneRowPerImage}).
     *
     * @param keptElsewhere the images (frames) of this file whose row a file listed earlier gives: not run here
     */
    record Listed(String uri, int position, Set<BatchRecord.DoneKey> keptElsewhere) implements Serializable {
        Listed {
            keptElsewhere = Set.copyOf(keptElsewhere);
        }

        Listed(String uri, int position) {
            this(uri, position, Set.of());
        }
    }

    /** One task's files. */
    record Group(List<Listed> files) implements Serializable {
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
        return groups(sized(storage, files), sizing);
    }

    /**
     * {@code files} with their places in the list, lengths and hosts (a file that is not there: no length, no
     * host), asked once: the job cuts its groups twice, all files for the first pass, the files left to run after.
     */
    static List<Sized> sized(HadoopStorage storage, List<Path> files) throws IOException {
        List<Optional<HadoopStorage.FileInfo>> infos = infos(storage, files);
        List<Sized> sized = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            HadoopStorage.FileInfo info = infos.get(i).orElse(new HadoopStorage.FileInfo(0, List.of()));
            sized.add(new Sized(new Listed(files.get(i).toUri().toString(), i), info.length(), info.hosts()));
        }
        return sized;
    }

    /** {@code files} cut into groups (see the class comment). */
    static List<Planned> groups(List<Sized> files, Sizing sizing) {
        List<Sized> sized = new ArrayList<>(files);
        long totalBytes = 0;
        for (Sized file : sized) {
            totalBytes += file.length() + sizing.openCostInBytes();
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

    /** A file, its length and the hosts of its blocks. */
    record Sized(Listed file, long length, List<String> hosts) {
        /** This file, its frames {@code keptElsewhere} left to the files listed earlier that hold them too. */
        Sized keptElsewhere(Set<BatchRecord.DoneKey> keptElsewhere) {
            return new Sized(new Listed(file.uri(), file.position(), keptElsewhere), length, hosts);
        }
    }

    private static Planned planned(List<Sized> files) {
        // A file's hosts each hold all of it, as far as the group is told (its blocks' hosts, most bytes first).
        Map<String, Long> bytesByHost = new HashMap<>();
        for (Sized file : files) {
            for (String host : file.hosts()) {
                bytesByHost.merge(host, file.length(), Long::sum);
            }
        }
        return new Planned(new Group(files.stream().map(Sized::file).toList()), topHosts(bytesByHost, 3));
    }

    private static List<Optional<HadoopStorage.FileInfo>> infos(HadoopStorage storage, List<Path> files)
            throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(STATUS_THREADS, r -> {
            Thread t = new Thread(r, "radmamba-file-status");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Optional<HadoopStorage.FileInfo>>> asked = new ArrayList<>(files.size());
            for (Path file : files) {
                asked.add(pool.submit(() -> storage.info(file)));
            }
            List<Optional<HadoopStorage.FileInfo>> infos = new ArrayList<>(files.size());
            for (Future<Optional<HadoopStorage.FileInfo>> f : asked) {
                infos.add(f.get());
            }
            return infos;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while listing the files", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** The hosts holding the most of {@code bytesByHost}' bytes, at most {@code limit} (Spark's file scans prefer 3). */
    static List<String> topHosts(Map<String, Long> bytesByHost, int limit) {
        return bytesByHost.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(limit).map(Map.Entry::getKey).toList();
    }
}
