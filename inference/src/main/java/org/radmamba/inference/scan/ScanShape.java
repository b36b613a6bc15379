package org.radmamba.inference.scan;

/**
 * Sizes of one selective-scan call: {@code groups} (K) groups of {@code channelsPerGroup} (D) channels each;
 * every channel of group k reads that group's B and C. {@code dState} is N, {@code length} is L.
 */
public record ScanShape(int batch, int groups, int channelsPerGroup, int dState, int length) {

    public ScanShape {
        if (batch <= 0 || groups <= 0 || channelsPerGroup <= 0 || dState <= 0 || length <= 0) {
            throw new IllegalArgumentException("scan sizes must be positive: " + batch + ", " + groups + ", "
                    + channelsPerGroup + ", " + dState + ", " + length);
        }
    }

    /** K·D, the number of scanned channels. */
    public int channels() {
        return groups * channelsPerGroup;
    }
}
