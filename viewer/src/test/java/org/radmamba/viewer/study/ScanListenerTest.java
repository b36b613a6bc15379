package org.radmamba.viewer.study;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.ReadLimits;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scan tells its listener of every file as soon as it is read, the first before any other header, failures
 * included, one call at a time; the files it told of group into the scan's own result. A cancelled scan stops
 * reading, leaves no scan thread behind and says it was cancelled.
 */
class ScanListenerTest {

    @TempDir
    Path dir;

    /** Records what the scan tells, checking that no two calls overlap. */
    private static final class Recorder implements ScanListener {
        final List<ScannedFile> files = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<Thread> threads = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean inCall = new AtomicBoolean();
        volatile boolean overlapped;
        volatile boolean cancelled;

        @Override
        public void fileScanned(ScannedFile file) {
            if (!inCall.compareAndSet(false, true)) {
                overlapped = true;
            }
            files.add(file);
            threads.add(Thread.currentThread());
            inCall.set(false);
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }

    @Test
    void every_file_reaches_the_listener_once_the_first_at_once_and_they_group_into_the_result() throws Exception {
        List<Path> slices = FlatGreySeries.write(dir, 30);
        Recorder recorder = new Recorder();

        ScanResult whole = new StudyScanner(org.radmamba.viewer.dicom.DicomReaders.standard(), ReadLimits.DEFAULT, 4)
                .scan(List.of(dir), recorder);

        assertTrue(!recorder.overlapped, "one call at a time");
        assertEquals(32, recorder.files.size(), "30 slices and 2 broken files, each once");
        assertEquals(slices.getFirst(), recorder.files.getFirst().instance().file(), "the first file first");
        assertEquals(Thread.currentThread(), recorder.threads.getFirst(), "on the calling thread");
        ScanResult grouped = ScannedFile.group(recorder.files);
        assertEquals(whole.patients(), grouped.patients(), "the same tree, in the same order");
        assertEquals(whole.failures().stream().map(FailedFile::file).sorted().toList(),
                grouped.failures().stream().map(FailedFile::file).sorted().toList());
        assertEquals(FlatGreySeries.brokenNames(), grouped.failures().stream()
                .map(f -> f.file().getFileName().toString()).sorted().toList());
        for (FailedFile failure : grouped.failures()) {
            assertTrue(!failure.reason().isBlank() && !failure.reason().contains("\n"), failure.reason());
        }
    }

    @Test
    void a_cancelled_scan_stops_reading_and_leaves_no_scan_thread() throws Exception {
        FlatGreySeries.write(dir, 40);
        HeldBackHeaders reader = new HeldBackHeaders();
        Recorder recorder = new Recorder();
        CompletableFuture<ScanResult> scan = CompletableFuture.supplyAsync(
                () -> new StudyScanner(reader, ReadLimits.DEFAULT, 4).scan(List.of(dir), recorder));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (scanThreads() < 4) {
            assertTrue(System.nanoTime() < deadline, "the scan threads wait for the held-back headers");
            Thread.sleep(5);
        }
        assertEquals(1, recorder.files.size(), "only the first file is read");

        recorder.cancelled = true;
        Throwable failure = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> scan.get(30, TimeUnit.SECONDS)).getCause();
        assertInstanceOf(CancellationException.class, failure);
        // The scan returns once its pool has terminated; a worker thread is still alive for the moment between
        // leaving the pool and ending (ThreadPoolExecutor terminates before its last worker's run() returns).
        // The bound only guards a hang: scan threads run at a low priority, so a busy machine ends them late.
        long ended = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (scanThreads() > 0 && System.nanoTime() < ended) {
            Thread.sleep(5);
        }
        assertEquals(0, scanThreads(), "no scan thread left once the scan has returned");
        reader.release();
        assertNotNull(recorder.files.getFirst().instance());
    }

    private static long scanThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("radmamba-scan") && t.isAlive()).count();
    }
}
