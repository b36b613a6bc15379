package org.radmamba.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.BlockLocation;
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
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@link BatchInputs}' view of the file systems Hadoop reaches ({@code file:}, {@code hdfs:}, {@code s3a:}, ...), on
 * the driver: the job's INPUTs mean there what {@code radmamba batch}'s mean on the local disk.
 *
 * <p>Local files ({@code file:}) are walked and sized with {@code java.nio}, by {@link BatchInputs#LOCAL} itself:
 * the same walk as {@code radmamba batch}'s (links to folders not followed), and no call that makes Hadoop's local
 * file system ask a shell for a file's owner and permissions ({@code ls -ld}, one process per file: a listing of
 * 1,000 files cost seconds). Other file systems are walked with {@code listLocatedStatus}, which brings each file's
 * length and block hosts with the listing, kept so that the file list costs no second call per file.
 */
final class HadoopStorage implements BatchInputs.Storage<Path> {

    /** What the file list needs of a file: its length and the hosts its blocks are on (none known: empty). */
    record FileInfo(long length, List<String> hosts) {
    }

    private static final Comparator<Path> BY_NAME = Comparator.comparing(Path::toString);
    /** A list's line that is another file system's URI ({@code hdfs://nn/a.dcm}, {@code file:///a.dcm}). */
    private static final Pattern OTHER_FILE_SYSTEM = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:/.*");
    /** The host Hadoop names for a local file's block. */
    private static final List<String> LOCAL_HOSTS = List.of("localhost");

    private final Configuration conf;
    private final Map<Path, FileInfo> listed = new ConcurrentHashMap<>();

    HadoopStorage(Configuration conf) {
        this.conf = conf;
    }

    private FileSystem fileSystem(Path path) throws IOException {
        return path.getFileSystem(conf);
    }

    @Override
    public BatchInputs.Kind kind(Path path) throws IOException {
        Optional<java.nio.file.Path> local = localFile(path);
        if (local.isPresent()) {
            return BatchInputs.LOCAL.kind(local.get());
        }
        try {
            FileStatus status = fileSystem(path).getFileStatus(path);
            return status.isDirectory() ? BatchInputs.Kind.FOLDER : BatchInputs.Kind.FILE;
        } catch (FileNotFoundException e) {
            return BatchInputs.Kind.MISSING;
        }
    }

    @Override
    public List<Path> filesUnder(Path folder) throws IOException {
        Optional<java.nio.file.Path> local = localFile(folder);
        List<Path> files = new ArrayList<>();
        if (local.isPresent()) {
            for (java.nio.file.Path file : BatchInputs.LOCAL.filesUnder(local.get())) {
                files.add(absolute(new Path(file.toUri())));
            }
            return files;
        }
        FileSystem fs = fileSystem(folder);
        List<Path> folders = new ArrayList<>(List.of(folder));
        while (!folders.isEmpty()) {
            RemoteIterator<LocatedFileStatus> children = fs.listLocatedStatus(folders.removeLast());
            while (children.hasNext()) {
                LocatedFileStatus child = children.next();
                Path path = absolute(child.getPath());
                if (child.isDirectory()) {
                    folders.add(path);
                } else if (child.isFile()) {
                    listed.put(path, new FileInfo(child.getLen(), hosts(child.getBlockLocations())));
                    files.add(path);
                }
            }
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
        return absolute(new Path(folder.getScheme(), folder.getAuthority(), path));
    }

    @Override
    public InputStream open(Path file) throws IOException {
        Optional<java.nio.file.Path> local = localFile(file);
        return local.isPresent() ? Files.newInputStream(local.get()) : fileSystem(file).open(file);
    }

    @Override
    public Optional<java.nio.file.Path> localFile(Path file) {
        Path absolute = absolute(file);
        return "file".equals(absolute.toUri().getScheme())
                ? Optional.of(java.nio.file.Path.of(absolute.toUri())) : Optional.empty();
    }

    /**
     * {@code file}'s length and hosts: those a folder listing brought, else asked now; empty when there is no such
     * file (a list's or a DICOMDIR's entry that is not there: its failed row comes from the task) or it cannot be
     * asked.
     */
    Optional<FileInfo> info(Path file) {
        FileInfo known = listed.get(file);
        if (known != null) {
            return Optional.of(known);
        }
        try {
            Optional<java.nio.file.Path> local = localFile(file);
            if (local.isPresent()) {
                return Files.isRegularFile(local.get())
                        ? Optional.of(new FileInfo(Files.size(local.get()), LOCAL_HOSTS)) : Optional.empty();
            }
            FileSystem fs = fileSystem(file);
            FileStatus status = fs.getFileStatus(file);
            return status.isFile()
                    ? Optional.of(new FileInfo(status.getLen(), hosts(fs.getFileBlockLocations(status, 0,
                            status.getLen())))) : Optional.empty();
        } catch (IOException e) {
            // Not there, or not to be asked (permission): its task opens it and makes its failed row with the reason.
            return Optional.empty();
        }
    }

    /** The hosts holding the most of the file's bytes first, each once. */
    private static List<String> hosts(BlockLocation[] blocks) throws IOException {
        // getHosts() declares an IOException; it throws none for the blocks a listing returned.
        Map<String, Long> bytesByHost = new java.util.HashMap<>();
        if (blocks != null) {
            for (BlockLocation block : blocks) {
                for (String host : block.getHosts()) {
                    bytesByHost.merge(host, block.getLength(), Long::sum);
                }
            }
        }
        return JobFiles.topHosts(bytesByHost, Integer.MAX_VALUE);
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
