package org.radmamba.inference.scan;

/** Error measures for comparing scan outputs. */
final class Deviation {

    private Deviation() {
    }

    static double maxAbsoluteDifference(float[] actual, double[] expected) {
        if (actual.length != expected.length) {
            throw new IllegalArgumentException(actual.length + " values compared with " + expected.length);
        }
        double max = 0;
        for (int i = 0; i < actual.length; i++) {
            max = Math.max(max, Math.abs(actual[i] - expected[i]));
        }
        return max;
    }

    static double maxAbsoluteDifference(float[] actual, float[] expected) {
        return maxAbsoluteDifference(actual, toDoubles(expected));
    }

    static double maxAbsolute(double[] values) {
        double max = 0;
        for (double v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    static double[] toDoubles(float[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }
}
