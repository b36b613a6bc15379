package org.radmamba.app.cli;

import org.junit.jupiter.api.Test;
import org.radmamba.app.batch.BatchRun;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BatchProgressLineTest {

    @Test
    void the_progress_line_shows_files_rate_failures_and_time_left() {
        // 300 of 1000 files in 10 s: 30 files/s, so 700 left take 23 s; 100 images made: 10 images/s.
        assertEquals("[#########.....................] 300/1000 files  10.0 images/s  3 failed  ETA 0:23 ",
                BatchCommand.ProgressLine.line(new BatchRun.Progress(300, 1000, 97, 3, 0, 10), 30));
        assertEquals("[..............................] 0/1000 files  0.0 images/s  0 failed  ETA --:-- ",
                BatchCommand.ProgressLine.line(new BatchRun.Progress(0, 1000, 0, 0, 0, 0), 30));
    }
}
