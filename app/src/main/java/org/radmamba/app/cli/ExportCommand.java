package org.radmamba.app.cli;

import org.radmamba.app.ExitCodes;
import org.radmamba.app.plugin.PluginPictureFormats;
import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.FrameFormat;
import org.radmamba.viewer.pixel.Colour;
import org.radmamba.viewer.picture.PictureFormats;
import org.radmamba.viewer.pixel.PixelPipeline;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.LoadedImage;
import org.radmamba.viewer.study.ScanResult;
import org.radmamba.viewer.study.StudyScanner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code radmamba export FILE --frame N --format npy|png --out OUT}. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Exports one frame of a DICOM file, a photograph or a picture in a plugin's format.",
                "npy: the stored values as a NumPy array, (rows, cols) or (rows, cols, 3) RGB (YBR converted), dtype",
                "from Bits Allocated and Pixel Representation (float32/float64 for Float/Double Float Pixel Data,",
                "uint8 for 1-bit). png: the displayed 8-bit image (modality LUT and the",
                "file's first VOI, or a full-range window)."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the frame was written to OUT",
                "2:the command line is wrong (an unknown option, a frame out of range, a folder given as FILE)",
                "3:FILE could not be read or OUT not written; one line on stderr says why"})
public final class ExportCommand implements Callable<Integer> {

    enum Format { npy, png }

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A DICOM file or a photograph.")
    private Path file;

    @Option(names = "--frame", paramLabel = "N", defaultValue = "0", description = "Frame index, 0-based (default 0).")
    private int frame;

    @Option(names = "--format", required = true, paramLabel = "npy|png", description = "npy or png.")
    private Format format;

    @Option(names = "--out", required = true, paramLabel = "OUT", description = "The file to write.")
    private Path out;

    @Mixin
    private PluginOptions plugins = new PluginOptions();

    @Override
    public Integer call() {
        try (PluginRegistry registry = plugins.open()) {
            return export(new PluginPictureFormats(registry));
        }
    }

    private int export(PictureFormats pictures) {
        Optional<Inputs.Refusal> refusal = Inputs.oneFile("export", file, pictures);
        if (refusal.isPresent()) {
            return refuse(refusal.get().exitCode(), refusal.get().line());
        }
        ScanResult scan = new StudyScanner(pictures).scan(List.of(file));
        if (!scan.failures().isEmpty()) {
            return unreadable(scan.failures().getFirst().message());
        }
        if (scan.instances().isEmpty()) {
            return unreadable(file + ": neither a DICOM file, a photograph nor a picture of a plugin's format");
        }
        Instance instance = scan.instances().getFirst();
        if (!instance.isImage()) {
            return unreadable(file + ": has no pixel data (SOP class " + instance.sopClassUid() + ")");
        }
        if (frame < 0 || frame >= instance.frameCount()) {
            // Returned, not thrown: the top-level exception mapper turns every exception into exit code 3.
            spec.commandLine().getErr().println("--frame " + frame + " is out of range: " + file + " has "
                    + instance.frameCount() + " frame(s), counted from 0");
            spec.commandLine().getErr().flush();
            return ExitCodes.USAGE;
        }
        try {
            LoadedImage image = new ImageLoader(pictures).load(instance);
            DecodedFrame decoded = image.frame(frame);
            PixelPipeline pipeline = image.pipeline(frame);
            switch (format) {
                case npy -> writeNpy(image.format(), decoded, pipeline);
                case png -> writePng(image.format(), decoded, pipeline);
            }
        } catch (OutputException e) {
            return unreadable(Inputs.cannotWrite(out, e.getCause()));
        } catch (IOException e) {
            return unreadable(Inputs.describe(file, e));
        }
        return ExitCodes.OK;
    }

    /** Writing the output failed (not reading the input): the message names OUT, not FILE. */
    private static final class OutputException extends IOException {
        OutputException(IOException cause) {
            super(cause);
        }
    }

    private int unreadable(String line) {
        return refuse(ExitCodes.INPUT_UNREADABLE, line);
    }

    private int refuse(int exitCode, String line) {
        spec.commandLine().getErr().println(line);
        spec.commandLine().getErr().flush();
        return exitCode;
    }

    private void writeNpy(FrameFormat f, DecodedFrame decoded, PixelPipeline pipeline) throws IOException {
        int[] shape = f.samplesPerPixel() == 3 ? new int[] {f.rows(), f.columns(), 3} : new int[] {f.rows(), f.columns()};
        if (f.floatingPoint()) {
            // Parametric maps: the values themselves, never rounded through the integer path below.
            double[] values = new double[decoded.samples().length()];
            for (int i = 0; i < values.length; i++) {
                values[i] = decoded.samples().value(i);
            }
            writeFloatNpy(f.bitsAllocated() == 32 ? "<f4" : "<f8", shape, values);
            return;
        }
        int count = decoded.samples().length();
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
            values[i] = pipeline.storedValue(decoded.samples(), i);
        }
        String photometric = decoded.photometricInterpretation().toUpperCase(Locale.ROOT);
        if (f.samplesPerPixel() == 3 && photometric.startsWith("YBR")) {
            if (f.bitsAllocated() != 8) {
                throw new IOException(file + ": exporting " + f.bitsAllocated() + "-bit " + photometric + " as RGB is not supported");
            }
            for (int i = 0; i < count; i += 3) {
                int y = (int) values[i];
                int cb = (int) values[i + 1];
                int cr = (int) values[i + 2];
                values[i] = Colour.ybrToR(y, cr);
                values[i + 1] = Colour.ybrToG(y, cb, cr);
                values[i + 2] = Colour.ybrToB(y, cb);
            }
        }
        String kind = f.signed() ? "i" : "u";
        String dtype = switch (f.bitsAllocated()) {
            case 1 -> "|u1";
            case 8 -> "|" + kind + "1";
            case 16 -> "<" + kind + "2";
            default -> "<" + kind + "4";
        };
        try {
            NpyWriter.write(out, dtype, shape, values);
        } catch (IOException e) {
            throw new OutputException(e);
        }
    }

    private void writeFloatNpy(String dtype, int[] shape, double[] values) throws IOException {
        try {
            NpyWriter.writeFloats(out, dtype, shape, values);
        } catch (IOException e) {
            throw new IOException(out + ": cannot be written (" + e + ")", e);
        }
    }

    private void writePng(FrameFormat f, DecodedFrame decoded, PixelPipeline pipeline) throws IOException {
        BufferedImage image;
        if (pipeline.isColour()) {
            int[] argb = new int[f.rows() * f.columns()];
            pipeline.toArgb(decoded, pipeline.defaultVoi(decoded), argb);
            image = new BufferedImage(f.columns(), f.rows(), BufferedImage.TYPE_INT_RGB);
            image.setRGB(0, 0, f.columns(), f.rows(), argb, 0, f.columns());
        } else {
            byte[] grey = new byte[f.rows() * f.columns()];
            pipeline.toGrey(decoded, pipeline.defaultVoi(decoded), grey);
            image = new BufferedImage(f.columns(), f.rows(), BufferedImage.TYPE_BYTE_GRAY);
            image.getRaster().setDataElements(0, 0, f.columns(), f.rows(), grey);
        }
        try {
            // Encoded in memory, then written by NIO: its exceptions say why a file cannot be written (no such
            // folder, permission denied), where ImageIO only says it could not create a stream.
            java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
            if (!ImageIO.write(image, "png", png)) {
                throw new IOException("no PNG writer available");
            }
            java.nio.file.Files.write(out, png.toByteArray());
        } catch (IOException e) {
            throw new OutputException(e);
        }
    }
}
