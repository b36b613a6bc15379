package org.radmamba.inference.scan;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

import org.radmamba.inference.cuda.CudaScan;
import org.radmamba.inference.cuda.CudaUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the selective scan for this process: the CUDA scan when a usable NVIDIA GPU exists (wrapped in a
 * {@link FallbackScan}, so a GPU failure continues on the CPU), otherwise the CPU SIMD scan, each with the reason in
 * words.
 *
 * <ul>
 *   <li>{@code auto}: CUDA if {@link CudaScan#open()} succeeds, else the CPU with the reason it did not
 *       ("no NVIDIA driver found (libcuda.so.1 could not be loaded)", "the NVIDIA driver reports no CUDA device",
 *       ...).</li>
 *   <li>{@code cpu}: the CPU scan, the driver is not touched.</li>
 *   <li>{@code cuda}: the CUDA scan, or a {@link ScanDeviceUnavailableException} saying why it cannot run: an
 *       explicit request is not silently served by the CPU. Failures during later calls still fall back.</li>
 * </ul>
 */
public final class ScanSelector {

    /** Opens the device scan; the indirection lets tests stand in a machine without a driver. */
    @FunctionalInterface
    public interface DeviceOpener {
        CudaScan open() throws CudaUnavailableException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ScanSelector.class);
    private static final ScanSelector PROCESS = new ScanSelector(CpuSimdScan::new, CudaScan::open);

    private final Supplier<SelectiveScan> cpuFactory;
    private final DeviceOpener deviceOpener;
    private final Map<ScanDevicePreference, ScanSelection> chosen = new EnumMap<>(ScanDevicePreference.class);
    private SelectiveScan cpu;
    private CudaScan cuda;
    private String cudaUnavailable;

    public ScanSelector(Supplier<SelectiveScan> cpuFactory, DeviceOpener deviceOpener) {
        this.cpuFactory = cpuFactory;
        this.deviceOpener = deviceOpener;
    }

    /** The process-wide choice for {@code preference}; the device is opened once and shared. */
    public static ScanSelection select(ScanDevicePreference preference) {
        return PROCESS.choose(preference);
    }

    /** The process-wide choice for the configured preference ({@link ScanDevicePreference#configured()}). */
    public static ScanSelection selectConfigured() {
        return select(ScanDevicePreference.configured());
    }

    /** Chooses for {@code preference}, opening the device at most once per selector. */
    public synchronized ScanSelection choose(ScanDevicePreference preference) {
        ScanSelection selection = chosen.get(preference);
        if (selection == null) {
            selection = decide(preference);
            chosen.put(preference, selection);
            LOG.info("Selective scan: {} ({})", selection.scan().name(), selection.reason());
        }
        return selection;
    }

    private ScanSelection decide(ScanDevicePreference preference) {
        if (preference == ScanDevicePreference.CPU) {
            return new ScanSelection(cpu(), ScanDevice.CPU, "the CPU scan was asked for");
        }
        CudaScan device = openDevice();
        if (device != null) {
            SelectiveScan scan = new FallbackScan(device, CudaScan::supports, cpu());
            return new ScanSelection(scan, ScanDevice.CUDA, "CUDA on " + device.description());
        }
        if (preference == ScanDevicePreference.CUDA) {
            throw new ScanDeviceUnavailableException("The CUDA scan was asked for but cannot run: " + cudaUnavailable);
        }
        return new ScanSelection(cpu(), ScanDevice.CPU, cudaUnavailable);
    }

    private CudaScan openDevice() {
        if (cuda == null && cudaUnavailable == null) {
            try {
                cuda = deviceOpener.open();
            } catch (CudaUnavailableException e) {
                cudaUnavailable = e.getMessage();
            }
        }
        return cuda;
    }

    private SelectiveScan cpu() {
        if (cpu == null) {
            cpu = cpuFactory.get();
        }
        return cpu;
    }
}
