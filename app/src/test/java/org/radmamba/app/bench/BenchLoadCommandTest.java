package org.radmamba.app.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.cli.RadMambaCommand;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchLoadCommandTest {

    @TempDir
    Path dir;

    /**
     * With --peer pydicom, pydicom reads the same files after us and both times and their ratio are printed; on a
     * machine without python3 or pydicom, one line says the peer was skipped, and the benchmark still succeeds.
     */
    @Test
    void the_pydicom_peer_reads_the_same_files_or_is_skipped_with_one_line() {
        StringWriter out = new StringWriter();
        CommandLine cl = RadMambaCommand.commandLine();
        cl.setOut(new PrintWriter(out));

        int code = cl.execute("bench", "load", "--dir", dir.toString(), "--count", "3", "--size", "64", "--threads", "1",
                "--peer", "pydicom");

        assertEquals(ExitCodes.OK, code, out.toString());
        List<String> lines = out.toString().lines().toList();
        assertTrue(lines.get(0).startsWith("instances=3 rows=64 columns=64 "), lines.get(0));
        assertTrue(lines.get(0).contains(" threads=1 "), lines.get(0));
        if (lines.get(1).startsWith("peer=pydicom skipped: ")) {
            assertEquals(2, lines.size(), out.toString());
        } else {
            assertTrue(lines.get(1).matches("peer=pydicom files=3 ms=[0-9.]+ first_ms=[0-9.]+ cpu_ms=[0-9.]+"), lines.get(1));
            assertTrue(lines.get(2).matches("radmamba_all_frames_ms=[0-9.]+ pydicom_ms=[0-9.]+ radmamba_over_pydicom=[0-9.]+ "
                    + "radmamba_first_frame_ms=[0-9.]+ radmamba_cpu_ms=[0-9.]+ pydicom_cpu_ms=[0-9.]+ "
                    + "cpu_radmamba_over_pydicom=[0-9.]+ threads=1"), lines.get(2));
        }
    }

    /**
     * --verbose adds where the first frame's time goes: readers made, files listed, header read, file opened, frame decoded, shown, in that
     * order, each with its wall time, CPU time and loaded classes; the figures line gives the first frame's CPU time.
     */
    @Test
    void verbose_prints_the_first_frame_timeline_step_by_step_in_order() {
        StringWriter out = new StringWriter();
        CommandLine cl = RadMambaCommand.commandLine();
        cl.setOut(new PrintWriter(out));

        int code = cl.execute("bench", "load", "--dir", dir.toString(), "--count", "3", "--size", "64", "--threads", "2",
                "--verbose");

        assertEquals(ExitCodes.OK, code, out.toString());
        List<String> lines = out.toString().lines().toList();
        assertTrue(lines.get(0).matches(".* first_frame_thread_cpu_ms=[0-9.]+ load_average=\\S+"), lines.get(0));
        String step = "=[0-9.]+ms/cpu[0-9.]+ms/classes[0-9]+";
        assertTrue(lines.get(1).matches("first_frame_timeline start" + step + " readers_made" + step + " listed" + step + " header_read" + step + " file_opened"
                + step + " frame_decoded" + step + " shown" + step), lines.get(1));
    }

    @Test
    void an_unknown_peer_is_a_usage_error() {
        StringWriter err = new StringWriter();
        CommandLine cl = RadMambaCommand.commandLine();
        cl.setErr(new PrintWriter(err));

        assertEquals(ExitCodes.USAGE, cl.execute("bench", "load", "--dir", dir.toString(), "--peer", "dcmtk"));
        assertTrue(err.toString().contains("only 'pydicom' is known, not 'dcmtk'"), err.toString());
    }
}
