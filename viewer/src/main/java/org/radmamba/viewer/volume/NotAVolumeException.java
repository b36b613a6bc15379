package org.radmamba.viewer.volume;

/** Slices that do not make a volume (mixed orientations, differing sizes, no position...); the message says why in one line. */
public final class NotAVolumeException extends Exception {

    private static final long serialVersionUID = 1L;

    public NotAVolumeException(String reason) {
        super(reason);
    }
}
