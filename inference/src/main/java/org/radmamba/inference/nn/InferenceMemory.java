package org.radmamba.inference.nn;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Deterministic native memory for one inference: an ND4J workspace, per thread, that every {@link RowMatrix#allocate}
 * inside the scope uses. Closing the scope releases all activations at once (the GC never sees native memory); the
 * workspace learns its size on the first pass and reuses the same block on every later one, growing when a larger
 * input spills.
 *
 * <pre>
 *   try (MemoryWorkspace scope = InferenceMemory.open("medmamba")) {
 *       ... layers allocate RowMatrix activations ...
 *       float[] result = out.toArray();      // copy what must survive before the scope closes
 *   }
 * </pre>
 */
public final class InferenceMemory {

    private static final WorkspaceConfiguration CONFIG = WorkspaceConfiguration.builder()
            .initialSize(0)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .overallocationLimit(0.1)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    private InferenceMemory() {
    }

    /** Opens (activates) this thread's workspace named {@code id}; close it to free everything allocated inside. */
    public static MemoryWorkspace open(String id) {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, id);
    }

    /** Native bytes ND4J holds in workspaces of the calling thread (for leak checks and benchmarks). */
    public static long workspaceBytesOfThisThread() {
        long total = 0;
        for (MemoryWorkspace ws : Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread()) {
            total += ws.getCurrentSize();
        }
        return total;
    }
}
