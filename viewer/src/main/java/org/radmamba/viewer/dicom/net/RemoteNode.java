package org.radmamba.viewer.dicom.net;

import java.nio.file.Path;
import java.util.List;

/**
 * The network port: what RadMamba asks of a PACS. One implementation per protocol (DIMSE on PixelMed, DICOMweb on
 * java.net.http), chosen by {@link DicomNetworks#connect}. Every method bounds its waits by the node's
 * {@link NetworkTimeouts} and throws {@link NetworkException} with a one-line message naming the node and the step.
 * Calls may be made from any thread; each opens its own connection(s).
 */
public interface RemoteNode {

    DicomNode node();

    /** C-ECHO, or for DICOMweb a QIDO-RS search for one study. */
    void echo() throws NetworkException;

    /** C-FIND or QIDO-RS. */
    List<FindMatch> find(FindQuery query) throws NetworkException;

    /**
     * Retrieves a study, or one series of it, into {@code outDir}: one file per instance, named after its SOP
     * Instance UID, each written to a temporary file and renamed when complete and readable, so the folder never
     * holds a half-written file. Instances received before a failure stay, and the exception says how many.
     */
    RetrieveResult retrieve(String studyInstanceUid, String seriesInstanceUid, Path outDir, TransferListener listener)
            throws NetworkException;

    /** C-STORE or STOW-RS of the given files, in order. */
    SendResult send(List<Path> files, TransferListener listener) throws NetworkException;

    /** Progress of a retrieve or send; called on the transfer's thread. */
    @FunctionalInterface
    interface TransferListener {
        TransferListener NONE = (file, done, total) -> {
        };

        /**
         * An instance was received and stored (retrieve), or sent and accepted (send; {@code file} null where the
         * node answers for a whole batch).
         *
         * @param total the number expected, -1 while unknown
         */
        void instanceDone(Path file, int done, int total);
    }

    /** @param files the files stored, in arrival order */
    record RetrieveResult(List<Path> files) {
        public RetrieveResult {
            files = List.copyOf(files);
        }
    }

    /** @param failures one line per file the node did not accept */
    record SendResult(int sent, List<String> failures) {
        public SendResult {
            failures = List.copyOf(failures);
        }
    }
}
