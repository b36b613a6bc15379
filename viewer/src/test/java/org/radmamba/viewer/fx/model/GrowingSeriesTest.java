package org.radmamba.viewer.fx.model;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.fx.service.DicomStudyService;
import org.radmamba.viewer.fx.settings.MemoryStore;
import org.radmamba.viewer.fx.settings.ViewerSettings;
import org.radmamba.viewer.fx.task.CurrentThreadTaskExecutor;
import org.radmamba.viewer.study.LoadedImage;
import org.testfx.api.FxToolkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A series that reaches the browser in parts (a PACS retrieve hands it over batch by batch) grows into one entry: the
 * viewport stays on the image it shows, what was decoded is kept, and every slice ends up decoded from its own file. A
 * copy of the series in another folder still shows as an entry of its own, and the same files opened again once.
 */
class GrowingSeriesTest {

    private static final DemoStudy.Spec SPEC = new DemoStudy.Spec(64, 6, 2.0, 4, 0, false);

    @TempDir
    Path folder;

    @BeforeAll
    static void toolkit() throws Exception {
        // Thumbnails are JavaFX images: the toolkit (headless Monocle), not a window.
        FxToolkit.registerPrimaryStage();
    }

    private ViewerViewModel viewModel() {
        return new ViewerViewModel(new DicomStudyService(), new CurrentThreadTaskExecutor(),
                new ViewerSettings(new MemoryStore()), () -> folder);
    }

    @Test
    void a_series_opened_in_two_batches_is_one_entry_and_the_viewport_keeps_its_image() throws Exception {
        List<Path> files = DemoStudy.generate(folder.resolve("study"), SPEC).stream()
                .filter(f -> f.toString().endsWith(".dcm")).sorted().toList();
        assertEquals(6, files.size());
        ViewerViewModel vm = viewModel();

        vm.openReceived(List.of(files.get(4), files.get(1)));
        SeriesEntry first = vm.series().getFirst();
        ViewportViewModel viewport = vm.viewport(0);
        assertSame(first, viewport.seriesProperty().get());
        viewport.setSlice(1);
        Path shownFile = viewport.instanceProperty().get().file();
        LoadedImage shownImage = vm.images(first, 0).image(1);
        assertNotNull(shownImage);

        vm.openReceived(List.of(files.get(0), files.get(2), files.get(3), files.get(5)));

        assertEquals(1, vm.series().size(), "one entry: " + vm.series());
        SeriesEntry grown = vm.series().getFirst();
        assertEquals(6, grown.series().instances().size());
        assertEquals(first.study().studyInstanceUid(), grown.study().studyInstanceUid(), "one study in the browser");
        assertEquals(List.of(grown.series()), grown.study().series(), "its row lists the grown series");
        assertSame(grown, viewport.seriesProperty().get());
        assertEquals(6, viewport.sliceCountProperty().get());
        assertEquals(shownFile, viewport.instanceProperty().get().file(), "the viewport stays on its image");
        SeriesImages images = vm.images(grown, 0);
        assertTrue(images.isComplete());
        int kept = viewport.sliceProperty().get();
        assertSame(shownImage, images.image(kept), "decoded once, kept when the series grew");
        // Every slice is its own file's pixels: decoded afresh, slice by slice, from the file the entry names.
        DicomStudyService service = new DicomStudyService();
        for (int s = 0; s < grown.slices().size(); s++) {
            DecodedFrame fresh = service.load(grown.instance(grown.slices().get(s).instanceIndex())).frame(0);
            org.junit.jupiter.api.Assertions.assertArrayEquals(samples(fresh), samples(images.frame(s)), "slice " + s);
        }

        vm.openReceived(List.of(files.get(2)));
        assertEquals(1, vm.series().size(), "the same file again changes nothing");
        assertSame(grown, vm.series().getFirst());
    }

    @Test
    void a_copy_of_a_series_in_another_folder_is_an_entry_of_its_own() throws Exception {
        Path original = folder.resolve("original");
        List<Path> files = DemoStudy.generate(original, SPEC);
        Path copy = Files.createDirectories(folder.resolve("copy"));
        for (Path f : files) {
            Path target = copy.resolve(original.relativize(f));
            Files.createDirectories(target.getParent());
            Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
        ViewerViewModel vm = viewModel();
        vm.open(List.of(original));
        vm.open(List.of(copy));
        assertEquals(2, vm.series().size());
        vm.open(List.of(original));
        assertEquals(2, vm.series().size(), "the same folder again shows once");
    }

    private static int[] samples(DecodedFrame frame) {
        int[] raw = new int[frame.samples().length()];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = frame.samples().rawBits(i);
        }
        return raw;
    }
}
