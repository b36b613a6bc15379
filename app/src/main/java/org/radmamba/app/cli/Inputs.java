package org.radmamba.app.cli;

import org.radmamba.app.ExitCodes;
import org.radmamba.viewer.picture.PictureFormats;
import org.radmamba.viewer.study.FailedFile;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.ScanResult;
import org.radmamba.viewer.study.StudyScanner;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The checks a command that reads one image file makes before reading it, so that a folder or a missing path is
 * refused with the right reason: what the folder holds, not the first bad file's complaint or an index error.
 */
final class Inputs {

    /** Why an input is refused: one line for stderr and the exit code. */
    record Refusal(int exitCode, String line) {
    }

    private Inputs() {
    }

    /**
     * Empty when {@code path} is a regular file; otherwise why {@code command}, which reads one file, cannot use it:
     * a missing path (3), a folder without a readable image (3, with what it holds), a folder of images (2: the
     * command line names a folder where it takes a file).
     */
    static Optional<Refusal> oneFile(String command, Path path, PictureFormats pictures) {
        if (Files.isRegularFile(path)) {
            return Optional.empty();
        }
        if (!Files.isDirectory(path)) {
            return Optional.of(new Refusal(ExitCodes.INPUT_UNREADABLE, path + ": no such file"));
        }
        ScanResult scan = new StudyScanner(pictures).scan(List.of(path));
        List<Instance> images = scan.instances().stream().filter(Instance::isImage).toList();
        if (images.isEmpty()) {
            return Optional.of(new Refusal(ExitCodes.INPUT_UNREADABLE, noReadableImage(path, scan)));
        }
        return Optional.of(new Refusal(ExitCodes.USAGE, path + ": is a folder; " + command + " reads one file (the folder"
                + " holds " + count(images.size(), "image") + ", e.g. " + images.getFirst().file() + ")"));
    }

    /**
     * "folder X holds no file", or "folder X holds no readable image: 3 files, 3 unreadable (first: a.dcm: not a
     * DICOM file)": what a scan of the folder {@code folder} that found no image did find.
     */
    static String noReadableImage(Path folder, ScanResult scan) {
        return noReadableImage(folder, scan.instances(), scan.failures());
    }

    /** As {@link #noReadableImage(Path, ScanResult)}, from the instances and failures a scan found in the folder. */
    static String noReadableImage(Path folder, List<Instance> instances, List<FailedFile> failures) {
        int unreadable = failures.size();
        int withoutImage = (int) instances.stream().filter(i -> !i.isImage()).count();
        int files = unreadable + instances.size();
        if (files == 0) {
            return "folder " + folder + " holds no file";
        }
        StringBuilder line = new StringBuilder("folder ").append(folder).append(" holds no readable image: ")
                .append(count(files, "file"));
        if (unreadable > 0) {
            line.append(", ").append(unreadable).append(" unreadable");
        }
        if (withoutImage > 0) {
            line.append(", ").append(withoutImage).append(" without an image");
        }
        if (unreadable > 0) {
            FailedFile first = failures.getFirst();
            line.append(" (first: ").append(relative(folder, first.file())).append(": ").append(first.reason()).append(')');
        } else {
            Instance first = instances.getFirst();
            line.append(" (first: ").append(relative(folder, first.file())).append(": SOP class ")
                    .append(first.sopClassUid()).append(')');
        }
        return line.toString();
    }

    /**
     * One sentence for an I/O failure on {@code file}: the JDK's file-system exceptions carry only the path as
     * their message, which alone says nothing.
     */
    static String describe(Path file, Exception e) {
        if (e instanceof NoSuchFileException) {
            return file + ": no such file";
        }
        if (e instanceof AccessDeniedException) {
            return file + ": permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return file + ": " + f.getReason();
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return file + ": cannot be read";
        }
        // Messages of RadMamba's own exceptions already begin with the file they are about.
        return message.startsWith(file.toString()) ? message : file + ": " + message;
    }

    /** "OUT: cannot be written (permission denied)": an output file that could not be written, and why. */
    static String cannotWrite(Path out, Throwable e) {
        return out + ": cannot be written (" + reason(e) + ")";
    }

    /** Whether {@code file} is {@code folder} or lies under it. */
    static boolean under(Path folder, Path file) {
        return file.toAbsolutePath().normalize().startsWith(folder.toAbsolutePath().normalize());
    }

    private static String reason(Throwable e) {
        if (e instanceof NoSuchFileException) {
            return "its folder does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            return "an I/O error";
        }
        // java.io's FileNotFoundException says "PATH (No such file or directory)": the part in brackets.
        java.util.regex.Matcher bracketed = java.util.regex.Pattern.compile("\\(([^()]+)\\)$").matcher(message);
        if (e instanceof java.io.FileNotFoundException && bracketed.find()) {
            String why = bracketed.group(1);
            return Character.toLowerCase(why.charAt(0)) + why.substring(1);
        }
        return message;
    }

    private static String relative(Path folder, Path file) {
        Path base = folder.toAbsolutePath().normalize();
        Path absolute = file.toAbsolutePath().normalize();
        return absolute.startsWith(base) ? base.relativize(absolute).toString() : file.toString();
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
