package org.radmamba.app.bench;

import org.junit.jupiter.api.Test;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.cli.RadMambaCommand;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchScanCommandTest {

    @Test
    void bench_scan_prints_one_row_per_scan_batch_and_thread_count() {
        StringWriter out = new StringWriter();
        CommandLine cl = RadMambaCommand.commandLine();
        cl.setOut(new PrintWriter(out));

        int code = cl.execute("bench", "scan", "--batch", "1,2", "--threads", "1,2", "--channels", "5", "--states", "3",
                "--side", "4", "--seconds", "0.01");

        assertEquals(ExitCodes.OK, code);
        String[] lines = out.toString().split("\\R");
        assertTrue(lines[0].startsWith("crossScan2d, K=4 D=5 N=3 H=W=4 (L=16)"), lines[0]);
        // per batch: the reference, then the SIMD scan with 1 and 2 threads
        assertEquals(6, Arrays.stream(lines).filter(l -> l.matches("(reference|cpu-simd)\\s+[12]\\s+[12]\\s+.*")).count(),
                out.toString());
    }

    @Test
    void a_thread_count_of_zero_is_a_usage_error() {
        StringWriter err = new StringWriter();
        CommandLine cl = RadMambaCommand.commandLine();
        cl.setErr(new PrintWriter(err));

        assertEquals(ExitCodes.USAGE, cl.execute("bench", "scan", "--threads", "0"));
        assertTrue(err.toString().contains("must be positive"), err.toString());
    }
}
