package org.radmamba.app.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.net.Credentials;
import org.radmamba.viewer.dicom.net.DicomNetworks;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.NetworkException;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.RemoteNode;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Orthanc killed in the middle of a retrieve: the retrieve ends with a message saying so (no hang), the instances
 * received before stay whole and readable, and nothing half-written is left.
 */
class TransferFaultsTest {


    @TempDir
    Path dir;

    @Test
    void c_get_cut_off_by_a_stopped_node() throws Exception {
        cutOff(orthanc -> new DicomNode.Dimse("orthanc", Orthanc.AET, "127.0.0.1", orthanc.dicomPort(), "RADMAMBA",
                DicomNode.Retrieve.GET, "RADMAMBA", 0), "C-GET", 40, 256);
    }

    @Test
    void wado_rs_cut_off_by_a_stopped_node() throws Exception {
        cutOff(orthanc -> new DicomNode.Web("orthanc-web", URI.create(orthanc.dicomWebUri()),
                new Credentials.Basic(Orthanc.USER, Orthanc.PASSWORD)), "WADO-RS", 60, 512);
    }

    private interface NodeOf {
        DicomNode node(Orthanc orthanc);
    }

    /**
     * C-GET waits for our response to each C-STORE, so the node can never be far ahead; a WADO-RS answer streams
     * freely, so its study must be larger than what the sockets can buffer (here 30 MB) for the kill to cut it off.
     */
    private void cutOff(NodeOf nodeOf, String step, int instances, int size) throws Exception {
        List<Path> files = Fixtures.study(dir.resolve("fixtures"), Fixtures.DOE, 1, instances, size);
        try (Orthanc orthanc = Orthanc.start(dir.resolve("orthanc"), Orthanc.freePort())) {
            orthanc.upload(files);
            DicomNode node = nodeOf.node(orthanc);
            Path out = dir.resolve("out");
            RemoteNode remote = DicomNetworks.connect(node, new NetworkTimeouts(Duration.ofSeconds(5),
                    Duration.ofSeconds(10)));
            long start = System.nanoTime();

            NetworkException e = assertThrows(NetworkException.class, () -> remote.retrieve(
                    Fixtures.DOE.studyUid(), null, out, (file, done, total) -> {
                        if (done == 3) {
                            try {
                                orthanc.kill();
                            } catch (InterruptedException interrupted) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }));

            assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 30, "no hang");
            assertTrue(e.failure() == NetworkException.Failure.CUT_OFF, e.failure() + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith(node.label() + ": " + step + ": the connection broke"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("kept in " + out), e.getMessage());
            List<Path> kept = Received.files(out);
            assertTrue(kept.size() >= 3 && kept.size() < instances, kept.size() + " kept");
            for (Path file : kept) {
                assertEquals(file.getFileName().toString(), DicomReaders.standard().readHeader(file).dataset()
                        .string(Tag.SOP_INSTANCE_UID, "") + ".dcm");
                assertEquals(size * size, DicomReaders.standard().open(file).frame(0).samples().length());
            }
        }
    }
}
