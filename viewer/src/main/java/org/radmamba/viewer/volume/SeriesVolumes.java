package org.radmamba.viewer.volume;

import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.FrameMemory;
import org.radmamba.viewer.study.DecodedImage;
import org.radmamba.viewer.study.ImageGeometry;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Series;
import org.radmamba.viewer.study.ImagePlane;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.LoadedImage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The slices of a loaded series, for a {@link Volume}: each frame of each image, with its geometry. A single-frame
 * image's geometry is the scan's ({@link Instance#geometry()}); an enhanced multi-frame image's frames each have
 * their own position (Per-frame Functional Groups), read from its header here, once.
 */
public final class SeriesVolumes {

    private SeriesVolumes() {
    }

    /**
     * Reads and decodes every image of {@code series} into one series' slabs of memory (as the viewer holds a
     * loaded series) and makes them a volume. A file that cannot be decoded is left out, told to {@code skipped} with
     * its reason, and becomes a gap (a missing slice) of the volume.
     */
    public static Volume read(Series series, ImageLoader loader, DicomReader reader, Consumer<String> skipped)
            throws NotAVolumeException {
        List<Instance> images = series.instances().stream().filter(Instance::isImage).toList();
        FrameMemory memory = new FrameMemory(images.stream().mapToInt(Instance::frameCount).sum());
        List<DecodedImage> decoded = new ArrayList<>();
        for (Instance instance : images) {
            try {
                decoded.add(memory.call(() -> DecodedImage.of(loader.load(instance))));
            } catch (IOException e) {
                String message = e.getMessage() == null ? "cannot be read" : e.getMessage();
                skipped.accept(message.startsWith(instance.file().toString()) ? message : instance.file() + ": " + message);
            }
        }
        return Volume.of(slices(decoded, reader));
    }

    /**
     * The slices of {@code images} without pixels, every frame of each image in turn: a volume of them is
     * {@link Volume#fill filled} slice by slice as the series loads. A single-frame image's geometry is the scanned
     * one; an enhanced multi-frame image's frames each have their own position in its header, read here (disk I/O:
     * call off the UI thread when any image is multi-frame).
     *
     * @param reader reads multi-frame headers; null when every image is single-frame
     * @throws NotAVolumeException for an image in colour, without geometry, or whose header cannot be read
     */
    public static List<VolumeSlice> outline(List<Instance> images, DicomReader reader) throws NotAVolumeException {
        List<VolumeSlice> slices = new ArrayList<>();
        for (Instance instance : images) {
            String name = String.valueOf(instance.file().getFileName());
            String photometric = instance.photometricInterpretation();
            if (!photometric.startsWith("MONOCHROME")) {
                throw new NotAVolumeException(name + ": colour images (" + photometric + ") are not a volume of values");
            }
            if (instance.frameCount() == 1) {
                ImageGeometry g = instance.geometry().orElseThrow(() -> new NotAVolumeException(name + ": has no image geometry"));
                slices.add(new VolumeSlice(name, g.imagePositionPatient(), g.imageOrientationPatient(), g.pixelSpacing(),
                        g.rows(), g.columns(), null, null));
                continue;
            }
            if (reader == null) {
                throw new NotAVolumeException(name + ": a multi-frame image needs its header read for its frames' positions");
            }
            try {
                DicomDataset header = reader.readHeader(instance.file()).dataset();
                int rows = header.integer(Tag.ROWS, 0);
                int columns = header.integer(Tag.COLUMNS, 0);
                for (int f = 0; f < instance.frameCount(); f++) {
                    slices.add(new VolumeSlice(name + " frame " + (f + 1), ImagePlane.position(header, f + 1).orElse(null),
                            ImagePlane.orientation(header, f + 1).orElse(null),
                            ImagePlane.pixelSpacing(header, f + 1).orElse(null), rows, columns, null, null));
                }
            } catch (DicomReadException e) {
                throw new NotAVolumeException(name + ": " + e.reason());
            }
        }
        return slices;
    }

    /**
     * @param images  the series' loaded images, in any order (a failed file is left out by the caller)
     * @param reader  reads the header of a multi-frame image for its frames' positions
     * @throws NotAVolumeException when a frame cannot be read or a multi-frame header not reread (the reason)
     */
    public static List<VolumeSlice> slices(List<? extends LoadedImage> images, DicomReader reader)
            throws NotAVolumeException {
        List<VolumeSlice> slices = new ArrayList<>();
        for (LoadedImage image : images) {
            Instance instance = image.instance();
            String name = String.valueOf(instance.file().getFileName());
            try {
                if (image.frameCount() == 1) {
                    ImageGeometry g = instance.geometry().orElseThrow(() ->
                            new NotAVolumeException(name + ": has no image geometry"));
                    slices.add(new VolumeSlice(name, g.imagePositionPatient(), g.imageOrientationPatient(),
                            g.pixelSpacing(), image.format().rows(), image.format().columns(), image.frame(0),
                            image.pipeline(0)));
                    continue;
                }
                DicomDataset header = reader.readHeader(instance.file()).dataset();
                for (int f = 0; f < image.frameCount(); f++) {
                    slices.add(new VolumeSlice(name + " frame " + (f + 1),
                            ImagePlane.position(header, f + 1).orElse(null),
                            ImagePlane.orientation(header, f + 1).orElse(null),
                            ImagePlane.pixelSpacing(header, f + 1).orElse(null), image.format().rows(),
                            image.format().columns(), image.frame(f), image.pipeline(f)));
                }
            } catch (DicomReadException e) {
                throw new NotAVolumeException(name + ": " + e.reason());
            } catch (IOException e) {
                throw new NotAVolumeException(e.getMessage());
            }
        }
        return slices;
    }
}
