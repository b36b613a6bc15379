package org.radmamba.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.radmamba.app.batch.BatchInputs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@link BatchInputs}' view of the file systems Hadoop reaches ({@code file:}, {@code hdfs:}, {@code s3a:}, ...), on
 * the driver: the job's INPUTs mean there what {@code radmamba batch}'s mean on the local disk. Keeps the status of
 * every file a folder listing returned (length, block hosts), so that the file list costs no second call per file.
 */
final class HadoopStorage implements BatchInputs.Storage<Path> {

    private static final Comparator<Path> BY_NAME = Comparator.comparing(Path::toString);
    /** A list's line that is another file system's URI ({@code hdfs://nn/a.dcm}, {@code file:///a.dcm}). */
    private static final Pattern OTHER_FILE_SYSTEM = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:/.*");

    private final Configuration conf;
    private final Map<Path, LocatedFileStatus> listed = new ConcurrentHashMap<>();

    HadoopStorage(Configuration conf) {
        this.conf = conf;
    }

    FileSystem fileSystem(Path path) throws IOException {
        return path.getFileSystem(conf);
    }

    @Override
    public BatchInputs.Kind kind(Path path) throws IOException {
        try {
            FileStatus status = fileSystem(path).getFileStatus(path);
            return status.isDirectory() ? BatchInputs.Kind.FOLDER : BatchInputs.Kind.FILE;
        } catch (FileNotFoundException e) {
            return BatchInputs.Kind.MISSING;
        }
    }

    @Override
    public List<Path> filesUnder(Path folder) throws IOException {
        List<Path> files = new ArrayList<>();
        RemoteIterator<LocatedFileStatus> walk = fileSystem(folder).listFiles(folder, true);
        while (walk.hasNext()) {
            LocatedFileStatus status = walk.next();
            Path file = absolute(status.getPath());
            listed.put(file, status);
            files.add(file);
        }
        files.sort(BY_NAME);
        return files;
    }

    @Override
    public String name(Path path) {
        return path.getName();
    }

    @Override
    public Path absolute(Path path) {
        try {
            return fileSystem(path).makeQualified(path);
        } catch (IOException e) {
            // No file system for its scheme: the path stays as given, and reading it fails as that file's row.
            return path;
        }
    }

    @Override
    public Path beside(Path file, String relative) {
        if (OTHER_FILE_SYSTEM.matcher(relative).matches()) {
            return absolute(new Path(relative));
        }
        // Built from its parts, not parsed: Hadoop would read "series:2/a.dcm" as a URI of the scheme "series".
        URI folder = absolute(file).getParent().toUri();
        String path = relative.startsWith("/") ? relative
                : folder.getPath() + (folder.getPath().endsWith("/") ? "" : "/") + relative;
        return new Path(folder.getScheme(), folder.getAuthority(), path);
    }

    @Override
    public InputStream open(Path file) throws IOException {
        return fileSystem(file).open(file);
    }

    @Override
    public Optional<java.nio.file.Path> localFile(Path file) {
        Path absolute = absolute(file);
        return "file".equals(absolute.toUri().getScheme())
                ? Optional.of(java.nio.file.Path.of(absolute.toUri())) : Optional.empty();
    }

    /**
     * {@code file}'s status with its block locations: the one a folder listing returned, else asked now; empty when
     * there is no such file (a list's or a DICOMDIR's entry that is not there: its failed row comes from the task) or
     * it cannot be asked.
     */
    Optional<LocatedFileStatus> status(Path file) throws IOException {
        LocatedFileStatus known = listed.get(file);
        if (known != null) {
            return Optional.of(known);
        }
        try {
            RemoteIterator<LocatedFileStatus> one = fileSystem(file).listLocatedStatus(file);
            LocatedFileStatus status = one.hasNext() ? one.next() : null;
            return status == null || !status.isFile() || !status.getPath().getName().equals(file.getName())
                    ? Optional.empty() : Optional.of(status);
        } catch (IOException e) {
            // Not there, or not to be asked (permission): its task opens it and makes its failed row with the reason.
            return Optional.empty();
        }
    }

    /** Whether {@code path} has glob characters that Hadoop would expand ({@code * ? [ ] { }}). */
    static boolean isGlob(String path) {
        return path.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    /**
     * The INPUT {@code input} as paths: itself where it exists (or has no glob characters), else the sorted paths its
     * glob matches; an unmatched glob stays itself, to be refused as a missing INPUT.
     */
    List<Path> inputPaths(String input) throws IOException {
        // As given (not qualified), so that a message about it names it as radmamba batch names its INPUT.
        Path path = new Path(input);
        if (!isGlob(input) || kind(path) != BatchInputs.Kind.MISSING) {
            return List.of(path);
        }
        FileStatus[] matches = fileSystem(path).globStatus(path);
        if (matches == null || matches.length == 0) {
            return List.of(path);
        }
        List<Path> paths = new ArrayList<>();
        for (FileStatus m : matches) {
            paths.add(absolute(m.getPath()));
        }
        paths.sort(BY_NAME);
        return paths;
    }
}
