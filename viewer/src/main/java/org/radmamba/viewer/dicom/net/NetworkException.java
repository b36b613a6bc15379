package org.radmamba.viewer.dicom.net;

import java.io.IOException;

/**
 * A network operation that failed. The message is one line naming the node, the step and the reason, e.g.
 * {@code pacs (dimse://ORTHANC@127.0.0.1:4242): C-FIND: association refused: called AE title not recognised}.
 */
public final class NetworkException extends IOException {

    private static final long serialVersionUID = 1L;

    /** What went wrong, for exit codes and for tests. */
    public enum Failure {
        /** No connection: unknown host, nothing listening, no route. */
        UNREACHABLE,
        /** The node refused: association rejected or aborted, HTTP 401/403, a failure status for the request. */
        REFUSED,
        /** The node stayed silent longer than the timeout. */
        TIMEOUT,
        /** The connection broke during the operation (the node stopped). */
        CUT_OFF,
        /** The node answered something that is not what the protocol says. */
        MALFORMED,
        /** A received instance is not DICOM; it was not kept. */
        NOT_DICOM,
        /** The local disk could not take what arrived; nothing half-written was kept. */
        DISK_FULL,
        /** The operation was cancelled. */
        CANCELLED
    }

    private final Failure failure;

    public NetworkException(DicomNode node, String step, Failure failure, String reason) {
        this(node.label(), step, failure, reason, null);
    }

    public NetworkException(String where, String step, Failure failure, String reason, Throwable cause) {
        super(oneLine(where + ": " + step + ": " + reason), cause);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ");
    }
}
