package org.radmamba.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.ExitCodes;
import org.radmamba.viewer.dicom.SyntheticCtSeries;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InfoCommandTest {

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = RadMambaCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void info_lists_the_series_with_transfer_syntax_and_geometry() throws Exception {
        SyntheticCtSeries.write(dir, 3, 8, 6);

        Run run = run("info", dir.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(run.out().contains("Patient Synthetic^Phantom (ID SYNTH)"), run.out());
        assertTrue(run.out().contains("3 instance(s), 3 frame(s)"), run.out());
        assertTrue(run.out().contains("Explicit VR Little Endian (1.2.840.10008.1.2.1)"), run.out());
        assertTrue(run.out().contains("6x8"), run.out());
        assertTrue(run.out().contains("3 instance(s), 0 unreadable file(s)"), run.out());
    }

    @Test
    void info_json_describes_every_level_for_machines() throws Exception {
        SyntheticCtSeries.write(dir, 2, 4, 4);
        Files.writeString(dir.resolve("junk.dcm"), "this is not DICOM");

        Run run = run("info", "--json", dir.toString());

        assertEquals(ExitCodes.OK, run.exitCode());
        JsonNode root = new ObjectMapper().readTree(run.out());
        JsonNode series = root.get("patients").get(0).get("studies").get(0).get("series").get(0);
        assertEquals("CT", series.get("modality").asText());
        JsonNode first = series.get("instances").get(0);
        assertEquals("DICOM_IMAGE", first.get("kind").asText());
        assertEquals("1.2.840.10008.1.2.1", first.get("transferSyntaxUid").asText());
        assertEquals(4, first.get("geometry").get("rows").asInt());
        // Ordered along the normal (z = 0, -1 with normal +z): the second slice, at -1, comes first.
        assertEquals(-1.0, first.get("geometry").get("imagePositionPatient").get(2).asDouble());
        assertEquals(1, root.get("failures").size());
        assertTrue(root.get("failures").get(0).get("reason").asText().contains("not a DICOM file"));
        assertTrue(run.err().contains("junk.dcm: is not a DICOM file"), run.err());
    }

    @Test
    void info_on_an_unreadable_file_exits_3_with_one_line_naming_it() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.dcm"), "this is not DICOM");

        Run run = run("info", junk.toString());

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().startsWith(junk.toAbsolutePath() + ": "), run.err());
    }

    @Test
    void a_missing_argument_or_an_unknown_option_is_a_usage_error_exit_2() {
        assertEquals(ExitCodes.USAGE, run("info").exitCode());
        assertEquals(ExitCodes.USAGE, run("info", "--no-such-option", dir.toString()).exitCode());
    }
}
