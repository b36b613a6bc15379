package org.radmamba.viewer.concurrent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for background work (decoding, header scans) that yield the CPU to the UI thread and the renderer.
 * Java thread priorities are ignored on Linux (HotSpot's default {@code ThreadPriorityPolicy}), so there each
 * thread also lowers its own nice value through {@code setpriority}: on a 2-core machine two decoding threads at
 * the same nice value as the JavaFX thread take half of its CPU time, and every pulse takes twice as long.
 * Lowering one's own priority needs no privilege; where it fails, the thread runs at normal priority.
 */
public final class BackgroundThreads {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundThreads.class);
    /** Nice value of background threads on Linux: CFS gives a nice-0 thread ~9 times the CPU of a nice-10 one. */
    static final int NICE = 10;
    private static final MethodHandle SET_PRIORITY = linuxSetPriority();

    private BackgroundThreads() {
    }

    /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ... at background priority. */
    public static ThreadFactory factory(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return r -> {
            Thread t = new Thread(() -> {
                lowerCurrentThread();
                r.run();
            }, prefix + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            // Honoured on Windows and macOS; on Linux the nice value above does the work.
            t.setPriority(Thread.MIN_PRIORITY);
            return t;
        };
    }

    /** Lowers the calling thread's scheduling priority (Linux: its nice value); false when that was not possible. */
    public static boolean lowerCurrentThread() {
        if (SET_PRIORITY == null) {
            return false;
        }
        try {
            // PRIO_PROCESS (0) with who = 0: on Linux the nice value is per thread, and this is the calling one.
            return (int) SET_PRIORITY.invokeExact(0, 0, NICE) == 0;
        } catch (Throwable e) {
            LOG.debug("setpriority failed; the thread keeps its priority", e);
            return false;
        }
    }

    private static MethodHandle linuxSetPriority() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            // On macOS setpriority(PRIO_PROCESS, 0) would lower the whole process, the UI included.
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("setpriority")
                    .map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)))
                    .orElse(null);
        } catch (RuntimeException e) {
            // E.g. native access denied (--enable-native-access missing under --illegal-native-access=deny).
            LOG.info("Background threads run at normal priority: {}", e.toString());
            return null;
        }
    }
}
