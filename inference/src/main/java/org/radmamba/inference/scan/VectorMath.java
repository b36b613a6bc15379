package org.radmamba.inference.scan;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp and softplus in the vector lanes, inlined into the scan's loops. {@code lanewise(EXP)} calls the JDK's
 * out-of-line SVML stub (LOG1P even falls back to scalar code on JDK 25); inside the scan's inner loop, where
 * every register is busy, the polynomial below was faster (docs/performance.md has the figures). It also gives
 * the same bits in every JIT tier, which the SVML stub (C2 only) does not: nn's SiLU uses it for that.
 */
public final class VectorMath {

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    /** log2(e): the scan multiplies A by it once so that exp(dt·A) = 2^(dt·A·log2 e) costs no extra multiply. */
    static final float LOG2E = (float) (1.0 / Math.log(2.0));

    /** Below this, 2^x would leave the normal float range; clamping keeps results normal (denormals are slow). */
    private static final float EXP2_FLOOR = -125f;
    /** 1.5·2^23: adding it rounds a float to an integer, which then sits in the low mantissa bits. */
    private static final float ROUNDING_SHIFT = 12582912f;
    // Cephes exp2f: 2^f ≈ 1 + f·P(f) on [-0.5, 0.5], relative error about 1 ulp.
    private static final float P0 = 1.535336188319500e-4f;
    private static final float P1 = 1.339887440266574e-3f;
    private static final float P2 = 9.618437357674640e-3f;
    private static final float P3 = 5.550332471162809e-2f;
    private static final float P4 = 2.402264791363012e-1f;
    private static final float P5 = 6.931472028550421e-1f;

    /** Cephes' ln 2 in two parts: n·LN2_HI is exact for the n that expNonPositive meets. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Below this, e^x would leave the normal float range. */
    private static final float EXP_FLOOR = -87f;

    /** PyTorch's softplus threshold (beta = 1): above it softplus(x) is x. */
    static final float SOFTPLUS_THRESHOLD = 20f;

    private VectorMath() {
    }

    /**
     * 2^x for x ≤ 0, about 1 ulp; for x below -125 it returns about 2^-125 (≈ 2.4e-38) instead of a denormal
     * or zero, which changes no sum that the scan forms.
     */
    static FloatVector exp2NonPositive(FloatVector x) {
        FloatVector clamped = x.max(EXP2_FLOOR);
        FloatVector shifted = clamped.add(ROUNDING_SHIFT);
        return scaledExp2(clamped.sub(shifted.sub(ROUNDING_SHIFT)), shifted);
    }

    /**
     * e^x for x ≤ 0, about 1 ulp of the result even for large |x|: n = round(x·log2 e) and the remainder
     * x - n·ln 2 (in two exact parts, as Cephes expf) keep the rounding of x·log2 e out of the result. Two
     * operations more than {@link #exp2NonPositive}; below -87 it returns about 1.6e-38.
     */
    public static FloatVector expNonPositive(FloatVector x) {
        FloatVector clamped = x.max(EXP_FLOOR);
        FloatVector shifted = clamped.fma(FloatVector.broadcast(SPECIES, LOG2E),
                FloatVector.broadcast(SPECIES, ROUNDING_SHIFT));
        FloatVector n = shifted.sub(ROUNDING_SHIFT);
        FloatVector remainder = n.fma(FloatVector.broadcast(SPECIES, -LN2_HI), clamped);
        remainder = n.fma(FloatVector.broadcast(SPECIES, -LN2_LO), remainder);
        return scaledExp2(remainder.mul(LOG2E), shifted);
    }

    /** 2^fraction · 2^n for fraction in [-0.5, 0.5] and n in the low mantissa bits of {@code shifted}. */
    private static FloatVector scaledExp2(FloatVector fraction, FloatVector shifted) {
        FloatVector p = fraction.fma(P0, P1);
        p = p.fma(fraction, FloatVector.broadcast(SPECIES, P2));
        p = p.fma(fraction, FloatVector.broadcast(SPECIES, P3));
        p = p.fma(fraction, FloatVector.broadcast(SPECIES, P4));
        p = p.fma(fraction, FloatVector.broadcast(SPECIES, P5));
        p = p.fma(fraction, FloatVector.broadcast(SPECIES, 1f));
        // The rounded integer n is in the low bits of shifted: n << 23 added to the bits of 2^f multiplies by 2^n.
        IntVector scale = shifted.reinterpretAsInts().lanewise(VectorOperators.LSHL, 23);
        return p.reinterpretAsInts().add(scale).reinterpretAsFloats();
    }

    /**
     * PyTorch's softplus (x > 20 ? x : log1p(exp(x))), written as max(x, 0) + log1p(exp(-|x|)) so that exp
     * never overflows and log1p only sees (0, 1]; there log1p(z) = 2·atanh(z / (2 + z)) with |s| ≤ 1/3, whose
     * odd series converges to float precision in seven terms, accurate for tiny z too.
     */
    static FloatVector softplus(FloatVector x) {
        FloatVector z = expNonPositive(x.abs().neg());
        FloatVector s = z.div(z.add(2f));
        FloatVector w = s.mul(s);
        FloatVector series = w.fma(1f / 13f, 1f / 11f);
        series = series.fma(w, FloatVector.broadcast(SPECIES, 1f / 9f));
        series = series.fma(w, FloatVector.broadcast(SPECIES, 1f / 7f));
        series = series.fma(w, FloatVector.broadcast(SPECIES, 1f / 5f));
        series = series.fma(w, FloatVector.broadcast(SPECIES, 1f / 3f));
        series = series.fma(w, FloatVector.broadcast(SPECIES, 1f));
        FloatVector log1p = s.add(s).mul(series);
        FloatVector smooth = x.max(0f).add(log1p);
        return smooth.blend(x, x.compare(VectorOperators.GT, SOFTPLUS_THRESHOLD));
    }
}
