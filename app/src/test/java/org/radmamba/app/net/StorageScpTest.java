package org.radmamba.app.net;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.net.DicomNetworks;
import org.radmamba.viewer.dicom.net.ReceivedInstances;
import org.radmamba.viewer.dicom.net.StorageScp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our storage SCP with DCMTK's echoscu and storescu as the peer (an implementation independent of ours). */
class StorageScpTest {

    @TempDir
    Path dir;

    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<String> callers = Collections.synchronizedList(new ArrayList<>());

    private StorageScp listen(Path out, Set<String> allowed) throws IOException {
        return DicomNetworks.listen(new StorageScp.Config("RADMAMBA", 0, out, allowed, Duration.ofSeconds(30)),
                new StorageScp.Listener() {
                    @Override
                    public void stored(Path file, String callingAet) {
                        callers.add(callingAet);
                    }

                    @Override
                    public void failed(String message) {
                        failures.add(message);
                    }
                });
    }

    record Result(int exitCode, String output) {
    }

    static Result dcmtk(String tool, List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Peers.requireDcmtk(tool).toString());
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), tool + " did not finish");
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8));
    }

    private static List<String> storescu(String calling, String called, int port, List<Path> files) {
        List<String> args = new ArrayList<>(List.of("-aet", calling, "-aec", called, "127.0.0.1",
                Integer.toString(port)));
        files.forEach(f -> args.add(f.toString()));
        return args;
    }

    @Test
    void echoscu_and_storescu_are_answered_and_the_files_kept_as_sent() throws Exception {
        List<Path> files = Fixtures.study(dir.resolve("fixtures"), Fixtures.SMITH, 1, 4, 64);
        Path out = dir.resolve("received");
        try (StorageScp scp = listen(out, Set.of())) {
            Result echo = dcmtk("echoscu", List.of("-aet", "DCMTK", "-aec", "RADMAMBA", "127.0.0.1",
                    Integer.toString(scp.port())));
            assertEquals(0, echo.exitCode(), echo.output());

            Result store = dcmtk("storescu", storescu("DCMTK", "RADMAMBA", scp.port(), files));
            assertEquals(0, store.exitCode(), store.output());
        }
        Received.sameDataSets(files, out);
        assertEquals(List.of("DCMTK", "DCMTK", "DCMTK", "DCMTK"), callers);
        assertEquals(List.of(), failures);
    }

    @Test
    void a_calling_ae_title_outside_the_allow_list_is_rejected() throws Exception {
        List<Path> files = Fixtures.study(dir.resolve("fixtures"), Fixtures.SMITH, 1, 2, 32);
        Path out = dir.resolve("received");
        try (StorageScp scp = listen(out, Set.of("TRUSTED"))) {
            Result intruder = dcmtk("storescu", storescu("INTRUDER", "RADMAMBA", scp.port(), files));
            assertTrue(intruder.exitCode() != 0, intruder.output());
            assertTrue(intruder.output().contains("Association Rejected")
                    && intruder.output().contains("Calling AE Title Not Recognized"), intruder.output());
            assertEquals(List.of(), Received.files(out));
            assertEquals(1, failures.size(), failures.toString());
            assertTrue(failures.get(0).contains("calling AE title 'INTRUDER' is not in the allow-list"),
                    failures.get(0));

            Result wrongCalled = dcmtk("storescu", storescu("TRUSTED", "NOT_US", scp.port(), files));
            assertTrue(wrongCalled.output().contains("Called AE Title Not Recognized"), wrongCalled.output());

            Result trusted = dcmtk("storescu", storescu("TRUSTED", "RADMAMBA", scp.port(), files));
            assertEquals(0, trusted.exitCode(), trusted.output());
        }
        Received.sameDataSets(files, out);
    }

    @Test
    void a_full_disk_keeps_what_fit_and_leaves_nothing_half_written() throws Exception {
        Path small = dir.resolve("small-disk");
        Files.createDirectories(small);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", small.toString())
                .redirectErrorStream(true).start();
        boolean mounted = mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0;
        // A machine capability, not a missing peer: without the right to mount, this one skips even in CI.
        Assumptions.assumeTrue(mounted, "skipped: cannot mount a small tmpfs to fill (needs root)");
        try {
            List<Path> files = Fixtures.study(dir.resolve("fixtures"), Fixtures.SMITH, 1, 12, 64);
            try (StorageScp scp = listen(small, Set.of())) {
                Result store = dcmtk("storescu", storescu("DCMTK", "RADMAMBA", scp.port(), files));
                assertTrue(store.output().contains("0xa700") || store.output().toLowerCase().contains("out of resources")
                        || store.exitCode() != 0, store.output());
            }
            List<Path> kept = Received.files(small);
            assertTrue(!kept.isEmpty() && kept.size() < files.size(), kept.size() + " kept");
            for (Path file : kept) {
                DicomReaders.standard().open(file).frame(0);
            }
            assertTrue(!failures.isEmpty() && failures.get(0).contains("(disk full)"), failures.toString());
        } finally {
            new ProcessBuilder("umount", small.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void a_received_file_that_is_not_dicom_is_not_kept() throws Exception {
        ReceivedInstances store = new ReceivedInstances(dir, DicomReaders.standard());
        ReceivedInstances.Incoming incoming = store.begin("1.2.3.4");
        incoming.out().write("<html>this is an error page, not an instance</html>".getBytes(StandardCharsets.UTF_8));

        ReceivedInstances.InvalidInstanceException e = assertThrows(ReceivedInstances.InvalidInstanceException.class,
                incoming::commit);

        assertTrue(e.getMessage().startsWith("not a DICOM instance: "), e.getMessage());
        assertEquals(List.of(), Received.files(dir));
    }

    /**
     * A cancel interrupts the transfer's thread, but an instance the node sent before it can still be read and written
     * without anything blocking, so neither the socket nor the file notices: the commit is where it must stop.
     */
    @Test
    void a_cancelled_transfer_files_no_further_instance() throws Exception {
        Path original = Fixtures.study(dir.resolve("sent"), Fixtures.DOE, 1, 1, 16).getFirst();
        Path received = dir.resolve("received");
        ReceivedInstances store = new ReceivedInstances(received, DicomReaders.standard());
        ReceivedInstances.Incoming incoming = store.beginUnnamed();
        incoming.out().write(Files.readAllBytes(original));

        Thread.currentThread().interrupt();
        try {
            java.io.InterruptedIOException e = assertThrows(java.io.InterruptedIOException.class, incoming::commit);
            assertEquals("cancelled before it was filed", e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted(), "the cancel stays visible to the transfer");
        } finally {
            Thread.interrupted();
        }
        try (var left = Files.list(received)) {
            assertEquals(List.of(), left.toList(), "not even the temporary file is left");
        }

        ReceivedInstances.Incoming next = store.beginUnnamed();
        next.out().write(Files.readAllBytes(original));
        assertEquals(List.of(next.commit()), Received.files(received), "the same instance is filed when not cancelled");
    }
}
