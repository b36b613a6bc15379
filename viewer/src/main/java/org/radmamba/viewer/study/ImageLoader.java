package org.radmamba.viewer.study;

import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.ReadLimits;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.FrameFormat;
import org.radmamba.viewer.photo.PhotographReadException;
import org.radmamba.viewer.photo.PhotographReader;
import org.radmamba.viewer.picture.PictureFormats;
import org.radmamba.viewer.pixel.PixelPipeline;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Reads the pixels of an {@link Instance}: DICOM through the port, photographs through ImageIO or, for formats
 * ImageIO does not read, through the {@link PictureFormats} port. Thread-safe.
 */
public final class ImageLoader {

    private final DicomReader reader;
    private final PhotographReader photographs;
    private final PictureFormats pictures;
    private final long maxFrameBytes;

    public ImageLoader(DicomReader reader, ReadLimits limits) {
        this(reader, limits, PictureFormats.NONE);
    }

    /** @param pictures formats beyond ImageIO's photographs (the plugins'), for photographs ImageIO does not read */
    public ImageLoader(DicomReader reader, ReadLimits limits, PictureFormats pictures) {
        this.reader = reader;
        this.photographs = new PhotographReader(limits.maxFrameBytes());
        this.pictures = pictures;
        this.maxFrameBytes = limits.maxFrameBytes();
    }

    /** The standard reader ({@link DicomReaders#standard()}) with default limits. */
    public ImageLoader() {
        this(PictureFormats.NONE);
    }

    /** The standard reader with default limits, and the extra picture formats {@code pictures}. */
    public ImageLoader(PictureFormats pictures) {
        this(DicomReaders.standard(), ReadLimits.DEFAULT, pictures);
    }

    /**
     * @throws IOException              whose message names the file and the reason (unreadable, unsupported
     *                                  transfer syntax, too large)
     * @throws IllegalArgumentException for an instance without pixels ({@link InstanceKind#DICOM_NON_IMAGE})
     */
    public LoadedImage load(Instance instance) throws IOException {
        try {
            return loadOrThrow(instance);
        } catch (OutOfMemoryError e) {
            // One file's failure, like any other: the viewer and the other files go on.
            throw new IOException(instance.file() + ": ran out of memory while being read (the heap is "
                    + (Runtime.getRuntime().maxMemory() >> 20) + " MB)", e);
        }
    }

    private LoadedImage loadOrThrow(Instance instance) throws IOException {
        return switch (instance.kind()) {
            case DICOM_IMAGE -> new DicomImage(instance, reader.open(instance.file()));
            case PHOTOGRAPH -> {
                PhotographReader.Photograph photo = PhotographReader.isPhotograph(instance.file())
                        ? photographs.read(instance.file())
                        : pictures.readPicture(instance.file(), maxFrameBytes).orElseThrow(() -> new PhotographReadException(
                                instance.file(), "is in no picture format RadMamba reads now (was its plugin removed?)"));
                yield new Photo(instance, photo, PixelPipeline.identity(photo.format()));
            }
            case DICOM_NON_IMAGE -> throw new IllegalArgumentException(instance.file() + " has no pixel data to load");
        };
    }

    private static final class DicomImage implements LoadedImage {
        private final Instance instance;
        private final DicomFile file;
        private final FrameFormat format;
        private final boolean perFramePipelines;
        private final AtomicReferenceArray<PixelPipeline> pipelines;

        DicomImage(Instance instance, DicomFile file) throws IOException {
            this.instance = instance;
            this.file = file;
            this.format = file.frameFormat().orElseThrow(() ->
                    new IOException(instance.file() + ": has no pixel data to load"));
            this.perFramePipelines = !file.dataset().sequence(Tag.PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE).isEmpty();
            this.pipelines = new AtomicReferenceArray<>(perFramePipelines ? file.frameCount() : 1);
        }

        @Override public Instance instance() { return instance; }
        @Override public FrameFormat format() { return format; }
        @Override public int frameCount() { return file.frameCount(); }

        @Override
        public DecodedFrame frame(int index) throws IOException {
            return file.frame(index);
        }

        @Override
        public PixelPipeline pipeline(int index) {
            int slot = perFramePipelines ? index : 0;
            PixelPipeline pipeline = pipelines.get(slot);
            if (pipeline == null) {
                pipeline = PixelPipeline.fromDataset(file.dataset(), format, index);
                if (!pipelines.compareAndSet(slot, null, pipeline)) {
                    pipeline = pipelines.get(slot);
                }
            }
            return pipeline;
        }
    }

    private record Photo(Instance instance, PhotographReader.Photograph photograph, PixelPipeline pipeline)
            implements LoadedImage {
        @Override public FrameFormat format() { return photograph.format(); }
        @Override public int frameCount() { return 1; }

        @Override
        public DecodedFrame frame(int index) {
            if (index != 0) {
                throw new IndexOutOfBoundsException("a photograph has one frame, not frame " + index);
            }
            return photograph.frame();
        }

        @Override
        public PixelPipeline pipeline(int index) {
            return pipeline;
        }
    }
}
