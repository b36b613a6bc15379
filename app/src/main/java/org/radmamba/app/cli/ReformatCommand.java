package org.radmamba.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.radmamba.app.ExitCodes;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.pixel.Voi;
import org.radmamba.viewer.study.FailedFile;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.ScanResult;
import org.radmamba.viewer.study.Series;
import org.radmamba.viewer.study.StudyScanner;
import org.radmamba.viewer.volume.NotAVolumeException;
import org.radmamba.viewer.volume.Plane;
import org.radmamba.viewer.volume.PlaneGeometry;
import org.radmamba.viewer.volume.PlaneRendering;
import org.radmamba.viewer.volume.Reformatter;
import org.radmamba.viewer.volume.SeriesVolumes;
import org.radmamba.viewer.volume.Slab;
import org.radmamba.viewer.volume.Volume;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code radmamba reformat PATH --plane axial|coronal|sagittal --index N --out OUT.npy|OUT.png}, and oblique planes
 * with {@code --turn DEG --about PLANE}.
 */
@Command(name = "reformat", mixinStandardHelpOptions = true,
        description = {"Cuts an axial, coronal or sagittal plane (or a thick slab) through a series seen as a volume.",
                "Planes are shown as radiologists read them: axial from the feet, coronal from the front (the",
                "patient's right on the left), sagittal with anterior on the left, superior up. N counts planes",
                "along the normal in increasing patient coordinate (axial inferior to superior, coronal anterior to",
                "posterior, sagittal right to left), from 0.",
                "npy: float32 real-world values (modality LUT applied), (rows, columns), NaN outside the volume and",
                "in gaps of missing slices. png: 8-bit grey with the series' first window."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the plane was written to OUT",
                "2:the command line is wrong (an unknown plane or mode, N out of range, --turn without another --about plane,",
                        "OUT neither .npy nor .png)",
                "3:PATH is not one readable volume, or OUT could not be written; one line on stderr says why"})
public final class ReformatCommand implements Callable<Integer> {

    enum PlaneOption { axial, coronal, sagittal }

    enum ModeOption { mip, minip, avg }

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "One series: its folder, or its files.")
    private List<Path> paths;

    @Option(names = "--plane", required = true, paramLabel = "axial|coronal|sagittal", description = "The plane.")
    private PlaneOption plane;

    @Option(names = "--index", required = true, paramLabel = "N", description = "The plane's number along its normal, from 0.")
    private int index;

    @Option(names = "--out", required = true, paramLabel = "OUT", description = "OUT.npy or OUT.png.")
    private Path out;

    @Option(names = "--slab-mm", paramLabel = "T", defaultValue = "0",
            description = "A slab this thick (mm) around the plane (default 0: the plane alone).")
    private double slabMm;

    @Option(names = "--mode", paramLabel = "mip|minip|avg", defaultValue = "mip",
            description = "How the slab's planes combine (default mip).")
    private ModeOption mode;

    @Option(names = "--turn", paramLabel = "DEG", defaultValue = "0",
            description = {"An oblique plane: the plane turned DEG degrees about the normal of the --about plane,",
                    "clockwise as that plane is shown (as Shift+arrow turns the crosshair in the viewer's MPR);",
                    "trilinear. N then counts the turned planes along their normal through the volume, from 0."})
    private double turn;

    @Option(names = "--about", paramLabel = "axial|coronal|sagittal",
            description = "The plane whose normal --turn turns about (not --plane itself).")
    private PlaneOption about;

    @Option(names = "--json", description = "Print the plane's geometry (spacing, first pixel position, direction cosines) as JSON.")
    private boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        PrintWriter err = spec.commandLine().getErr();
        String name = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean png = name.endsWith(".png");
        if (!png && !name.endsWith(".npy")) {
            return refuse(ExitCodes.USAGE, "--out " + out + ": give a .npy or a .png file");
        }
        if (!(slabMm >= 0) || Double.isInfinite(slabMm)) {
            return refuse(ExitCodes.USAGE, "--slab-mm " + slabMm + ": give a thickness in mm, 0 or more");
        }
        boolean oblique = turn != 0;
        if (!Double.isFinite(turn)) {
            return refuse(ExitCodes.USAGE, "--turn " + turn + ": give an angle in degrees");
        }
        if (oblique && (about == null || about == plane)) {
            return refuse(ExitCodes.USAGE, "--turn needs --about with another plane than --plane " + plane
                    + " (the plane whose normal it turns about)");
        }
        Volume volume;
        try {
            volume = loadVolume(err);
        } catch (NotAVolumeException e) {
            return refuse(ExitCodes.INPUT_UNREADABLE, String.join(", ", paths.stream().map(Path::toString).toList())
                    + ": not a volume: " + e.getMessage());
        }
        for (String warning : volume.warnings()) {
            err.println("warning: " + warning);
        }
        err.flush();
        Reformatter reformatter = new Reformatter(volume);
        Plane chosen = Plane.valueOf(plane.name().toUpperCase(Locale.ROOT));
        Plane pivot = oblique ? Plane.valueOf(about.name().toUpperCase(Locale.ROOT)) : null;
        int planes = oblique ? reformatter.oblique(chosen, pivot, turn, 0).planeCount() : reformatter.planeCount(chosen);
        if (index < 0 || index >= planes) {
            return refuse(ExitCodes.USAGE, "--index " + index + " is out of range: the volume has " + planes + " "
                    + (oblique ? "turned " : "") + chosen.label() + " planes, counted from 0");
        }
        Slab slab = new Slab(slabMm, switch (mode) {
            case mip -> Slab.Mode.MIP;
            case minip -> Slab.Mode.MINIP;
            case avg -> Slab.Mode.AVERAGE;
        });
        PlaneGeometry geometry = oblique ? reformatter.oblique(chosen, pivot, turn, index) : reformatter.geometry(chosen, index);
        float[] values;
        if (oblique) {
            values = new float[geometry.rows() * geometry.columns()];
            reformatter.reformat(geometry, slab, values);
        } else {
            values = reformatter.reformat(chosen, index, slab);
        }
        try {
            if (png) {
                writePng(volume, geometry, values);
            } else {
                double[] wide = new double[values.length];
                for (int i = 0; i < values.length; i++) {
                    wide[i] = values[i];
                }
                NpyWriter.writeFloats(out, "<f4", new int[] {geometry.rows(), geometry.columns()}, wide);
            }
        } catch (IOException e) {
            return refuse(ExitCodes.INPUT_UNREADABLE, Inputs.cannotWrite(out, e));
        }
        if (json) {
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(
                    toJson(geometry, slab, slab.planes(reformatter.normalSpacing(geometry)), volume)));
            stdout.flush();
        }
        return ExitCodes.OK;
    }

    /** The series under PATH, decoded into one series' slabs of memory (as the viewer holds it), as a volume. */
    private Volume loadVolume(PrintWriter err) throws NotAVolumeException {
        ScanResult scan = new StudyScanner().scan(paths);
        List<Series> series = scan.series().stream()
                .filter(s -> s.instances().stream().anyMatch(Instance::isImage)).toList();
        if (series.isEmpty()) {
            FailedFile failure = scan.failures().isEmpty() ? null : scan.failures().getFirst();
            throw new NotAVolumeException("no readable image" + (failure == null ? "" : " (first: " + failure.message() + ")"));
        }
        if (series.size() > 1) {
            throw new NotAVolumeException("it holds " + series.size() + " series; give the folder or files of one ("
                    + String.join(", ", series.stream().map(s -> "series " + s.seriesNumber() + " "
                    + s.description()).limit(4).toList()) + ")");
        }
        for (FailedFile failure : scan.failures()) {
            err.println("warning: " + failure.message() + " (left out of the volume)");
        }
        return SeriesVolumes.read(series.getFirst(), new ImageLoader(), DicomReaders.standard(),
                skipped -> err.println("warning: " + skipped + " (left out of the volume)"));
    }

    private void writePng(Volume volume, PlaneGeometry geometry, float[] values) throws IOException {
        Voi voi = volume.pipeline().defaultVoi(volume.firstFrame());
        byte[] grey = new byte[values.length];
        PlaneRendering.toGrey(values, voi, PlaneRendering.isMonochrome1(volume), grey);
        BufferedImage image = new BufferedImage(geometry.columns(), geometry.rows(), BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, geometry.columns(), geometry.rows(), grey);
        // Encoded in memory, then written by NIO, whose exceptions say why a file cannot be written.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", bytes)) {
            throw new IOException("no PNG writer is available");
        }
        Files.write(out, bytes.toByteArray());
    }

    private Map<String, Object> toJson(PlaneGeometry g, Slab slab, int slabPlanes, Volume volume) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("plane", g.plane().label());
        json.put("index", g.index());
        json.put("planes", g.planeCount());
        json.put("rows", g.rows());
        json.put("columns", g.columns());
        json.put("pixelSpacing", g.pixelSpacing());
        json.put("firstPixelPosition", g.firstPixel());
        json.put("rowDirectionCosines", g.rowCosines());
        json.put("columnDirectionCosines", g.columnCosines());
        if (turn != 0) {
            json.put("turned", Map.of("degrees", turn, "about", about.name()));
        }
        if (slabPlanes > 1) {
            json.put("slab", Map.of("thicknessMm", slab.thicknessMm(), "mode", mode.name(), "planes", slabPlanes));
        }
        json.put("warnings", volume.warnings());
        json.put("out", out.toString());
        return json;
    }

    private int refuse(int exitCode, String line) {
        spec.commandLine().getErr().println(line);
        spec.commandLine().getErr().flush();
        return exitCode;
    }
}
