package org.radmamba.inference.scan;

/**
 * Arrays of one selective-scan call, float32, row-major (C order). Shapes depend on the call:
 *
 * <pre>
 *                 {@link SelectiveScan#scan}            {@link SelectiveScan#crossScan2d}
 *   u            (batch, K*D, L) in scan order       (batch, D, H*W) row-major, shared by all 4 directions
 *   delta        (batch, K*D, L) in scan order       (batch, K, D, H*W) row-major positions
 *   a            (K*D, N), already negative (A = -exp(A_log))
 *   b, c         (batch, K, N, L) in scan order      (batch, K, N, H*W) row-major positions
 *   d, deltaBias (K*D)
 * </pre>
 *
 * delta is raw: the scan applies softplus(delta + deltaBias) itself, as mamba_ssm does with
 * {@code delta_softplus=True}.
 */
public record ScanInputs(float[] u, float[] delta, float[] a, float[] b, float[] c, float[] d, float[] deltaBias) {
}
