package org.radmamba.viewer.dicom.codec;

/**
 * Where the 16-bit sample arrays of decoded frames come from: while a series loads, its frames are carved out of
 * a few large arrays ("slabs") shared by that series; otherwise each frame gets an array of its own.
 *
 * <p>Why: a 512×512 CT frame (512 KB) allocated on its own starts in G1's young generation, and every young
 * collection during a load copies all the frames decoded since the previous one into the old generation: copying
 * frames is most of such a pause, and those pauses were the longest stalls of the FX thread while a large series
 * loaded. An array of at least half a G1 region is "humongous": G1 allocates it straight in old
 * regions and never moves it, so frames in slabs cost young collections nothing. A series' frames live and die
 * together (the viewer keeps a loaded series whole until it is closed), so sharing slabs frees nothing later than
 * before.
 *
 * <p>The loader decodes a series inside {@link #run} or {@link #call} of one instance (a scoped value, bound for
 * that call on that thread); the DICOM reader and the codecs ask {@link #shorts(int)} for every 16-bit frame, so
 * neither the DICOM port nor the codecs carry it. Thread-safe.
 */
public final class FrameMemory {

    /** The series whose frames are being decoded in this scope; unbound, frames get arrays of their own. */
    private static final ScopedValue<FrameMemory> SERIES = ScopedValue.newInstance();

    /**
     * Samples per slab at most: 32 MiB less room for the array header, so that a full slab fills whole G1 regions
     * (1 to 32 MiB each, a power of two) without spilling a few bytes into one more. A slab of a 32 MiB region
     * heap (over 64 GiB) is not humongous, which costs only the copying this class avoids elsewhere.
     */
    static final int MAX_SLAB_SAMPLES = (32 << 20) / Short.BYTES - 32;

    private final int expectedFrames;
    private int framesHandedOut;
    private short[] slab = new short[0];
    private int used;

    /**
     * @param expectedFrames frames the series will decode (its slices), which sizes the slabs so that the last
     *                       one is not larger than the rest of the series needs
     */
    public FrameMemory(int expectedFrames) {
        if (expectedFrames < 0) {
            throw new IllegalArgumentException("expected frames must not be negative: " + expectedFrames);
        }
        this.expectedFrames = expectedFrames;
    }

    /** Runs {@code decoding} with its 16-bit frames in this series' slabs. */
    public void run(Runnable decoding) {
        ScopedValue.where(SERIES, this).run(decoding);
    }

    /** Calls {@code decoding} with its 16-bit frames in this series' slabs. */
    public <R, X extends Throwable> R call(ScopedValue.CallableOp<? extends R, X> decoding) throws X {
        return ScopedValue.where(SERIES, this).call(decoding);
    }

    /** A zeroed array for a 16-bit frame of {@code length} samples: in the bound series' slabs, or its own. */
    public static Samples.Shorts shorts(int length) {
        return SERIES.isBound() ? SERIES.get().allocate(length) : new Samples.Shorts(new short[length]);
    }

    /** A zeroed slice of {@code length} samples of this series' current slab, starting a new slab when it is full. */
    public synchronized Samples.Shorts allocate(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("a frame cannot have " + length + " samples");
        }
        if (length > slab.length - used) {
            slab = new short[slabLength(length)];
            used = 0;
        }
        Samples.Shorts frame = new Samples.Shorts(slab, used, length);
        used += length;
        framesHandedOut++;
        return frame;
    }

    /** As many frames of {@code length} as the series still expects and a slab holds; at least one. */
    private int slabLength(int length) {
        if (length >= MAX_SLAB_SAMPLES) {
            return length;
        }
        int remaining = Math.max(1, expectedFrames - framesHandedOut);
        return length * Math.min(remaining, MAX_SLAB_SAMPLES / Math.max(1, length));
    }
}
