package org.radmamba.inference.checkpoint;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;

/**
 * Times {@link PthReader#read} on a checkpoint given on the command line (e.g. the 58 MB medmamba_t.pth). Not a test:
 * it reads a file outside the tree and prints figures. Run it as docs/performance.md says.
 */
public final class CheckpointLoadBenchmark {

    private CheckpointLoadBenchmark() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int run = 1; run <= runs; run++) {
            long started = System.nanoTime();
            long cpuStarted = threads.getCurrentThreadCpuTime();
            StateDict sd = PthReader.read(file);
            double wallMs = (System.nanoTime() - started) / 1e6;
            double cpuMs = (threads.getCurrentThreadCpuTime() - cpuStarted) / 1e6;
            System.out.printf("run %2d: %d tensors, %d elements: %.1f ms wall, %.1f ms CPU of the reading thread%n",
                    run, sd.size(), sd.totalElements(), wallMs, cpuMs);
        }
    }
}
