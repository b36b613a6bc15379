package org.radmamba.inference.scan;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.radmamba.inference.cuda.CudaScan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScanSelectorTest {

    /** A machine without the NVIDIA driver, whatever machine runs the tests. */
    private static final ScanSelector.DeviceOpener NO_DRIVER = () -> CudaScan.open("libcuda-not-installed.so.1", 0);

    @Test
    void without_an_nvidia_driver_auto_selects_the_cpu_scan_and_says_why() {
        ScanSelector selector = new ScanSelector(ReferenceScan::new, NO_DRIVER);

        ScanSelection selection = selector.choose(ScanDevicePreference.AUTO);

        assertEquals(ScanDevice.CPU, selection.device());
        assertEquals("reference", selection.scan().name());
        assertEquals("no NVIDIA driver found (libcuda-not-installed.so.1 could not be loaded)", selection.reason());
    }

    @Test
    void asking_for_cuda_without_a_driver_is_a_clear_error_not_a_silent_cpu_run() {
        ScanSelector selector = new ScanSelector(ReferenceScan::new, NO_DRIVER);

        ScanDeviceUnavailableException e = assertThrows(ScanDeviceUnavailableException.class,
                () -> selector.choose(ScanDevicePreference.CUDA));

        assertEquals("The CUDA scan was asked for but cannot run: no NVIDIA driver found "
                + "(libcuda-not-installed.so.1 could not be loaded)", e.getMessage());
    }

    @Test
    void asking_for_the_cpu_never_touches_the_driver() {
        ScanSelector selector = new ScanSelector(ReferenceScan::new, () -> {
            throw new AssertionError("the driver was opened although the CPU was asked for");
        });

        ScanSelection selection = selector.choose(ScanDevicePreference.CPU);

        assertEquals(ScanDevice.CPU, selection.device());
        assertEquals("the CPU scan was asked for", selection.reason());
    }

    @Test
    void the_driver_is_probed_once_and_the_choice_is_kept() {
        AtomicInteger probes = new AtomicInteger();
        ScanSelector selector = new ScanSelector(ReferenceScan::new, () -> {
            probes.incrementAndGet();
            return NO_DRIVER.open();
        });

        ScanSelection first = selector.choose(ScanDevicePreference.AUTO);
        ScanSelection second = selector.choose(ScanDevicePreference.AUTO);
        assertThrows(ScanDeviceUnavailableException.class, () -> selector.choose(ScanDevicePreference.CUDA));

        assertSame(first, second);
        assertSame(first.scan(), selector.choose(ScanDevicePreference.CPU).scan(), "one CPU scan per selector");
        assertEquals(1, probes.get());
    }

    @Test
    void the_device_flag_accepts_cpu_cuda_and_auto_in_any_case() {
        assertEquals(ScanDevicePreference.CPU, ScanDevicePreference.parse("cpu"));
        assertEquals(ScanDevicePreference.CUDA, ScanDevicePreference.parse(" CUDA "));
        assertEquals(ScanDevicePreference.AUTO, ScanDevicePreference.parse("Auto"));
        assertEquals("cuda", ScanDevicePreference.CUDA.flag());
    }

    @Test
    void an_unknown_device_is_rejected_with_the_allowed_values() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScanDevicePreference.parse("tpu"));

        assertEquals("scan device must be cpu, cuda or auto, was 'tpu'", e.getMessage());
    }

    @Test
    void the_system_property_wins_over_the_environment_variable_and_auto_is_the_default() {
        Map<String, String> environment = Map.of(ScanDevicePreference.ENVIRONMENT, "cuda");

        assertEquals(ScanDevicePreference.CPU, ScanDevicePreference.configured(
                name -> name.equals(ScanDevicePreference.PROPERTY) ? "cpu" : null, environment));
        assertEquals(ScanDevicePreference.CUDA, ScanDevicePreference.configured(name -> null, environment));
        assertEquals(ScanDevicePreference.AUTO, ScanDevicePreference.configured(name -> null, Map.of()));
    }
}
