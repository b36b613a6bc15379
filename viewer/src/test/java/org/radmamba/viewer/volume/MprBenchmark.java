package org.radmamba.viewer.volume;

import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.SyntheticCtSeries;
import org.radmamba.viewer.dicom.codec.FrameMemory;
import org.radmamba.viewer.study.DecodedImage;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.pixel.Voi;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Series;
import org.radmamba.viewer.study.StudyScanner;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * MPR benchmark (a {@code main}, not a test; figures in docs/performance.md): on a generated 512×512×N 16-bit CT
 * series (SyntheticCtSeries, 1 mm slices), loaded as the viewer and {@code radmamba reformat} load it, times an
 * orthogonal plane rendered (reformat + window to 8-bit grey, what the MPR view model does before handing the
 * bytes to JavaFX) while scrolling each plane and while dragging the crosshair, a 20 mm MIP slab, and the heap the
 * volume adds over the loaded series. Wall time and the CPU time of all its threads (a thick slab is cut on several) per render; on a loaded machine the wall time is mostly waiting for a core.
 *
 * <p>Usage: {@code MprBenchmark [FOLDER] [SLICES]}; FOLDER (default /tmp/radmamba-mpr-bench) is written once and
 * reused.
 */
public final class MprBenchmark {

    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private MprBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args.length > 0 ? args[0] : "/tmp/radmamba-mpr-bench");
        int slices = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        if (!Files.isDirectory(folder) || Files.list(folder).count() != slices) {
            System.out.println("writing " + slices + " slices of 512x512 to " + folder);
            SyntheticCtSeries.write(folder, slices, 512, 512);
        }
        Series series = new StudyScanner().scan(List.of(folder)).series().getFirst();

        long empty = usedHeapAfterGc();
        // The series as the viewer holds it: decoded into one series' slabs, frames and pipelines kept.
        List<Instance> images = series.instances();
        FrameMemory memory = new FrameMemory(images.size());
        ImageLoader loader = new ImageLoader();
        List<DecodedImage> decoded = new ArrayList<>();
        for (Instance instance : images) {
            decoded.add(memory.call(() -> DecodedImage.of(loader.load(instance))));
        }
        long loaded = usedHeapAfterGc();
        Volume volume = Volume.of(SeriesVolumes.slices(decoded, DicomReaders.standard()));
        long withVolume = usedHeapAfterGc();
        long seriesHeap = loaded - empty;
        System.out.printf(Locale.ROOT, "series %d x %d x %d: %.1f MB of heap loaded; the volume adds %.3f MB"
                        + " (%.3f%% of the series)%n", volume.columns(), volume.rows(), volume.acquiredSlices(),
                seriesHeap / 1e6, (withVolume - loaded) / 1e6, 100.0 * (withVolume - loaded) / seriesHeap);

        Reformatter reformatter = new Reformatter(volume);
        Voi voi = volume.pipeline().defaultVoi(volume.firstFrame());
        boolean monochrome1 = PlaneRendering.isMonochrome1(volume);

        for (int round = 0; round < 2; round++) {
            String label = round == 0 ? "warm-up" : "measured";
            System.out.println("-- " + label + ", load average "
                    + String.format(Locale.ROOT, "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
            for (Plane plane : Plane.values()) {
                report(label, plane.label() + " scroll", scroll(reformatter, plane, Slab.NONE, voi, monochrome1, 200));
            }
            report(label, "crosshair drag (coronal + sagittal)", drag(reformatter, voi, monochrome1, 200));
            report(label, "oblique coronal (30° about axial)", obliqueScroll(reformatter, voi, monochrome1, 60));
            for (Plane plane : Plane.values()) {
                report(label, plane.label() + " MIP 20 mm",
                        scroll(reformatter, plane, new Slab(20, Slab.Mode.MIP), voi, monochrome1, 60));
            }
        }
        java.lang.ref.Reference.reachabilityFence(decoded);
    }

    /** Renders {@code count} consecutive planes from the middle, as scrolling does; wall and CPU ns per render. */
    private static long[][] scroll(Reformatter reformatter, Plane plane, Slab slab, Voi voi, boolean monochrome1,
                                   int count) {
        int planes = reformatter.planeCount(plane);
        long[][] times = new long[2][count];
        int start = Math.max(0, planes / 2 - count / 2);
        for (int i = 0; i < count; i++) {
            int index = Math.min(planes - 1, start + i);
            long[] t = render(reformatter, plane, index, slab, voi, monochrome1);
            times[0][i] = t[0];
            times[1][i] = t[1];
        }
        return times;
    }

    /**
     * Renders {@code count} consecutive coronal planes turned 30° about the axial normal (as Shift+→ six times in
     * the axial plane does), from the middle: every pixel trilinear.
     */
    private static long[][] obliqueScroll(Reformatter reformatter, Voi voi, boolean monochrome1, int count) {
        int planes = reformatter.oblique(Plane.CORONAL, Plane.AXIAL, 30, 0).planeCount();
        long[][] times = new long[2][count];
        int start = Math.max(0, planes / 2 - count / 2);
        for (int i = 0; i < count; i++) {
            PlaneGeometry g = reformatter.oblique(Plane.CORONAL, Plane.AXIAL, 30, Math.min(planes - 1, start + i));
            int pixels = g.rows() * g.columns();
            if (values.length != pixels) {
                values = new float[pixels];
                grey = new byte[pixels];
            }
            long wall = System.nanoTime();
            long cpu = allThreadsCpu();
            reformatter.reformat(g, Slab.NONE, values);
            PlaneRendering.toGrey(values, voi, monochrome1, grey);
            times[0][i] = System.nanoTime() - wall;
            times[1][i] = allThreadsCpu() - cpu;
        }
        return times;
    }

    /** A crosshair drag: each step moves the coronal and the sagittal plane (both re-rendered) a few planes on. */
    private static long[][] drag(Reformatter reformatter, Voi voi, boolean monochrome1, int count) {
        SplittableRandom random = new SplittableRandom(7);
        long[][] times = new long[2][count];
        int coronal = reformatter.planeCount(Plane.CORONAL) / 2;
        int sagittal = reformatter.planeCount(Plane.SAGITTAL) / 2;
        for (int i = 0; i < count; i++) {
            coronal = Math.clamp(coronal + random.nextInt(-4, 5), 0, reformatter.planeCount(Plane.CORONAL) - 1);
            sagittal = Math.clamp(sagittal + random.nextInt(-4, 5), 0, reformatter.planeCount(Plane.SAGITTAL) - 1);
            long[] a = render(reformatter, Plane.CORONAL, coronal, Slab.NONE, voi, monochrome1);
            long[] b = render(reformatter, Plane.SAGITTAL, sagittal, Slab.NONE, voi, monochrome1);
            // Per frame of the drag, each plane rendered once: the slower plane is the frame's cost on one core.
            times[0][i] = Math.max(a[0], b[0]);
            times[1][i] = Math.max(a[1], b[1]);
        }
        return times;
    }

    private static float[] values = new float[0];
    private static byte[] grey = new byte[0];

    private static long[] render(Reformatter reformatter, Plane plane, int index, Slab slab, Voi voi,
                                 boolean monochrome1) {
        PlaneGeometry g = reformatter.geometry(plane, index);
        int pixels = g.rows() * g.columns();
        if (values.length != pixels) {
            values = new float[pixels];
            grey = new byte[pixels];
        }
        long wall = System.nanoTime();
        long cpu = allThreadsCpu();
        reformatter.reformat(plane, index, slab, values);
        PlaneRendering.toGrey(values, voi, monochrome1, grey);
        return new long[] {System.nanoTime() - wall, allThreadsCpu() - cpu};
    }

    /**
     * CPU time of every Java thread (a thick slab is cut on the common pool's threads too): the process's CPU time
     * has a 10 ms resolution here, the threads' a microsecond.
     */
    private static long allThreadsCpu() {
        long sum = 0;
        for (long id : THREADS.getAllThreadIds()) {
            sum += Math.max(0, THREADS.getThreadCpuTime(id));
        }
        return sum;
    }

    private static void report(String label, String what, long[][] times) {
        if (!label.equals("measured")) {
            return;
        }
        System.out.printf(Locale.ROOT, "%-40s wall p50 %6.2f ms p95 %6.2f ms | CPU p50 %6.2f ms p95 %6.2f ms (n=%d)%n",
                what, percentile(times[0], 50), percentile(times[0], 95), percentile(times[1], 50),
                percentile(times[1], 95), times[0].length);
    }

    private static double percentile(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.clamp(i, 0, sorted.length - 1)] / 1e6;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
