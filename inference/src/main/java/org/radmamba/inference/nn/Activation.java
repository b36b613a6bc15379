package org.radmamba.inference.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

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

        @Override
        public FloatVector apply(FloatVector x) {
            return x.div(x.neg().lanewise(VectorOperators.EXP).add(1f));
        }
    };

    public abstract float apply(float x);

    public abstract FloatVector apply(FloatVector x);
}
