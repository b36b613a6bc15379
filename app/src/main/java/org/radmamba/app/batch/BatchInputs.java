package org.radmamba.app.batch;

import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReaders;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a batch run's INPUTs mean: the files they stand for. One rule for {@code radmamba batch} (the local file
 * system) and the Spark job (any file system Hadoop reaches, listed on the driver), so that the same INPUTs give the
 * same files, and so the same rows, in both:
 * <ul>
 *   <li>a folder: every regular file under it, recursively, sorted; hidden files ({@code .name}) and DICOMDIRs left
 *       out (a DICOMDIR has no pixels; its files are under the folder anyway);</li>
 *   <li>a {@code DICOMDIR}: the files it references (Referenced File ID, from the DICOMDIR's folder), in directory
 *       order;</li>
 *   <li>a list file ({@code *.txt}, {@code *.lst}, {@code *.list}, UTF-8): the path on each line, a relative one
 *       from the list's folder, blank lines and {@code #} comments skipped; a line names a file, or a folder or a
 *       DICOMDIR, which stands for its files as above (a list a list names is a file to read, not a list);</li>
 *   <li>anything else: the file itself.</li>
 * </ul>
 * Each file comes once, in the order first met. A path a list or DICOMDIR names that does not exist is kept: it
 * becomes a failed row ({@link BatchModel#notAFile}); an INPUT itself must exist.
 */
public final class BatchInputs {

    /** An INPUT that does not exist or cannot be listed or read: one sentence naming it. */
    public static final class InputException extends Exception {
        private static final long serialVersionUID = 1L;

        public InputException(String message) {
            super(message);
        }
    }

    /** What is at a path. */
    public enum Kind { FOLDER, FILE, MISSING }

    /**
     * The file system the INPUTs are on, as the expansion needs it.
     *
     * @param <P> its paths
     */
    public interface Storage<P> {
        /** A folder, a regular file (links followed) or nothing. */
        Kind kind(P path) throws IOException;

        /** The regular files under {@code folder}, recursively, each absolute, sorted. */
        List<P> filesUnder(P folder) throws IOException;

        /** The path's last name ({@code DICOMDIR}, {@code some.txt}). */
        String name(P path);

        /** {@code path} made absolute and normalised, as a row names it. */
        P absolute(P path);

        /**
         * {@code relative} (a list's line, a DICOMDIR's reference with {@code /} between names) resolved against
         * the folder {@code file} is in, normalised; an absolute path stays itself.
         */
        P beside(P file, String relative);

        /** The file's bytes. */
        InputStream open(P file) throws IOException;

        /** The file itself where it is a local file the DICOM reader can open; empty where it must be copied. */
        Optional<Path> localFile(P file);
    }

    /** The local file system: {@code radmamba batch}'s. */
    public static final Storage<Path> LOCAL = new Storage<>() {
        @Override
        public Kind kind(Path path) {
            return Files.isDirectory(path) ? Kind.FOLDER : Files.isRegularFile(path) ? Kind.FILE : Kind.MISSING;
        }

        @Override
        public List<Path> filesUnder(Path folder) throws IOException {
            try (Stream<Path> walk = Files.walk(folder)) {
                return walk.filter(Files::isRegularFile).map(p -> p.toAbsolutePath().normalize()).sorted().toList();
            } catch (UncheckedIOException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public String name(Path path) {
            return path.getFileName() == null ? "" : path.getFileName().toString();
        }

        @Override
        public Path absolute(Path path) {
            return path.toAbsolutePath().normalize();
        }

        @Override
        public Path beside(Path file, String relative) {
            return file.toAbsolutePath().getParent().resolve(relative).normalize();
        }

        @Override
        public InputStream open(Path file) throws IOException {
            return Files.newInputStream(file);
        }

        @Override
        public Optional<Path> localFile(Path file) {
            return Optional.of(file);
        }
    };

    private BatchInputs() {
    }

    /**
     * The files of {@code inputs} on {@code storage}, in order, each once (see the class comment).
     *
     * @throws InputException naming the input that does not exist or cannot be listed or read
     */
    public static <P> List<P> expand(List<P> inputs, Storage<P> storage) throws InputException {
        LinkedHashSet<P> files = new LinkedHashSet<>();
        for (P input : inputs) {
            Kind kind;
            try {
                kind = storage.kind(input);
            } catch (IOException e) {
                throw new InputException(input + ": cannot be read (" + e.getMessage() + ")");
            }
            if (kind == Kind.MISSING) {
                throw new InputException(input + ": no such file or folder");
            } else if (kind == Kind.FILE && isList(storage.name(input))) {
                for (P entry : listed(input, storage)) {
                    Kind entryKind;
                    try {
                        entryKind = storage.kind(entry);
                    } catch (IOException e) {
                        entryKind = Kind.FILE; // its failed row says why it cannot be read
                    }
                    // A line names a file, a folder or a DICOMDIR, as an INPUT does (a list in a list is a file).
                    if (entryKind == Kind.MISSING || entryKind == Kind.FILE && !isDicomDir(storage.name(entry))) {
                        files.add(entry);
                    } else {
                        addFolderOrFile(entry, entryKind, storage, files);
                    }
                }
            } else {
                addFolderOrFile(input, kind, storage, files);
            }
        }
        return new ArrayList<>(files);
    }

    /** The files a folder holds, a DICOMDIR references, or the file itself. */
    private static <P> void addFolderOrFile(P input, Kind kind, Storage<P> storage, LinkedHashSet<P> files)
            throws InputException {
        if (kind == Kind.FOLDER) {
            try {
                for (P file : storage.filesUnder(input)) {
                    String name = storage.name(file);
                    if (!name.startsWith(".") && !isDicomDir(name)) {
                        files.add(file);
                    }
                }
            } catch (IOException e) {
                throw new InputException(input + ": cannot be listed (" + e.getMessage() + ")");
            }
        } else if (isDicomDir(storage.name(input))) {
            files.addAll(dicomDirReferences(input, storage));
        } else {
            files.add(storage.absolute(input));
        }
    }

    /** The paths a list file names, each resolved beside the list. */
    private static <P> List<P> listed(P list, Storage<P> storage) throws InputException {
        List<P> entries = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(storage.open(list),
                StandardCharsets.UTF_8.newDecoder()))) {
            // A strict decoder, as Files.readAllLines uses: a list that is not UTF-8 is refused, not misread.
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String entry = line.strip();
                if (!entry.isEmpty() && !entry.startsWith("#")) {
                    entries.add(storage.beside(list, entry));
                }
            }
        } catch (IOException e) {
            throw new InputException(list + ": the list cannot be read (" + e.getMessage() + ")");
        }
        return entries;
    }

    /**
     * The files {@code dicomDir} references, resolved on {@code storage}: the DICOM reader reads the DICOMDIR (a
     * temporary local copy of one on another file system) and each reference, taken relative to the DICOMDIR's
     * folder, is resolved beside the DICOMDIR where it is.
     */
    private static <P> List<P> dicomDirReferences(P dicomDir, Storage<P> storage) throws InputException {
        Path temporaryFolder = null;
        try {
            Optional<Path> local = storage.localFile(dicomDir);
            Path readable;
            if (local.isPresent()) {
                readable = local.get();
            } else {
                temporaryFolder = Files.createTempDirectory("radmamba-dicomdir-");
                readable = temporaryFolder.resolve("DICOMDIR");
                try (InputStream in = storage.open(dicomDir)) {
                    Files.copy(in, readable, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Path folder = readable.toAbsolutePath().getParent().normalize();
            List<P> files = new ArrayList<>();
            for (Path referenced : DicomReaders.standard().dicomDirReferencedFiles(readable)) {
                Path relative = folder.relativize(referenced.toAbsolutePath().normalize());
                List<String> names = new ArrayList<>();
                relative.forEach(name -> names.add(name.toString()));
                files.add(storage.beside(dicomDir, String.join("/", names)));
            }
            return files;
        } catch (DicomReadException e) {
            throw new InputException(dicomDir + ": " + e.reason());
        } catch (IOException e) {
            throw new InputException(dicomDir + ": cannot be read (" + e.getMessage() + ")");
        } finally {
            if (temporaryFolder != null) {
                deleteQuietly(temporaryFolder);
            }
        }
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // A temporary folder left behind: java.io.tmpdir's cleaning takes it.
        }
    }

    /** A DICOMDIR: the name the standard gives it (PS3.10), in any case. */
    public static boolean isDicomDir(String name) {
        return name.equalsIgnoreCase("DICOMDIR");
    }

    /** A list file: named {@code *.txt}, {@code *.lst} or {@code *.list}. */
    public static boolean isList(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".txt") || lower.endsWith(".lst") || lower.endsWith(".list");
    }
}
