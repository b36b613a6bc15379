package org.radmamba.viewer.concurrent;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BackgroundThreadsTest {

    /** The nice value of the calling thread, field 19 of /proc/thread-self/stat (after the command's ")"). */
    private static int niceOfThisThread() throws Exception {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }

    @Test
    void background_threads_are_daemons_that_run_below_the_ui_thread_on_linux() throws Exception {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux"));
        int mine = niceOfThisThread();
        // Lowering to NICE from a higher nice value would be raising the priority, which needs privileges.
        assumeTrue(mine <= BackgroundThreads.NICE);
        CompletableFuture<Integer> nice = new CompletableFuture<>();
        Thread t = BackgroundThreads.factory("test-worker").newThread(() -> {
            try {
                nice.complete(niceOfThisThread());
            } catch (Exception e) {
                nice.completeExceptionally(e);
            }
        });
        assertTrue(t.isDaemon());
        assertEquals("test-worker-1", t.getName());
        t.start();
        assertEquals(BackgroundThreads.NICE, nice.get(10, TimeUnit.SECONDS));
        assertEquals(mine, niceOfThisThread(), "only the background thread was lowered");
    }
}
