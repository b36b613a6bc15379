package org.radmamba.app.batch;

import java.io.Serializable;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The rule for an image met in more than one file of a run (a copy of a file, the same instance in two folders): the
 * run writes one row for it, the row of the file that comes first in the run's file list ({@link BatchInputs}'
 * order), and skips the others as done, without a row or a message of their own (the summary counts them with the
 * skipped). Two rows are of the same image when their {@link BatchRecord#doneKey() resume keys} are equal (SOP
 * Instance UID, else the file's SHA-256; frame; checkpoint), the key that also tells a row the results folder
 * already holds.
 *
 * <p>One rule, applied two ways: {@code radmamba batch} meets its files in list order, so of each key the first row
 * it meets is the one kept ({@link InListOrder}); the Spark job runs its files out of order on many executors and
 * reduces each key's rows to one with {@link #kept}, on the executors. The rows of one file have distinct keys (one
 * per frame, or one for the whole file), so the file's place decides alone.
 */
public final class OneRowPerImage {

    private OneRowPerImage() {
    }

    /**
     * A row and the place of its file in the run's file list (0 for the first file).
     *
     * @param <R> the row's form (a {@link BatchRecord}, a Spark row)
     */
    public record Placed<R extends Serializable>(int filePosition, R row) implements Serializable {
        public Placed {
            if (filePosition < 0) {
                throw new IllegalArgumentException("a file's place in the list starts at 0, was " + filePosition);
            }
        }
    }

    /** Of two rows of the same image, the one the run writes: the row of the file listed first. */
    public static <R extends Serializable> Placed<R> kept(Placed<R> a, Placed<R> b) {
        return b.filePosition() < a.filePosition() ? b : a;
    }

    /**
     * The rule where the files come in list order: the images met so far (those the results folder held before the
     * run included); a row is kept when it is the first of its image.
     */
    public static final class InListOrder {
        private final Set<BatchRecord.DoneKey> met;

        /** @param alreadyWritten the rows the results folder holds: their images are skipped like copies */
        public InListOrder(Collection<BatchRecord.DoneKey> alreadyWritten) {
            this.met = new HashSet<>(alreadyWritten);
        }

        /** Whether a row of this image was met: the frame need not be run. */
        public boolean met(BatchRecord.DoneKey image) {
            return met.contains(image);
        }

        /** Whether {@code row}, of the file after those met so far, is written: the first row of its image. */
        public boolean keep(BatchRecord row) {
            return met.add(row.doneKey());
        }
    }
}
