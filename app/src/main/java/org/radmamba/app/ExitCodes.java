package org.radmamba.app;

/** Exit codes of the {@code radmamba} command line. */
public final class ExitCodes {
    /** Done. */
    public static final int OK = 0;
    /** The command line itself is wrong (unknown option, missing argument). */
    public static final int USAGE = 2;
    /** An input could not be read or is not supported; one line on stderr names the file and the reason. */
    public static final int INPUT_UNREADABLE = 3;
    /** A remote node cannot be reached, refuses, times out, breaks off or answers wrongly (radmamba remote). */
    public static final int NODE_FAILED = 4;

    private ExitCodes() {
    }
}
