package org.radmamba.inference.cuda;

import java.util.List;

/**
 * The launches of one planned GEMM: the product alone, or (K split) the product writing partial sums and the
 * reduction that applies the epilogue; {@code partialFloats} is what {@link DeviceBuffer#PARTIAL} must hold.
 */
record GemmLaunch(List<KernelCall> calls, long partialFloats) {

    GemmLaunch {
        calls = List.copyOf(calls);
    }
}
