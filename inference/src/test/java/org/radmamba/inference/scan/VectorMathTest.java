package org.radmamba.inference.scan;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorMathTest {

    private static final int LANES = VectorMath.SPECIES.length();

    @Test
    void exp2_is_within_two_ulps_for_non_positive_arguments() {
        float[] x = new float[LANES];
        float[] result = new float[LANES];
        double worst = 0;
        for (int i = 0; i <= 300_000; i += LANES) {
            for (int lane = 0; lane < LANES; lane++) {
                x[lane] = -(i + lane) * 4e-4f;  // 0 .. -120
            }
            VectorMath.exp2NonPositive(FloatVector.fromArray(VectorMath.SPECIES, x, 0)).intoArray(result, 0);
            for (int lane = 0; lane < LANES; lane++) {
                double exact = Math.pow(2.0, x[lane]);
                worst = Math.max(worst, Math.abs(result[lane] - exact) / Math.ulp((float) exact));
            }
        }
        assertTrue(worst <= 2.0, "worst error " + worst + " ulp");
    }

    @Test
    void exp_is_within_two_ulps_for_non_positive_arguments() {
        float[] x = new float[LANES];
        float[] result = new float[LANES];
        double worst = 0;
        for (int i = 0; i <= 215_000; i += LANES) {
            for (int lane = 0; lane < LANES; lane++) {
                x[lane] = -(i + lane) * 4e-4f;  // 0 .. -86
            }
            VectorMath.expNonPositive(FloatVector.fromArray(VectorMath.SPECIES, x, 0)).intoArray(result, 0);
            for (int lane = 0; lane < LANES; lane++) {
                double exact = Math.exp(x[lane]);
                worst = Math.max(worst, Math.abs(result[lane] - exact) / Math.ulp((float) exact));
            }
        }
        assertTrue(worst <= 2.0, "worst error " + worst + " ulp");
    }

    @Test
    void exp2_far_below_the_float_range_stays_tiny_and_normal() {
        float value = exp2(-500f);
        assertTrue(value >= Float.MIN_NORMAL && value < 1e-37f, "2^-500 gave " + value);
        assertEquals(1f, exp2(0f));
    }

    @Test
    void softplus_follows_pytorch_with_its_threshold_of_20() {
        float[] x = new float[LANES];
        float[] result = new float[LANES];
        double worst = 0;
        for (int i = 0; i <= 200_000; i += LANES) {
            for (int lane = 0; lane < LANES; lane++) {
                x[lane] = -40f + (i + lane) * 4e-4f;  // -40 .. 40
            }
            VectorMath.softplus(FloatVector.fromArray(VectorMath.SPECIES, x, 0)).intoArray(result, 0);
            for (int lane = 0; lane < LANES; lane++) {
                double exact = ReferenceScan.softplus(x[lane]);
                worst = Math.max(worst, Math.abs(result[lane] - exact) / exact);
            }
        }
        assertTrue(worst <= 5e-7, "worst relative error " + worst);
        assertEquals(20.5f, softplus(20.5f));  // linear above the threshold, exactly
    }

    private static float exp2(float x) {
        return VectorMath.exp2NonPositive(FloatVector.broadcast(VectorMath.SPECIES, x)).lane(0);
    }

    private static float softplus(float x) {
        return VectorMath.softplus(FloatVector.broadcast(VectorMath.SPECIES, x)).lane(0);
    }
}
