package org.radmamba.inference.scan;

import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * The scalar selective scan that defines the semantics: one channel at a time, one step at a time, every
 * quantity (softplus, exp, the state h, the output sum, the sum of the cross-scan directions) in <b>double</b>,
 * rounded to float only when y is written. Slow on purpose; {@link CpuSimdScan} must match it.
 */
public final class ReferenceScan implements SelectiveScan {

    /** PyTorch's {@code softplus(x, beta=1, threshold=20)}: linear above the threshold. */
    static double softplus(double x) {
        return x > 20.0 ? x : Math.log1p(Math.exp(x));
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public void scan(ScanShape shape, ScanInputs in, float[] y) {
        ScanArguments.checkScan(shape, in, y);
        int length = shape.length();
        double[] state = new double[shape.dState()];
        double[] out = new double[length];
        for (int b = 0; b < shape.batch(); b++) {
            for (int channel = 0; channel < shape.channels(); channel++) {
                int row = (b * shape.channels() + channel) * length;
                scanChannel(shape, in, b, channel, row, row, t -> t, state, out);
                for (int t = 0; t < length; t++) {
                    y[row + t] = (float) out[t];
                }
            }
        }
    }

    @Override
    public void crossScan2d(ScanShape shape, int height, int width, ScanInputs in, float[] y) {
        ScanArguments.checkCrossScan(shape, height, width, in, y);
        int length = shape.length();
        int perGroup = shape.channelsPerGroup();
        double[] state = new double[shape.dState()];
        double[] out = new double[length];
        double[] sum = new double[length];
        for (int b = 0; b < shape.batch(); b++) {
            for (int local = 0; local < perGroup; local++) {
                Arrays.fill(sum, 0.0);
                int uRow = (b * perGroup + local) * length;
                for (int k = 0; k < CrossScanOrder.DIRECTIONS; k++) {
                    int direction = k;
                    IntUnaryOperator position = t -> CrossScanOrder.position(direction, t, height, width);
                    int deltaRow = ((b * CrossScanOrder.DIRECTIONS + k) * perGroup + local) * length;
                    scanChannel(shape, in, b, k * perGroup + local, uRow, deltaRow, position, state, out);
                    // out[t] belongs to position(t): un-permute while summing the directions.
                    for (int t = 0; t < length; t++) {
                        sum[position.applyAsInt(t)] += out[t];
                    }
                }
                for (int p = 0; p < length; p++) {
                    y[uRow + p] = (float) sum[p];
                }
            }
        }
    }

    /**
     * Scans one channel of the K·D: step t reads u at {@code uRow + position(t)}, delta at
     * {@code deltaRow + position(t)}, and the channel's group's B and C at {@code position(t)}; y_t goes to
     * {@code out[t]}.
     */
    private static void scanChannel(ScanShape shape, ScanInputs in, int b, int channel, int uRow, int deltaRow,
                                    IntUnaryOperator position, double[] state, double[] out) {
        int n = shape.dState();
        int length = shape.length();
        int group = channel / shape.channelsPerGroup();
        int projection = (b * shape.groups() + group) * n * length;
        double bias = in.deltaBias()[channel];
        double skip = in.d()[channel];
        Arrays.fill(state, 0.0);
        for (int t = 0; t < length; t++) {
            int p = position.applyAsInt(t);
            double u = in.u()[uRow + p];
            double dt = softplus(in.delta()[deltaRow + p] + bias);
            double sum = 0.0;
            for (int s = 0; s < n; s++) {
                double decay = Math.exp(dt * in.a()[channel * n + s]);
                state[s] = decay * state[s] + dt * in.b()[projection + s * length + p] * u;
                sum += state[s] * in.c()[projection + s * length + p];
            }
            out[t] = sum + skip * u;
        }
    }
}
