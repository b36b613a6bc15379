package org.radmamba.app.cli;

import org.radmamba.app.ai.AiImage;
import org.radmamba.inference.preprocess.ByteImage;
import org.radmamba.inference.segmentation.PixelSpacing;

import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.pixel.PixelPipeline;
import org.radmamba.viewer.picture.PictureFormats;
import org.radmamba.viewer.study.FailedFile;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.LoadedImage;
import org.radmamba.viewer.study.ScanResult;
import org.radmamba.viewer.study.StudyScanner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One frame of a DICOM file, a photograph or a plugin's picture as the 8-bit image a network sees: what the viewer would display,
 * through the viewer's reading API (photographs via ImageIO; DICOM through the port, with the modality LUT and the
 * file's first window, or the frame's full range without one). Monochrome frames keep one sample per pixel,
 * colour frames get three (R, G, B).
 *
 * @param samples      1 (grey) or 3 (RGB), interleaved in {@code pixels}
 * @param pixelSpacing (row, column) spacing in mm from the DICOM header; empty for photographs
 */
public record SourceImage(Path file, int width, int height, int samples, byte[] pixels, Optional<double[]> pixelSpacing) {

    /**
     * Reads frame {@code frameIndex} (0-based) of {@code file}.
     *
     * @throws IOException whose message is one sentence naming the file and what is wrong
     */
    public static SourceImage read(Path file, int frameIndex) throws IOException {
        return read(file, frameIndex, PictureFormats.NONE);
    }

    /**
     * Reads frame {@code frameIndex} (0-based) of {@code file}, which may also be a picture of one of the extra
     * formats {@code pictures} (the plugins' image sources).
     *
     * @throws IOException whose message is one sentence naming the file and what is wrong
     */
    public static SourceImage read(Path file, int frameIndex, PictureFormats pictures) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        ScanResult scan = new StudyScanner(pictures).scan(List.of(file));
        List<Instance> instances = scan.instances();
        if (instances.isEmpty()) {
            String reason = scan.failures().stream().map(FailedFile::message).findFirst()
                    .orElse(file + ": neither a DICOM file nor a photograph");
            throw new IOException(reason);
        }
        Instance instance = instances.get(0);
        if (!instance.isImage()) {
            throw new IOException(file + ": the DICOM object has no image (" + instance.sopClassUid() + ")");
        }
        LoadedImage image = new ImageLoader(pictures).load(instance);
        if (frameIndex < 0 || frameIndex >= image.frameCount()) {
            throw new IOException(file + ": has " + image.frameCount() + " frame(s), no frame " + frameIndex);
        }
        DecodedFrame frame = image.frame(frameIndex);
        PixelPipeline pipeline = image.pipeline(frameIndex);
        int width = image.format().columns();
        int height = image.format().rows();
        int pixels = Math.multiplyExact(width, height);
        Optional<double[]> spacing = instance.geometry().map(g -> g.pixelSpacing())
                .filter(s -> s != null && s.length == 2 && s[0] > 0 && s[1] > 0);
        if (!pipeline.isColour()) {
            byte[] grey = new byte[pixels];
            pipeline.toGrey(frame, pipeline.defaultVoi(frame), grey);
            return new SourceImage(file, width, height, 1, grey, spacing);
        }
        int[] argb = new int[pixels];
        pipeline.toArgb(frame, pipeline.defaultVoi(frame), argb);
        byte[] rgb = new byte[3 * pixels];
        for (int i = 0; i < pixels; i++) {
            rgb[3 * i] = (byte) (argb[i] >> 16);
            rgb[3 * i + 1] = (byte) (argb[i] >> 8);
            rgb[3 * i + 2] = (byte) argb[i];
        }
        return new SourceImage(file, width, height, 3, rgb, spacing);
    }

    /** This image as the model path takes it, named by its file. */
    public AiImage asAiImage() {
        return new AiImage(file.toString(), new ByteImage(width, height, samples, pixels),
                pixelSpacing.map(s -> new PixelSpacing(s[0], s[1])));
    }
}
