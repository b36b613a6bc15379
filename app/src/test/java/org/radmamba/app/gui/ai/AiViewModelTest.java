package org.radmamba.app.gui.ai;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.ai.ClassificationResult;
import org.radmamba.app.ai.ImageSource;
import org.radmamba.viewer.fx.overlay.LabelMaskImage;
import org.radmamba.viewer.fx.task.CurrentThreadTaskExecutor;
import org.radmamba.viewer.fx.task.TaskHandle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The AI view model without a screen: results are kept by image, the one shown is that of the active image, and
 * a result that arrives for an image no longer shown is kept for it but not shown.
 */
class AiViewModelTest {

    @TempDir
    Path temp;

    private static final AiViewModel.ImageScope NO_IMAGES = new AiViewModel.ImageScope() {
        @Override
        public ImageSource current() {
            return null;
        }

        @Override
        public List<ImageSource> series() {
            return List.of();
        }

        @Override
        public List<ImageSource> study() {
            return List.of();
        }

        @Override
        public OptionalDouble sliceSpacing() {
            return OptionalDouble.empty();
        }

        @Override
        public void show(String sourceId) {
            throw new AssertionError("nothing to show");
        }
    };

    private final AiViewModel viewModel = new AiViewModel(new CurrentThreadTaskExecutor(), NO_IMAGES);

    private static ClassificationResult classification(String imageId, double normal) {
        return new ClassificationResult(imageId, "demo", "Demo — demo model — not for diagnosis",
                List.of("normal", "nodule"), new float[] {0, 0}, new double[] {normal, 1 - normal});
    }

    @Test
    void a_result_is_shown_while_its_image_is_active_and_only_then() {
        viewModel.activeImageProperty().set("ct,0");
        ClassificationResult ct = classification("ct,0", 0.9);
        viewModel.record(ct);
        assertSame(ct, viewModel.shownProperty().get().classification());

        viewModel.activeImageProperty().set("photo,0");
        assertNull(viewModel.shownProperty().get().classification(), "the photograph has no result of its own");
        assertEquals("", viewModel.shownProperty().get().cornerText());

        viewModel.activeImageProperty().set("ct,0");
        assertSame(ct, viewModel.shownProperty().get().classification(), "the CT's result comes back with the CT");

        viewModel.activeImageProperty().set(null);
        assertNull(viewModel.shownProperty().get().classification(), "no image, no result");
    }

    @Test
    void results_are_kept_per_image_and_each_image_shows_its_own() {
        ClassificationResult ct = classification("ct,0", 0.9);
        ClassificationResult photo = classification("photo,0", 0.2);
        viewModel.record(ct);
        viewModel.record(photo);
        assertSame(ct, viewModel.resultsOf("ct,0").classification());
        assertSame(photo, viewModel.resultsOf("photo,0").classification());
        viewModel.activeImageProperty().set("photo,0");
        assertSame(photo, viewModel.shownProperty().get().classification());
        assertTrue(viewModel.shownProperty().get().cornerText().startsWith("nodule 80.0 %\n"),
                viewModel.shownProperty().get().cornerText());
        assertEquals(List.of(ct, photo), viewModel.resultsOf(List.of("ct,0", "photo,0")));
    }

    @Test
    void a_job_finishing_for_an_image_no_longer_shown_does_not_show() {
        viewModel.activeImageProperty().set("ct,0");
        // The user moved to the photograph while the CT's job ran.
        viewModel.activeImageProperty().set("photo,0");
        viewModel.record(classification("ct,0", 0.9));
        assertNull(viewModel.shownProperty().get().classification());
        assertEquals(0.9, viewModel.resultsOf("ct,0").classification().probabilities()[0], 0);
    }

    @Test
    void a_result_made_with_a_window_belongs_to_its_image() {
        // The image source id of a run with a window names the window; the result belongs to the image.
        viewModel.setImageKeyOfSource(id -> id.replaceFirst("@.*", ""));
        viewModel.activeImageProperty().set("ct,0");
        viewModel.record(classification("ct,0@40/400", 0.7));
        assertEquals(0.7, viewModel.shownProperty().get().classification().probabilities()[0], 0);
    }

    @Test
    void a_mask_read_from_a_segmentation_shows_over_its_image_and_every_change_is_announced() {
        List<String> announced = new ArrayList<>();
        viewModel.setOnResultsChanged(() -> announced.add("changed"));
        LabelMaskImage mask = new LabelMaskImage(2, 1, new byte[] {0, 1}, List.of("lesion"));
        viewModel.recordMask("seg-source,0", mask);
        assertEquals(1, announced.size());
        assertNull(viewModel.shownProperty().get().mask());
        viewModel.activeImageProperty().set("seg-source,0");
        assertSame(mask, viewModel.shownProperty().get().mask());
    }

    @Test
    void the_volumes_of_a_series_run_show_with_each_of_its_images_only() {
        viewModel.recordVolumes(List.of("ct,0", "ct,1"), "Over 2 images:\nliver: 12.0 mm³ (0.01 mL)");
        viewModel.activeImageProperty().set("ct,1");
        assertEquals("Over 2 images:\nliver: 12.0 mm³ (0.01 mL)", viewModel.shownProperty().get().volumes());
        viewModel.activeImageProperty().set("photo,0");
        assertEquals("", viewModel.shownProperty().get().volumes());
    }

    @Test
    void the_overlay_toggle_flips_visibility_only() {
        var before = viewModel.overlayStyleProperty().get();
        viewModel.toggleOverlay();
        assertFalse(viewModel.overlayStyleProperty().get().visible());
        assertEquals(before.opacity(), viewModel.overlayStyleProperty().get().opacity());
        viewModel.toggleOverlay();
        assertEquals(before, viewModel.overlayStyleProperty().get());
    }

    @Test
    void an_export_reports_its_line_or_why_nothing_was_saved() throws Exception {
        Path target = temp.resolve("out.txt");
        TaskHandle written = viewModel.write(() -> {
            Files.writeString(target, "x");
            return "Saved to " + target;
        }, "test export");
        assertTrue(written.isDone());
        assertEquals("Saved to " + target, viewModel.statusProperty().get());
        assertEquals("x", Files.readString(target));

        viewModel.write(() -> {
            throw new IOException("Disk full");
        }, "test export");
        assertEquals("Not saved: Disk full", viewModel.statusProperty().get());
    }
}
