package org.radmamba.inference.scan;

import java.util.function.Predicate;

import org.radmamba.inference.cuda.CudaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device scan that never takes the application down: shapes the device does not handle go to the CPU scan, and
 * the first {@link CudaException} logs once and switches every later call, and the failed call itself, to the CPU
 * scan for good. The CPU scan computes the same function, so a switch changes only the speed.
 */
public final class FallbackScan implements SelectiveScan {

    private static final Logger LOG = LoggerFactory.getLogger(FallbackScan.class);

    private final SelectiveScan device;
    private final Predicate<ScanShape> deviceSupports;
    private final SelectiveScan cpu;
    private volatile boolean failed;

    /**
     * @param device         the device scan, tried first
     * @param deviceSupports which shapes the device scan takes; the others go to {@code cpu}
     * @param cpu            the scan that takes over
     */
    public FallbackScan(SelectiveScan device, Predicate<ScanShape> deviceSupports, SelectiveScan cpu) {
        this.device = device;
        this.deviceSupports = deviceSupports;
        this.cpu = cpu;
    }

    /** The name of the scan that serves calls now. */
    @Override
    public String name() {
        return failed ? cpu.name() : device.name();
    }

    /** Whether a device failure has switched this scan to the CPU for good. */
    public boolean fellBack() {
        return failed;
    }

    @Override
    public void scan(ScanShape shape, ScanInputs in, float[] y) {
        if (useDevice(shape)) {
            try {
                device.scan(shape, in, y);
                return;
            } catch (CudaException e) {
                switchToCpu(e);
            }
        }
        cpu.scan(shape, in, y);
    }

    @Override
    public void crossScan2d(ScanShape shape, int height, int width, ScanInputs in, float[] y) {
        if (useDevice(shape)) {
            try {
                device.crossScan2d(shape, height, width, in, y);
                return;
            } catch (CudaException e) {
                switchToCpu(e);
            }
        }
        cpu.crossScan2d(shape, height, width, in, y);
    }

    private boolean useDevice(ScanShape shape) {
        return !failed && deviceSupports.test(shape);
    }

    private synchronized void switchToCpu(CudaException e) {
        if (!failed) {
            failed = true;
            LOG.warn("The {} selective scan failed ({}); the {} scan takes over for the rest of this session",
                    device.name(), e.getMessage(), cpu.name());
        }
    }
}
