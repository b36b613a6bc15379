package org.radmamba.inference.scan;

/**
 * The Mamba selective scan (mamba_ssm's {@code selective_scan_fn} with {@code delta_softplus=True}, z = None,
 * no last state), per channel c of group g = c / D:
 *
 * <pre>
 *   dt_t = softplus(delta_t + deltaBias_c)
 *   h_t  = exp(dt_t * A_c) * h_{t-1} + dt_t * B_{g,t} * u_t        (h_0 = 0, N states)
 *   y_t  = &lt;h_t, C_{g,t}&gt; + D_c * u_t
 * </pre>
 *
 * Implementations: the scalar reference, the CPU SIMD one (Vector API) and the CUDA one. All must be safe to
 * call from several threads at once.
 */
public interface SelectiveScan {

    /** A short name for logs and the UI, e.g. {@code cpu-simd} or {@code cuda}. */
    String name();

    /**
     * The plain scan: every channel's sequence is already in its own scan order.
     *
     * @param y output, (batch, K*D, L)
     */
    void scan(ScanShape shape, ScanInputs in, float[] y);

    /**
     * SS2D's four-direction cross scan over an H×W feature map (VMamba/MedMamba {@code forward_core}), with
     * K = 4 and L = H·W. Direction k visits the row-major positions p in this order (t = 0..L-1):
     * <pre>
     *   k=0: p = t                               (rows, left to right)
     *   k=1: p = (t % H) * W + t / H             (columns, top to bottom = the transposed map)
     *   k=2: p = L-1-t                           (k=0 reversed)
     *   k=3: the k=1 order reversed
     * </pre>
     * u is read once for all directions; each direction's delta/B/C are stored at row-major positions and read
     * in that direction's order. The output is the sum of the four directions' y, un-permuted back to
     * row-major positions, exactly {@code y1 + y2 + y3 + y4} of the official code.
     *
     * @param y output, (batch, D, H*W)
     */
    void crossScan2d(ScanShape shape, int height, int width, ScanInputs in, float[] y);
}
