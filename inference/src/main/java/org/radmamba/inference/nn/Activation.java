package org.radmamba.inference.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.radmamba.inference.scan.VectorMath;

/** Element-wise activations as PyTorch defines them, in scalar and vector form. */
public enum Activation {
    /** The identity. */
    NONE {
        @Override
        public float apply(float x) {
            return x;
        }

        @Override
        public FloatVector apply(FloatVector x) {
            return x;
        }
    },
    /** {@code max(0, x)}. */
    RELU {
        @Override
        public float apply(float x) {
            return Math.max(0f, x);
        }

        @Override
        public FloatVector apply(FloatVector x) {
            return x.max(0f);
        }
    },
    /** {@code x·sigmoid(x)} ({@code nn.SiLU}). */
    SILU {
        @Override
        public float apply(float x) {
            return x / (1f + (float) Math.exp(-x));
        }

        /**
         * Not {@code lanewise(EXP)}: C2 compiles that to an SVML stub while the interpreter and C1 take the JDK's
         * per-lane Math.exp, and the two differ in the last bit, so the same input gave other logits once the
         * kernel got hot. This polynomial is plain lane arithmetic, the same in every tier. e = exp(-|x|) never
         * overflows; sigmoid is 1/(1+e) for x ≥ 0 and e/(1+e) below.
         */
        @Override
        public FloatVector apply(FloatVector x) {
            FloatVector e = VectorMath.expNonPositive(x.abs().neg());
            FloatVector numerator = e.blend(1f, x.compare(VectorOperators.GE, 0f));
            return x.mul(numerator.div(e.add(1f)));
        }
    };

    public abstract float apply(float x);

    public abstract FloatVector apply(FloatVector x);
}
