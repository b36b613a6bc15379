package org.radmamba.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.plugin.PluginPictureFormats;
import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.viewer.dicom.codec.TransferSyntax;
import org.radmamba.viewer.photo.PhotographReader;
import org.radmamba.viewer.picture.PictureFormats;
import org.radmamba.viewer.study.FailedFile;
import org.radmamba.viewer.study.ImageGeometry;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.InstanceKind;
import org.radmamba.viewer.study.Patient;
import org.radmamba.viewer.study.ScanResult;
import org.radmamba.viewer.study.Series;
import org.radmamba.viewer.study.Study;
import org.radmamba.viewer.study.StudyScanner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code radmamba info PATH...}: what a scan finds, as text or JSON. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Lists the patients, studies, series and instances found in files, folders (recursively) and DICOMDIRs,",
                "with transfer syntax and geometry; pictures in a plugin's format are listed with the photographs.",
                "Unreadable files are listed with the reason.",
                "Exit code 3 when nothing could be read."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:at least one file was read (unreadable ones are listed on stderr)",
                "2:the command line is wrong (an unknown option, no PATH)",
                "3:nothing could be read: every file was unreadable, or the folders hold no file"})
public final class InfoCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "DICOM files, folders, DICOMDIRs or photographs.")
    private List<Path> paths = new ArrayList<>();

    @Option(names = "--json", description = "Print JSON for machines instead of text.")
    private boolean json;

    @Mixin
    private PluginOptions plugins = new PluginOptions();

    /** The plugins' picture formats, for files that are neither DICOM nor photographs. */
    private PictureFormats pictures = PictureFormats.NONE;

    @Override
    public Integer call() throws JsonProcessingException {
        try (PluginRegistry registry = plugins.open()) {
            pictures = new PluginPictureFormats(registry);
            return report(new StudyScanner(pictures).scan(paths));
        }
    }

    private int report(ScanResult result) throws JsonProcessingException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson(result)));
        } else {
            printText(result, out);
        }
        out.flush();
        for (FailedFile failure : result.failures()) {
            err.println(failure.message());
        }
        // A folder that gave nothing: say what it holds, which the per-file lines alone do not (an empty one has none).
        for (Path path : paths) {
            if (Files.isDirectory(path) && result.instances().stream().noneMatch(i -> Inputs.under(path, i.file()))) {
                err.println(Inputs.noReadableImage(path, List.of(),
                        result.failures().stream().filter(f -> Inputs.under(path, f.file())).toList()));
            }
        }
        err.flush();
        return result.instances().isEmpty() ? ExitCodes.INPUT_UNREADABLE : ExitCodes.OK;
    }

    private void printText(ScanResult result, PrintWriter out) {
        for (Patient patient : result.patients()) {
            out.printf("Patient %s (ID %s)%n", orDash(patient.patientName()), orDash(patient.patientId()));
            for (Study study : patient.studies()) {
                out.printf("  Study %s  date %s  %s%n", orDash(study.studyInstanceUid()), orDash(study.studyDate()),
                        study.description());
                for (Series series : study.series()) {
                    out.printf("    Series %d  %s  %s  %s: %d instance(s), %d frame(s)%n", series.seriesNumber(),
                            orDash(series.modality()), orDash(series.seriesInstanceUid()), series.description(),
                            series.instances().size(), series.frameCount());
                    for (Instance instance : series.instances()) {
                        out.printf("      %s%n", describe(instance));
                    }
                }
            }
        }
        out.printf("%d instance(s), %d unreadable file(s)%n", result.instances().size(), result.failures().size());
    }

    private String describe(Instance instance) {
        StringBuilder s = new StringBuilder(instance.file().toString());
        switch (instance.kind()) {
            case DICOM_NON_IMAGE -> s.append("  not an image (SOP class ").append(instance.sopClassUid()).append(')');
            case PHOTOGRAPH -> s.append(pictureFormat(instance).map(f -> "  picture (" + f + ")").orElse("  photograph"));
            case DICOM_IMAGE -> s.append("  #").append(instance.instanceNumber()).append("  ")
                    .append(TransferSyntax.describe(instance.transferSyntaxUid())).append("  ")
                    .append(instance.photometricInterpretation());
        }
        instance.geometry().ifPresent(g -> {
            s.append(String.format(Locale.ROOT, "  %dx%d", g.columns(), g.rows()));
            if (instance.frameCount() > 1) {
                s.append("x").append(instance.frameCount()).append(" frames");
            }
            if (g.imagePositionPatient() != null) {
                s.append("  position ").append(numbers(g.imagePositionPatient()));
            }
            if (g.imageOrientationPatient() != null) {
                s.append("  orientation ").append(numbers(g.imageOrientationPatient()));
            }
            if (g.pixelSpacing() != null) {
                s.append("  spacing ").append(numbers(g.pixelSpacing())).append(" mm");
            }
            if (!Double.isNaN(g.sliceThickness())) {
                s.append(String.format(Locale.ROOT, "  thickness %g mm", g.sliceThickness()));
            }
        });
        return s.toString();
    }

    /** The plugin format of a picture ImageIO does not read, e.g. "Netpbm grey map ..., from the plugin example". */
    private Optional<String> pictureFormat(Instance instance) {
        if (instance.kind() != InstanceKind.PHOTOGRAPH || PhotographReader.isPhotograph(instance.file())) {
            return Optional.empty();
        }
        try {
            return pictures.formatOf(instance.file()).map(PictureFormats.Format::description);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String numbers(double[] values) {
        return String.join("\\", Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%g", v)).toList());
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    Map<String, Object> toJson(ScanResult result) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("patients", result.patients().stream().map(p -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("patientId", p.patientId());
            m.put("patientName", p.patientName());
            m.put("studies", p.studies().stream().map(this::studyJson).toList());
            return m;
        }).toList());
        root.put("failures", result.failures().stream().map(f -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", f.file().toString());
            m.put("reason", f.reason());
            return m;
        }).toList());
        return root;
    }

    private Map<String, Object> studyJson(Study study) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("studyInstanceUid", study.studyInstanceUid());
        m.put("studyDate", study.studyDate());
        m.put("description", study.description());
        m.put("accessionNumber", study.accessionNumber());
        m.put("series", study.series().stream().map(series -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("seriesInstanceUid", series.seriesInstanceUid());
            s.put("seriesNumber", series.seriesNumber());
            s.put("modality", series.modality());
            s.put("description", series.description());
            s.put("instances", series.instances().stream().map(this::instanceJson).toList());
            return s;
        }).toList());
        return m;
    }

    private Map<String, Object> instanceJson(Instance instance) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", instance.file().toString());
        m.put("kind", instance.kind().name());
        m.put("sopClassUid", instance.sopClassUid());
        m.put("sopInstanceUid", instance.sopInstanceUid());
        m.put("instanceNumber", instance.instanceNumber());
        m.put("frames", instance.frameCount());
        m.put("transferSyntaxUid", instance.transferSyntaxUid());
        m.put("transferSyntax", TransferSyntax.describe(instance.transferSyntaxUid()));
        m.put("photometricInterpretation", instance.photometricInterpretation());
        pictureFormat(instance).ifPresent(f -> m.put("format", f));
        instance.geometry().ifPresent(g -> m.put("geometry", geometryJson(g)));
        return m;
    }

    private static Map<String, Object> geometryJson(ImageGeometry g) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", g.rows());
        m.put("columns", g.columns());
        m.put("imagePositionPatient", g.imagePositionPatient());
        m.put("imageOrientationPatient", g.imageOrientationPatient());
        m.put("pixelSpacing", g.pixelSpacing());
        m.put("sliceThickness", Double.isNaN(g.sliceThickness()) ? null : g.sliceThickness());
        return m;
    }
}
