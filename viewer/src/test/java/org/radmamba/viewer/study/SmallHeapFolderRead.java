package org.radmamba.viewer.study;

import org.radmamba.viewer.dicom.codec.DecodedFrame;

import java.nio.file.Path;
import java.util.List;

/**
 * The child JVM of {@link SmallHeapFolderReadTest}: scans the folders named by its arguments as the viewer does,
 * loads the first frame of every image it lists, and prints one line per file: {@code OPEN<TAB>file<TAB>sum of the
 * first frame's samples}, {@code FAILED<TAB>file<TAB>reason} (scan failures) or {@code UNLOADABLE<TAB>file<TAB>reason}.
 * Run with a small heap, so that a file that makes the reader allocate what it claims shows as an error here.
 */
public final class SmallHeapFolderRead {

    private SmallHeapFolderRead() {
    }

    public static void main(String[] args) {
        List<Path> paths = java.util.Arrays.stream(args).map(Path::of).toList();
        ScanResult result = new StudyScanner().scan(paths);
        ImageLoader loader = new ImageLoader();
        for (FailedFile failure : result.failures()) {
            System.out.println("FAILED\t" + failure.file() + "\t" + failure.reason());
        }
        for (Instance instance : result.instances()) {
            if (instance.kind() == InstanceKind.DICOM_NON_IMAGE) {
                System.out.println("OPEN\t" + instance.file() + "\t-");
                continue;
            }
            try {
                DecodedFrame frame = loader.load(instance).frame(0);
                long sum = 0;
                for (int i = 0; i < frame.samples().length(); i++) {
                    sum += frame.samples().rawBits(i);
                }
                System.out.println("OPEN\t" + instance.file() + "\t" + sum);
            } catch (Exception | OutOfMemoryError e) {
                System.out.println("UNLOADABLE\t" + instance.file() + "\t" + String.valueOf(e.getMessage()).replace('\n', ' '));
            }
        }
        System.out.println("DONE\t" + (Runtime.getRuntime().maxMemory() >> 20) + " MB heap");
    }
}
