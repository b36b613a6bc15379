package org.radmamba.viewer.study;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.DicomHeader;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.ReadLimits;
import org.radmamba.viewer.dicom.SyntheticCtSeries;
import org.radmamba.viewer.dicom.codec.DecodedFrame;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first image of a folder is read and decoded before any other header is parsed, on the calling thread: what
 * the first frame does not need (the other headers, the scan threads, the tree) waits for it, whatever the number
 * of scan threads.
 */
class FirstFrameFirstScanTest {

    @TempDir
    Path dir;

    /** The standard reader, telling of each header it reads (the order is what is tested, not the reading). */
    private static final class HeaderLog implements DicomReader {
        private final DicomReader standard = DicomReaders.standard();
        private final List<String> events;

        HeaderLog(List<String> events) {
            this.events = events;
        }

        @Override
        public DicomHeader readHeader(Path file) throws DicomReadException {
            events.add("header " + file.getFileName());
            return standard.readHeader(file);
        }

        @Override
        public DicomFile open(Path file) throws DicomReadException {
            return standard.open(file);
        }

        @Override
        public List<Path> dicomDirReferencedFiles(Path dicomDir) throws DicomReadException {
            return standard.dicomDirReferencedFiles(dicomDir);
        }
    }

    @Test
    void the_first_frame_is_decoded_on_the_calling_thread_before_any_other_header_is_read() throws Exception {
        List<Path> files = SyntheticCtSeries.write(dir, 24, 64, 64);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        StudyScanner scanner = new StudyScanner(new HeaderLog(events), ReadLimits.DEFAULT, 4);
        ImageLoader loader = new ImageLoader();
        AtomicBoolean firstClaimed = new AtomicBoolean();
        List<DecodedFrame> firstFrame = new ArrayList<>();
        List<Thread> firstFrameThread = new ArrayList<>();

        ScanResult scan = scanner.scan(List.of(dir), instance -> {
            if (instance.isImage() && firstClaimed.compareAndSet(false, true)) {
                try {
                    firstFrame.add(loader.load(instance).frame(0));
                    firstFrameThread.add(Thread.currentThread());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                events.add("first frame of " + instance.file().getFileName());
            }
        });

        String firstName = files.stream().map(p -> p.getFileName().toString()).sorted().findFirst().orElseThrow();
        assertEquals(List.of("header " + firstName, "first frame of " + firstName), events.subList(0, 2),
                "events: " + events);
        assertEquals(24 + 1, events.size(), "every header read once, the first frame once: " + events);
        assertTrue(events.subList(2, events.size()).stream().allMatch(e -> e.startsWith("header ")), events::toString);
        assertEquals(1, scan.series().size());
        assertEquals(24, scan.series().getFirst().instances().size());
        assertEquals(64 * 64, firstFrame.getFirst().samples().length());
        // On the calling thread, before the scan threads are made (their making links setpriority, and they run at
        // a lower priority).
        assertEquals(List.of(Thread.currentThread()), firstFrameThread);
    }
}
