package org.radmamba.viewer.study;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.FrameFormat;
import org.radmamba.viewer.dicom.codec.Samples;
import org.radmamba.viewer.fx.service.DicomStudyService;
import org.radmamba.viewer.pixel.PixelPipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecodedImageTest {

    @TempDir
    Path folder;

    private LoadedImage loadedCtSlice() throws IOException {
        DemoStudy.generate(folder, new DemoStudy.Spec(32, 2, 1.0, 5, 0, false));
        DicomStudyService service = new DicomStudyService();
        Instance instance = service.scan(List.of(folder)).patients().getFirst().studies().getFirst().series()
                .getFirst().instances().getFirst();
        return service.load(instance);
    }

    @Test
    void every_frame_is_decoded_with_its_pipeline() throws Exception {
        LoadedImage loaded = loadedCtSlice();
        DecodedImage decoded = DecodedImage.of(loaded);

        assertEquals(loaded.instance(), decoded.instance());
        assertEquals(loaded.format(), decoded.format());
        assertEquals(1, decoded.frameCount());
        assertArrayEquals(((Samples.Shorts) loaded.frame(0).samples()).toArray(),
                ((Samples.Shorts) decoded.frame(0).samples()).toArray());
        assertSame(loaded.pipeline(0), decoded.pipeline(0), "the loaded image's pipeline, resolved once");
        assertEquals("HU", decoded.pipeline(0).units());
    }

    @Test
    void a_header_the_pipeline_cannot_use_fails_the_image_with_its_file_and_the_reason() throws Exception {
        LoadedImage loaded = loadedCtSlice();
        LoadedImage unusable = new LoadedImage() {
            @Override public Instance instance() { return loaded.instance(); }
            @Override public FrameFormat format() { return loaded.format(); }
            @Override public int frameCount() { return 1; }
            @Override public DecodedFrame frame(int index) throws IOException { return loaded.frame(index); }

            @Override
            public PixelPipeline pipeline(int index) {
                throw new IllegalArgumentException("VOI LUT Sequence item without LUT Data");
            }
        };

        IOException e = assertThrows(IOException.class, () -> DecodedImage.of(unusable));
        assertTrue(e.getMessage().contains(loaded.instance().file().toString())
                && e.getMessage().contains("VOI LUT Sequence item without LUT Data"), e.getMessage());
    }
}
