package org.radmamba.app.batch;

import org.junit.jupiter.api.Test;
import org.radmamba.app.ai.ModelTask;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The one rule for an image in two files, both ways: as {@code radmamba batch} meets its files (in list order) and as
 * the Spark job reduces its rows (in any order): the same rows kept, those of the file listed first.
 */
class OneRowPerImageTest {

    private static final ModelIdentity MODEL = new ModelIdentity("medmamba_tiny.pth", "ab".repeat(32),
            ModelTask.CLASSIFICATION, List.of("class_0", "class_1", "class_2"));

    /** A row of the file at {@code position} in the list. */
    private record Made(int position, BatchRecord row) {
    }

    private static Made row(int position, String path, String imageKey, int frame) {
        return new Made(position, BatchRecord.failed(new ImageKey(imageKey, frame, null, null, null), path, MODEL,
                "a reason"));
    }

    /** The rows of a run's files, in list order: copies, one instance in two files, a frame already written. */
    private static final List<Made> IN_LIST_ORDER = List.of(
            row(0, "/z/slice.dcm", "2.25.1", 1),
            row(1, "/z/short-pixels.dcm", "2.25.2", 1),
            row(2, "/a/slice.dcm", "2.25.1", 1),
            row(3, "/a/whole.dcm", "2.25.2", 1),
            row(4, "/a/multi.dcm", "2.25.3", 1),
            row(4, "/a/multi.dcm", "2.25.3", 2),
            row(5, "/b/multi-frame-2-only.dcm", "2.25.3", 2),
            row(6, "/b/truncated.dcm", "sha256:" + "0".repeat(64), 0),
            row(7, "/c/truncated.dcm", "sha256:" + "0".repeat(64), 0),
            row(8, "/c/written-before.dcm", "2.25.9", 1));

    private static final Set<BatchRecord.DoneKey> WRITTEN_BEFORE =
            Set.of(new BatchRecord.DoneKey("2.25.9", 1, MODEL.checkpointSha256()));

    private static final List<String> KEPT = List.of("/z/slice.dcm#1", "/z/short-pixels.dcm#1", "/a/multi.dcm#1",
            "/a/multi.dcm#2", "/b/truncated.dcm#0");

    @Test
    void in_list_order_the_first_row_of_each_image_is_kept_and_the_folders_rows_are_skipped() {
        OneRowPerImage.InListOrder images = new OneRowPerImage.InListOrder(WRITTEN_BEFORE);
        List<String> kept = new ArrayList<>();
        for (Made m : IN_LIST_ORDER) {
            if (images.keep(m.row())) {
                kept.add(id(m.row()));
            }
        }
        assertEquals(KEPT, kept);
        assertEquals(true, images.met(new BatchRecord.DoneKey("2.25.3", 2, MODEL.checkpointSha256())));
        assertEquals(false, images.met(new BatchRecord.DoneKey("2.25.3", 3, MODEL.checkpointSha256())));
    }

    @Test
    void reduced_in_any_order_the_rows_kept_are_those_kept_in_list_order() {
        for (long seed = 0; seed < 20; seed++) {
            List<Made> shuffled = new ArrayList<>(IN_LIST_ORDER);
            Collections.shuffle(shuffled, new Random(seed));
            Map<BatchRecord.DoneKey, OneRowPerImage.Placed<String>> byImage = new HashMap<>();
            for (Made m : shuffled) {
                if (WRITTEN_BEFORE.contains(m.row().doneKey())) {
                    continue; // the job leaves out the output's rows before it reduces
                }
                byImage.merge(m.row().doneKey(), new OneRowPerImage.Placed<>(m.position(), id(m.row())),
                        OneRowPerImage::kept);
            }
            assertEquals(KEPT.stream().sorted().toList(),
                    byImage.values().stream().map(OneRowPerImage.Placed::row).sorted().toList(), "seed " + seed);
        }
    }

    @Test
    void of_two_rows_the_earlier_files_is_kept_whichever_comes_first() {
        OneRowPerImage.Placed<String> earlier = new OneRowPerImage.Placed<>(3, "earlier");
        OneRowPerImage.Placed<String> later = new OneRowPerImage.Placed<>(10, "later");
        assertSame(earlier, OneRowPerImage.kept(earlier, later));
        assertSame(earlier, OneRowPerImage.kept(later, earlier));
    }

    private static String id(BatchRecord r) {
        return r.path() + "#" + r.key().frame();
    }
}
