package org.radmamba.inference.cuda;

import org.radmamba.inference.checkpoint.PthReader;
import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.io.Npy;
import org.radmamba.inference.io.NpyArray;
import org.radmamba.inference.medmamba.MedMambaConfig;
import org.radmamba.inference.medmamba.RandomMedMambaWeights;
import org.radmamba.inference.model.Softmax;
import org.radmamba.inference.vmunet.RandomVmUnetWeights;
import org.radmamba.inference.vmunet.VmUnetConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The device-resident network on a real GPU (run by {@code inference/src/test/gpu/run-network-checks.sh}; CI has no
 * GPU). {@code parity}: each MedMamba golden through {@link CudaNetwork}, max |out − golden| within 1e-4 × max
 * |golden|, and a second call (the graph replayed) bit-identical to the first. {@code bench}: MedMamba-T 224×224
 * (random weights of the official shapes) at batch 1, 8 and 64: the median wall time of {@code run} (copies from and
 * to Java arrays included), the median device time of the graph (copies to and from the device included) and of its
 * kernels alone (the input already on the device, as the GPU peer times itself), and images per second. Exits 1 when
 * a check fails. {@code tf32}: the {@link NetworkPrecision#TF32} option against float32 on the same device: each golden's
 * distance from both, and on the demo models' held-out images (as the app preprocesses them: HeldoutTensors) the
 * classifier's top-1 agreement and largest probability difference, the segmenter's Dice between the two masks.
 *
 * <p>Arguments: {@code parity RESOURCES [SHARED]}, run from the tree's root (RESOURCES = test-fixtures, the one copy
 * of the model fixtures; the demo models' parity tensors from models/demo; SHARED a folder with
 * medmamba_t.pth, medmamba_t.input.npy and medmamba_t.output.npy), {@code bench [RUNS [PRECISION]]},
 * {@code profile BATCH [MODEL [PRECISION]]}, {@code consistency} or {@code tf32 RESOURCES HELDOUT [SHARED]}.
 */
public final class CudaNetworkGpuCheck {

    private static final double TOLERANCE = 1e-4;

    private final List<String> failures = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        CudaNetworkGpuCheck check = new CudaNetworkGpuCheck();
        System.out.println("device: " + CudaDevice.query().describe());
        switch (args[0]) {
            case "parity" -> {
                Path resources = Path.of(args[1]);
                check.medmamba("medmamba_tiny", resources.resolve("checkpoints/medmamba_tiny.pth"),
                        resources.resolve("fixtures/medmamba_tiny"));
                check.medmamba("vmunet_tiny_binary", resources.resolve("checkpoints/vmunet_tiny_binary.pth"),
                        resources.resolve("fixtures/vmunet_tiny_binary"));
                check.medmamba("vmunet_tiny_multiclass", resources.resolve("fixtures/vmunet_tiny_multiclass.pth"),
                        resources.resolve("fixtures/vmunet_tiny_multiclass"));
                // the demo models' parity tensors (their training recipe's PyTorch outputs), read from the tree
                Path demos = Path.of("models", "demo");
                if (Files.isDirectory(demos)) {
                    check.demos(demos);
                } else {
                    check.failures.add("demo models: " + demos.toAbsolutePath() + " is missing (run from the root)");
                }
                if (args.length > 2) {
                    Path shared = Path.of(args[2]);
                    if (Files.isRegularFile(shared.resolve("medmamba_t.pth"))) {
                        check.medmamba("medmamba_t", shared.resolve("medmamba_t.pth"), shared.resolve("medmamba_t"));
                    } else {
                        check.failures.add("medmamba_t: " + shared.resolve("medmamba_t.pth") + " is missing");
                    }
                }
            }
            case "bench" -> bench(args.length > 1 ? Integer.parseInt(args[1]) : 20,
                    args.length > 2 ? NetworkPrecision.parse(args[2]) : NetworkPrecision.FLOAT32);
            case "profile" -> profile(Integer.parseInt(args[1]), args.length > 2 ? args[2] : "medmamba_t",
                    args.length > 3 ? NetworkPrecision.parse(args[3]) : NetworkPrecision.FLOAT32);
            case "tf32" -> {
                Path resources = Path.of(args[1]);
                for (String name : new String[] {"medmamba_tiny", "vmunet_tiny_binary", "vmunet_tiny_multiclass"}) {
                    Path checkpoint = name.equals("vmunet_tiny_multiclass")
                            ? resources.resolve("fixtures/" + name + ".pth")
                            : resources.resolve("checkpoints/" + name + ".pth");
                    check.tf32Golden(name, checkpoint, resources.resolve("fixtures/" + name));
                }
                if (args.length > 3 && Files.isRegularFile(Path.of(args[3]).resolve("medmamba_t.pth"))) {
                    Path shared = Path.of(args[3]);
                    check.tf32Golden("medmamba_t", shared.resolve("medmamba_t.pth"), shared.resolve("medmamba_t"));
                }
                check.tf32Heldout(Path.of("models", "demo"), Path.of(args[2]));
            }
            case "consistency" -> {
                check.consistency("medmamba_t", RandomMedMambaWeights.stateDict(MedMambaConfig.tiny(6), 7), 224);
                check.consistency("vmunet_isic", RandomVmUnetWeights.stateDict(VmUnetConfig.isic(1), 7), 256);
            }
            default -> throw new IllegalArgumentException("parity RESOURCES [SHARED] | bench [RUNS [PRECISION]] | "
                    + "profile BATCH [MODEL [PRECISION]] | consistency | tf32 RESOURCES HELDOUT [SHARED]");
        }
        System.out.println(check.failures.isEmpty() ? "ALL NETWORK CHECKS PASSED" : "FAILED: " + check.failures);
        System.exit(check.failures.isEmpty() ? 0 : 1);
    }

    /** Each demo model of models/demo (its card names the checkpoint) on its held-out parity tensors. */
    private void demos(Path demos) throws Exception {
        Pattern checkpointEntry = Pattern.compile("\"checkpoint\"\\s*:\\s*\"([^\"]+)\"");
        int checked = 0;
        try (Stream<Path> folders = Files.list(demos)) {
            for (Path folder : folders.sorted().toList()) {
                Path card = folder.resolve("card.json");
                if (!Files.isRegularFile(card)) {
                    continue;
                }
                Matcher m = checkpointEntry.matcher(Files.readString(card));
                if (!m.find()) {
                    failures.add(card + ": names no checkpoint");
                    continue;
                }
                medmamba(folder.getFileName().toString(), folder.resolve(m.group(1)),
                        folder.resolve("heldout").resolve("parity"));
                checked++;
            }
        }
        if (checked == 0) {
            failures.add("demo models: no model card under " + demos.toAbsolutePath());
        }
    }

    private void medmamba(String name, Path checkpoint, Path fixture) throws Exception {
        NpyArray input = Npy.read(Path.of(fixture + ".input.npy"));
        float[] golden = Npy.read(Path.of(fixture + ".output.npy")).data();
        double maxGolden = 0;
        for (float g : golden) {
            maxGolden = Math.max(maxGolden, Math.abs(g));
        }
        StateDict sd = PthReader.read(checkpoint);
        long t0 = System.nanoTime();
        try (CudaNetwork net = CudaNetwork.load(sd)) {
            net.run(input.data(), input.dim(0), input.dim(2), input.dim(3)); // plans, allocates, captures
            long t1 = System.nanoTime();
            float[] first = net.run(input.data(), input.dim(0), input.dim(2), input.dim(3));
            long t2 = System.nanoTime();
            float[] second = net.run(input.data(), input.dim(0), input.dim(2), input.dim(3));
            long t3 = System.nanoTime();
            double maxDiff = 0;
            for (int i = 0; i < golden.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs((double) first[i] - golden[i]));
            }
            double ratio = maxDiff / (TOLERANCE * maxGolden);
            boolean same = Arrays.equals(first, second);
            System.out.printf(Locale.ROOT, "%s: max|out-golden| = %.3g, limit %.3g (ratio %.3g), replay identical: %s,"
                            + " upload+capture %.0f ms, a call %.1f ms, second %.2f ms, %d launches%n", name, maxDiff,
                    TOLERANCE * maxGolden, ratio, same, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6,
                    net.launches(input.dim(0), input.dim(2), input.dim(3)));
            System.out.println("  out    " + Arrays.toString(Arrays.copyOf(first, Math.min(8, first.length))));
            System.out.println("  golden " + Arrays.toString(Arrays.copyOf(golden, Math.min(8, golden.length))));
            if (!(ratio <= 1.0) || first.length != golden.length) {
                failures.add(name + " parity");
            }
            if (!same) {
                failures.add(name + " replay differs");
            }
        }
    }

    /** A golden through float32 and TF32: how far TF32 moves the output, against max |golden|. */
    private void tf32Golden(String name, Path checkpoint, Path fixture) throws Exception {
        NpyArray input = Npy.read(Path.of(fixture + ".input.npy"));
        float[] golden = Npy.read(Path.of(fixture + ".output.npy")).data();
        StateDict sd = PthReader.read(checkpoint);
        float[] f32;
        float[] tf32;
        try (CudaNetwork net = CudaNetwork.load(sd)) {
            f32 = net.run(input.data(), input.dim(0), input.dim(2), input.dim(3));
        }
        try (CudaNetwork net = CudaNetwork.load(sd, NetworkPrecision.TF32)) {
            tf32 = net.run(input.data(), input.dim(0), input.dim(2), input.dim(3));
        }
        double max = 0;
        double fromGolden = 0;
        double fromF32 = 0;
        double f32FromGolden = 0;
        for (int i = 0; i < golden.length; i++) {
            max = Math.max(max, Math.abs(golden[i]));
            fromGolden = Math.max(fromGolden, Math.abs((double) tf32[i] - golden[i]));
            fromF32 = Math.max(fromF32, Math.abs((double) tf32[i] - f32[i]));
            f32FromGolden = Math.max(f32FromGolden, Math.abs((double) f32[i] - golden[i]));
        }
        System.out.printf(Locale.ROOT, "tf32 %s: max|tf32-golden| = %.3g (%.2g of max|golden|), max|tf32-f32| = %.3g,"
                + " float32: max|f32-golden| = %.3g (%.2g)%n", name, fromGolden, fromGolden / max, fromF32,
                f32FromGolden, f32FromGolden / max);
        if (!(f32FromGolden <= TOLERANCE * max)) {
            failures.add(name + " float32 parity");
        }
    }

    /**
     * Each demo model on its held-out images (HELDOUT/ID.input.npy, ID.truth.npy) in float32 and TF32: the
     * classifier's top-1 agreement, largest softmax difference and accuracy of each; the segmenter's Dice between its
     * float32 and TF32 masks at the network's resolution (probability ≥ the card's 0.5), and each one's Dice with the
     * ground truth.
     */
    private void tf32Heldout(Path demos, Path heldout) throws Exception {
        Pattern checkpointEntry = Pattern.compile("\"checkpoint\"\\s*:\\s*\"([^\"]+)\"");
        for (String id : new String[] {"medmamba-chest-phantom-demo", "vmunet-lesion-demo"}) {
            Path folder = demos.resolve(id);
            Matcher m = checkpointEntry.matcher(Files.readString(folder.resolve("card.json")));
            if (!m.find()) {
                failures.add(id + ": card names no checkpoint");
                continue;
            }
            NpyArray input = Npy.read(heldout.resolve(id + ".input.npy"));
            float[] truth = Npy.read(heldout.resolve(id + ".truth.npy")).data();
            StateDict sd = PthReader.read(folder.resolve(m.group(1)));
            int n = input.dim(0);
            int h = input.dim(2);
            int w = input.dim(3);
            float[] f32;
            float[] tf32;
            try (CudaNetwork net = CudaNetwork.load(sd)) {
                f32 = net.run(input.data(), n, h, w);
            }
            try (CudaNetwork net = CudaNetwork.load(sd, NetworkPrecision.TF32)) {
                tf32 = net.run(input.data(), n, h, w);
            }
            if (f32.length % n != 0 || f32.length != tf32.length) {
                failures.add(id + ": outputs of " + f32.length + " and " + tf32.length + " values for " + n + " images");
                continue;
            }
            if (f32.length / n < (long) h * w) {
                classifierAgreement(id, f32, tf32, truth, n);
            } else {
                segmenterAgreement(id, f32, tf32, truth, n, h * w);
            }
        }
    }

    private static void classifierAgreement(String id, float[] f32, float[] tf32, float[] truth, int n) {
        int classes = f32.length / n;
        int agree = 0;
        int correctF32 = 0;
        int correctTf32 = 0;
        double maxProbability = 0;
        for (int i = 0; i < n; i++) {
            double[] p = Softmax.of(f32, i * classes, classes);
            double[] q = Softmax.of(tf32, i * classes, classes);
            int a = argmax(p);
            int b = argmax(q);
            agree += a == b ? 1 : 0;
            correctF32 += a == (int) truth[i] ? 1 : 0;
            correctTf32 += b == (int) truth[i] ? 1 : 0;
            for (int c = 0; c < classes; c++) {
                maxProbability = Math.max(maxProbability, Math.abs(p[c] - q[c]));
            }
        }
        System.out.printf(Locale.ROOT, "tf32 %s held-out: top-1 agreement %d of %d, max probability difference %.2g,"
                + " correct float32 %d tf32 %d%n", id, agree, n, maxProbability, correctF32, correctTf32);
    }

    private static void segmenterAgreement(String id, float[] f32, float[] tf32, float[] truth, int n, int pixels) {
        double diceSum = 0;
        double diceMin = 1;
        double truthF32 = 0;
        double truthTf32 = 0;
        double maxProbability = 0;
        for (int i = 0; i < n; i++) {
            boolean[] a = new boolean[pixels];
            boolean[] b = new boolean[pixels];
            boolean[] t = new boolean[pixels];
            for (int j = 0; j < pixels; j++) {
                double p = f32[i * pixels + j];  // one class: the head writes the sigmoid's probability
                double q = tf32[i * pixels + j];
                maxProbability = Math.max(maxProbability, Math.abs(p - q));
                a[j] = p >= 0.5;
                b[j] = q >= 0.5;
                t[j] = truth[i * pixels + j] > 0.5f;
            }
            double d = dice(a, b);
            diceSum += d;
            diceMin = Math.min(diceMin, d);
            truthF32 += dice(a, t);
            truthTf32 += dice(b, t);
        }
        System.out.printf(Locale.ROOT, "tf32 %s held-out: Dice(tf32 mask, float32 mask) mean %.4f min %.4f over %d"
                + " images, max probability difference %.2g, Dice with the truth float32 %.4f tf32 %.4f%n", id,
                diceSum / n, diceMin, n, maxProbability, truthF32 / n, truthTf32 / n);
    }

    private static int argmax(double[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            best = p[c] > p[best] ? c : best;
        }
        return best;
    }

    private static double dice(boolean[] a, boolean[] b) {
        long inter = 0;
        long count = 0;
        for (int j = 0; j < a.length; j++) {
            inter += a[j] && b[j] ? 1 : 0;
            count += (a[j] ? 1 : 0) + (b[j] ? 1 : 0);
        }
        return count == 0 ? 1 : 2.0 * inter / count;
    }

    /**
     * The full-size networks (random weights of the official shapes) where the small goldens do not reach: batch 1
     * on the GPU (split-K GEMMs, the chunked scan) against the same plan run by {@link PlanInterpreter} on the CPU,
     * and image 0 of a batch of 64 (128×128 GEMM tiles, the scan in one chunk) against that batch-1 reference, each
     * within 1e-4 × max |reference|.
     */
    private void consistency(String name, StateDict sd, int size) {
        DeviceModel model = CudaNetwork.pack(sd);
        int channels = 3;
        int image = channels * size * size;
        float[] x = new float[64 * image];
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        float[] first = Arrays.copyOf(x, image);
        ForwardPlan plan = model.plan(1, channels, size, size);
        long t0 = System.nanoTime();
        float[] reference = new PlanInterpreter(plan, model.packed()).run(plan, first);
        long t1 = System.nanoTime();
        try (CudaNetwork net = CudaNetwork.load(sd)) {
            float[] one = net.run(first, 1, size, size);
            float[] batch = net.run(x, 64, size, size);
            compare(name + " batch 1 vs interpreter", one, reference);
            compare(name + " batch 64 image 0 vs interpreter", Arrays.copyOf(batch, reference.length), reference);
        } catch (CudaUnavailableException e) {
            failures.add(name + ": " + e.getMessage());
        }
        System.out.printf(Locale.ROOT, "  (%s interpreted on the CPU in %.1f s)%n", name, (t1 - t0) / 1e9);
    }

    private void compare(String what, float[] out, float[] reference) {
        double max = 0;
        double diff = 0;
        for (int i = 0; i < reference.length; i++) {
            max = Math.max(max, Math.abs(reference[i]));
            diff = Math.max(diff, Math.abs((double) out[i] - reference[i]));
        }
        double ratio = diff / (TOLERANCE * max);
        System.out.printf(Locale.ROOT, "%s: max diff %.3g, limit %.3g (ratio %.3g)%n", what, diff, TOLERANCE * max,
                ratio);
        if (!(ratio <= 1.0) || out.length < reference.length) {
            failures.add(what);
        }
    }

    /**
     * Per-launch device times of MedMamba-T at 224 or VM-UNet ISIC at 256 (random weights of the official shapes) at
     * {@code batch}, summed per kernel, and every launch.
     */
    private static void profile(int batch, String model, NetworkPrecision precision) throws Exception {
        boolean vmunet = switch (model) {
            case "medmamba_t" -> false;
            case "vmunet_isic" -> true;
            default -> throw new IllegalArgumentException("profile BATCH [medmamba_t|vmunet_isic], was " + model);
        };
        int size = vmunet ? 256 : 224;
        StateDict weights = vmunet ? RandomVmUnetWeights.stateDict(VmUnetConfig.isic(1), 7)
                : RandomMedMambaWeights.stateDict(MedMambaConfig.tiny(6), 7);
        try (CudaNetwork net = CudaNetwork.load(weights, precision)) {
            var times = net.profile(batch, size, size, 5);
            var perKernel = new java.util.TreeMap<String, Double>();
            times.forEach((k, v) -> perKernel.merge(k.split(" ")[1], v, Double::sum));
            double total = times.values().stream().mapToDouble(Double::doubleValue).sum();
            System.out.printf(Locale.ROOT, "profile %s batch=%d precision=%s total_ms=%.3f%n", model, batch,
                    precision, total);
            perKernel.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-16s %8.3f ms%n", k, v));
            // every launch, in order: GEMMs with their achieved GFLOP/s (2MNK over the launch's time)
            times.forEach((k, v) -> {
                String[] parts = k.split(" ", 4);
                String rate = "";
                if (parts[1].startsWith("gemm_nt")) {
                    String[] mnk = parts[3].replaceAll("[\\[\\] ]", "").split(",");
                    double flop = 2.0 * Long.parseLong(mnk[0]) * Long.parseLong(mnk[1]) * Long.parseLong(mnk[2]);
                    rate = String.format(Locale.ROOT, "  %.0f GFLOP/s", flop / (v * 1e6));
                }
                System.out.printf(Locale.ROOT, "  %8.4f ms  %s%s%n", v, k, rate);
            });
        }
    }

    private static void bench(int runs, NetworkPrecision precision) throws Exception {
        bench("medmamba_t", RandomMedMambaWeights.stateDict(MedMambaConfig.tiny(6), 7), 224, runs, precision);
        bench("vmunet_isic", RandomVmUnetWeights.stateDict(VmUnetConfig.isic(1), 7), 256, runs, precision);
    }

    private static void bench(String name, StateDict sd, int size, int runs, NetworkPrecision precision)
            throws Exception {
        try (CudaNetwork net = CudaNetwork.load(sd, precision)) {
            for (int batch : new int[] {1, 8, 64}) {
                float[] x = new float[batch * 3 * size * size];
                SplittableRandom random = new SplittableRandom(batch);
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) random.nextGaussian();
                }
                for (int i = 0; i < 3; i++) {
                    net.run(x, batch, size, size);
                }
                double[] wall = new double[runs];
                for (int i = 0; i < runs; i++) {
                    long t = System.nanoTime();
                    net.run(x, batch, size, size);
                    wall[i] = (System.nanoTime() - t) / 1e6;
                }
                Arrays.sort(wall);
                double device = net.medianDeviceMillis(batch, size, size, 3, runs);
                double kernels = net.medianKernelMillis(batch, size, size, 3, runs);
                double median = wall[runs / 2];
                System.out.printf(Locale.ROOT, "ours=radmamba-cuda model=%s size=%d batch=%d precision=%s median_ms=%.3f"
                                + " p90_ms=%.3f device_ms=%.3f kernels_ms=%.3f img_per_s=%.0f kernels_img_per_s=%.0f"
                                + " launches=%d%n", name, size, batch, precision, median, wall[(int) (runs * 0.9)],
                        device, kernels, batch * 1000 / median, batch * 1000 / kernels,
                        net.launches(batch, size, size));
            }
        }
    }
}
