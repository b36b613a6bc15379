package org.radmamba.app.bench;

import org.junit.jupiter.api.Test;
import org.radmamba.app.ExitCodes;
import org.radmamba.app.cli.RadMambaCommand;
import org.radmamba.inference.cuda.CudaUnavailableException;
import org.radmamba.inference.scan.ScanDevice;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.inference.scan.ScanDeviceUnavailableException;
import org.radmamba.inference.scan.ScanSelection;
import org.radmamba.inference.scan.ScanSelector;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench model --device cpu|cuda|auto}: parsing and the scan it selects, on a machine without a GPU (CI). */
class BenchModelCommandTest {

    private static final String NO_DRIVER = "no NVIDIA driver found (a test stands in a machine without one)";

    /** Counts the attempts to open the device, then fails like a machine without a driver. */
    private static final class NoDriver implements ScanSelector.DeviceOpener {
        final AtomicInteger opened = new AtomicInteger();

        @Override
        public org.radmamba.inference.cuda.CudaScan open() throws CudaUnavailableException {
            opened.incrementAndGet();
            throw new CudaUnavailableException(NO_DRIVER);
        }
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(ScanSelector.DeviceOpener opener, String... args) {
        BenchModelCommand command = new BenchModelCommand();
        command.deviceOpener = opener;
        CommandLine cl = new CommandLine(command);
        cl.getCommandSpec().exitCodeOnInvalidInput(ExitCodes.USAGE);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void an_unknown_device_is_a_usage_error() {
        StringWriter err = new StringWriter();
        CommandLine cl = RadMambaCommand.commandLine();
        cl.setErr(new PrintWriter(err));

        assertEquals(ExitCodes.USAGE, cl.execute("bench", "model", "--device", "tpu"));
        assertTrue(err.toString().contains("scan device must be cpu, cuda or auto, was 'tpu'"), err.toString());
    }

    @Test
    void an_unknown_precision_is_a_usage_error() {
        Run run = run(new NoDriver(), "--precision", "bogus");

        assertEquals(ExitCodes.USAGE, run.code());
        assertEquals("bench model: precision 'bogus': expected float32 or tf32", run.err().strip());
    }

    @Test
    void tf32_is_timed_on_the_gpu_only_so_it_needs_device_cuda() {
        NoDriver opener = new NoDriver();

        for (String device : new String[] {"cpu", "auto"}) {
            Run run = run(opener, "--device", device, "--precision", "tf32", "--batch", "1", "--threads", "1");

            assertEquals(ExitCodes.USAGE, run.code());
            assertEquals("bench model: --precision tf32 times the network on the GPU: it needs --device cuda",
                    run.err().strip());
            assertEquals("", run.out());
        }
        assertEquals(0, opener.opened.get());
    }

    @Test
    void tf32_refuses_vmunet_whose_network_stays_on_the_cpu() {
        Run run = run(new NoDriver(), "--device", "cuda", "--precision", "tf32", "--model", "medmamba_t,vmunet_isic");

        assertEquals(ExitCodes.USAGE, run.code());
        assertEquals("bench model: --precision tf32 times MedMamba's whole network on the GPU; vmunet_isic runs only "
                + "its scan there", run.err().strip());
    }

    @Test
    void cpu_takes_the_simd_scan_without_touching_the_driver() {
        NoDriver opener = new NoDriver();

        ScanSelection selection = BenchModelCommand.selectScan(ScanDevicePreference.CPU, 2, opener);

        assertEquals(ScanDevice.CPU, selection.device());
        assertEquals("cpu-simd", selection.scan().name());
        assertEquals(0, opener.opened.get());
    }

    @Test
    void auto_without_a_gpu_takes_the_cpu_and_says_why() {
        ScanSelection selection = BenchModelCommand.selectScan(ScanDevicePreference.AUTO, 2, new NoDriver());

        assertEquals(ScanDevice.CPU, selection.device());
        assertEquals("cpu-simd", selection.scan().name());
        assertEquals(NO_DRIVER, selection.reason());
    }

    @Test
    void cuda_without_a_gpu_is_refused_rather_than_timed_on_the_cpu() {
        ScanDeviceUnavailableException e = assertThrows(ScanDeviceUnavailableException.class,
                () -> BenchModelCommand.selectScan(ScanDevicePreference.CUDA, 2, new NoDriver()));

        assertTrue(e.getMessage().contains(NO_DRIVER), e.getMessage());
    }

    @Test
    void a_cuda_run_without_a_gpu_fails_before_building_the_network() {
        NoDriver opener = new NoDriver();

        Run run = run(opener, "--one", "--device", "cuda", "--model", "medmamba_t", "--batch", "1", "--threads", "1",
                "--warmup", "0", "--runs", "1");

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.code(), run.err());
        assertTrue(run.err().contains("The CUDA scan was asked for but cannot run: " + NO_DRIVER), run.err());
        assertEquals("", run.out());
        assertEquals(1, opener.opened.get());
    }

    @Test
    void a_cpu_run_reports_the_device_that_served_the_scan() {
        Run run = run(new NoDriver(), "--one", "--device", "cpu", "--model", "medmamba_t", "--size", "32",
                "--batch", "1", "--threads", "1", "--warmup", "0", "--runs", "1");

        assertEquals(ExitCodes.OK, run.code(), run.err());
        assertTrue(run.out().startsWith("model=medmamba_t batch=1 threads=1 device=cpu precision=float32 median_ms="),
                run.out());
        // the Java threads' CPU time is part of the process's, and one inference allocates on the heap
        double cpu = field(run.out(), "cpu_ms");
        double threadCpu = field(run.out(), "thread_cpu_ms");
        assertTrue(threadCpu > 0 && threadCpu <= cpu * 1.05 + 1, run.out());
        assertTrue(field(run.out(), "alloc_mb") > 0, run.out());
        assertTrue(field(run.out(), "peak_rss_mb") > 0, run.out());
        assertEquals(32, field(run.out(), "size"), run.out());
    }

    @Test
    void every_listed_model_is_checked_before_any_runs() {
        NoDriver opener = new NoDriver();

        Run run = run(opener, "--model", "medmamba_t,no_such_model", "--batch", "1", "--threads", "1");

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.code(), run.err());
        assertTrue(run.err().contains("no_such_model: neither medmamba_t, medmamba_s, medmamba_b, vmunet_isic nor a "
                + "checkpoint file"), run.err());
        assertEquals("", run.out());
    }

    private static double field(String line, String key) {
        for (String part : line.trim().split(" ")) {
            if (part.startsWith(key + "=")) {
                return Double.parseDouble(part.substring(key.length() + 1));
            }
        }
        throw new AssertionError(key + " missing from " + line);
    }
}
