package org.radmamba.app.ai;

import org.radmamba.inference.cuda.CudaUnavailableException;
import org.radmamba.inference.scan.ScanDevicePreference;

import java.util.Locale;

/**
 * Chooses the engine of a job, the host-side logic of the GPU path (tested without a GPU through {@link GpuProbe}):
 * CUDA when the preference allows it, the driver answers, the card is Volta or newer and the model fits the card's
 * free memory at the job's batch size; otherwise the CPU, with the reason in words. The viewer never fails a job
 * for want of a GPU: an explicit CUDA preference that cannot be served runs on the CPU and says so (the command
 * line's {@code --device cuda} stays an error there, through {@code ScanSelector}).
 */
public final class EngineSelector {

    /** Compute capability the GPU engine needs: 7.0 (Volta), the oldest the kernels are built and checked for. */
    static final int MIN_MAJOR = 7;
    /** Device memory kept for the context, the kernels' module and the driver's own allocations. */
    static final long RESERVE_BYTES = 512L << 20;
    /**
     * Activations held on the device per byte of input tensor, at most: MedMamba-T's stage 1 at 224×224 keeps
     * about 40 MB per image (the scan's four directions of u, Δ and y at 192 channels) against a 0.6 MB input.
     */
    static final int ACTIVATIONS_PER_INPUT_BYTE = 64;

    private final GpuProbe probe;

    public EngineSelector(GpuProbe probe) {
        this.probe = probe;
    }

    /**
     * The engine for a job that needs {@code deviceBytes} of GPU memory ({@link #deviceBytes}).
     *
     * @param preference cpu, cuda or auto, as the settings say
     */
    public EngineChoice choose(ScanDevicePreference preference, long deviceBytes) {
        if (preference == ScanDevicePreference.CPU) {
            return EngineChoice.cpu("the CPU engine was chosen");
        }
        String asked = preference == ScanDevicePreference.CUDA ? "CUDA was asked for but cannot run: " : "";
        GpuDevice gpu;
        try {
            gpu = probe.probe();
        } catch (CudaUnavailableException e) {
            return EngineChoice.cpu(asked + e.getMessage());
        }
        if (gpu.major() < MIN_MAJOR) {
            return new EngineChoice(EngineChoice.Kind.CPU, gpu, asked + gpu.name() + " has compute capability "
                    + gpu.major() + "." + gpu.minor() + "; the GPU engine needs " + MIN_MAJOR + ".0 (Volta) or newer");
        }
        if (deviceBytes > gpu.freeBytes()) {
            return new EngineChoice(EngineChoice.Kind.CPU, gpu, asked + String.format(Locale.ROOT,
                    "the model needs about %.2f GiB of GPU memory but %s has %.2f GiB free", deviceBytes / GIB,
                    gpu.name(), gpu.freeBytes() / GIB));
        }
        return new EngineChoice(EngineChoice.Kind.CUDA, gpu, String.format(Locale.ROOT,
                "the model needs about %.2f GiB of the %.2f GiB free", deviceBytes / GIB, gpu.freeBytes() / GIB));
    }

    /**
     * GPU memory a model needs at {@code batch}: its weights (the checkpoint's float32 bytes, twice: as read and as
     * packed for the kernels), the activations of a batch ({@link #ACTIVATIONS_PER_INPUT_BYTE} per input byte) and
     * {@link #RESERVE_BYTES}. An estimate that errs high: a model that only just fits runs on the CPU.
     */
    public static long deviceBytes(ModelCard card, long checkpointBytes, int batch) {
        long inputBytes = 3L * card.inputHeight() * card.inputWidth() * Float.BYTES;
        return 2 * checkpointBytes + (long) batch * inputBytes * ACTIVATIONS_PER_INPUT_BYTE + RESERVE_BYTES;
    }

    private static final double GIB = 1024.0 * 1024 * 1024;
}
