package org.radmamba.app.ai;

import org.radmamba.inference.preprocess.ByteImage;
import org.radmamba.inference.segmentation.PixelSpacing;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.pixel.PixelPipeline;
import org.radmamba.viewer.pixel.Voi;
import org.radmamba.viewer.picture.PictureFormats;
import org.radmamba.viewer.study.FailedFile;
import org.radmamba.viewer.study.ImageGeometry;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.LoadedImage;
import org.radmamba.viewer.study.ScanResult;
import org.radmamba.viewer.study.StudyScanner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The viewer's images as models see them: the 8-bit picture the viewer displays. A DICOM frame goes through its
 * modality LUT and the given VOI (the one on screen), else the file's first window (else the frame's full range);
 * a colour frame or photograph becomes RGB. The cache id is the SOP Instance UID (or file) and frame, plus the
 * window when it is not the default one, since another window is another input.
 */
public final class ViewerImages {

    private final ImageLoader loader;

    public ViewerImages(ImageLoader loader) {
        this.loader = loader;
    }

    /**
     * The identity of frame {@code frameIndex} (0-based) of an instance, by its SOP Instance UID (or file): what
     * results and overlays are kept under, whether they come from a model or from a DICOM Segmentation.
     */
    public static String imageId(String instance, int frameIndex) {
        return instance + "#" + frameIndex;
    }

    /** One frame as a lazily read {@link ImageSource}, rendered with {@code voi} or the default window. */
    public ImageSource source(Instance instance, int frame, Optional<Voi> voi) {
        String base = imageId(instance.sopInstanceUid() == null || instance.sopInstanceUid().isEmpty()
                ? instance.file().toString() : instance.sopInstanceUid(), frame);
        String id = voi.map(v -> base + "@" + voiKey(v)).orElse(base);
        return new ImageSource(id, instance.file().getFileName() + (instance.frameCount() > 1 ? " [" + (frame + 1) + "]" : ""),
                () -> read(instance, frame, voi, id));
    }

    private static String voiKey(Voi voi) {
        return switch (voi) {
            case Voi.Window w -> w.center() + "/" + w.width() + "/" + w.function();
            case Voi.Lut lut -> "lut:" + lut.explanation();
        };
    }

    /**
     * Frame {@code frameIndex} (0-based) of one file (a DICOM file, a photograph, or a picture of one of the extra
     * formats {@code pictures}, the plugins' image sources) as the viewer displays it with its default window: the
     * command line's input, named by the file.
     *
     * @throws IOException whose message is one sentence naming the file and what is wrong
     */
    public static AiImage readFile(Path file, int frameIndex, PictureFormats pictures) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        ScanResult scan = new StudyScanner(pictures).scan(List.of(file));
        if (scan.instances().isEmpty()) {
            throw new IOException(scan.failures().stream().map(FailedFile::message).findFirst()
                    .orElse(file + ": neither a DICOM file nor a photograph"));
        }
        Instance instance = scan.instances().getFirst();
        if (!instance.isImage()) {
            throw new IOException(file + ": the DICOM object has no image (" + instance.sopClassUid() + ")");
        }
        return new ViewerImages(new ImageLoader(pictures)).read(instance, frameIndex, Optional.empty(), file.toString());
    }

    /** Every frame of {@code instances}, in display order, with their default windows. */
    public List<ImageSource> sources(List<Instance> instances) {
        List<ImageSource> out = new ArrayList<>();
        for (Instance instance : instances) {
            if (instance.isImage()) {
                for (int f = 0; f < Math.max(1, instance.frameCount()); f++) {
                    out.add(source(instance, f, Optional.empty()));
                }
            }
        }
        return out;
    }

    private AiImage read(Instance instance, int frameIndex, Optional<Voi> voi, String id) throws IOException {
        LoadedImage image = loader.load(instance);
        if (frameIndex < 0 || frameIndex >= image.frameCount()) {
            throw new IOException(instance.file() + ": has " + image.frameCount() + " frame(s), no frame " + frameIndex);
        }
        DecodedFrame frame = image.frame(frameIndex);
        PixelPipeline pipeline = image.pipeline(frameIndex);
        int width = image.format().columns();
        int height = image.format().rows();
        int pixels = Math.multiplyExact(width, height);
        Voi window = voi.orElseGet(() -> pipeline.defaultVoi(frame));
        Optional<PixelSpacing> spacing = spacing(instance);
        if (!pipeline.isColour()) {
            byte[] grey = new byte[pixels];
            pipeline.toGrey(frame, window, grey);
            return new AiImage(id, new ByteImage(width, height, 1, grey), spacing);
        }
        int[] argb = new int[pixels];
        pipeline.toArgb(frame, window, argb);
        byte[] rgb = new byte[3 * pixels];
        for (int i = 0; i < pixels; i++) {
            rgb[3 * i] = (byte) (argb[i] >> 16);
            rgb[3 * i + 1] = (byte) (argb[i] >> 8);
            rgb[3 * i + 2] = (byte) argb[i];
        }
        return new AiImage(id, new ByteImage(width, height, 3, rgb), spacing);
    }

    /** Pixel Spacing (row, column) in mm, when the header states a positive one. */
    static Optional<PixelSpacing> spacing(Instance instance) {
        return instance.geometry().map(ImageGeometry::pixelSpacing)
                .filter(s -> s != null && s.length == 2 && s[0] > 0 && s[1] > 0)
                .map(s -> new PixelSpacing(s[0], s[1]));
    }

    /**
     * The distance between slices of a series in mm: the median step of the image positions along the slice
     * normal, else the slice thickness; empty when neither is known.
     */
    public static OptionalDouble sliceSpacing(List<Instance> instances) {
        List<Double> positions = new ArrayList<>();
        for (Instance i : instances) {
            i.geometry().flatMap(ImageGeometry::positionAlongNormal).ifPresent(positions::add);
        }
        if (positions.size() >= 2) {
            positions.sort(Double::compare);
            double[] steps = new double[positions.size() - 1];
            for (int k = 1; k < positions.size(); k++) {
                steps[k - 1] = positions.get(k) - positions.get(k - 1);
            }
            java.util.Arrays.sort(steps);
            double median = steps[steps.length / 2];
            if (median > 0) {
                return OptionalDouble.of(median);
            }
        }
        return instances.stream().flatMap(i -> i.geometry().stream()).mapToDouble(ImageGeometry::sliceThickness)
                .filter(t -> t > 0).findFirst();
    }
}
