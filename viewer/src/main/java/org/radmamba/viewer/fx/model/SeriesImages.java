package org.radmamba.viewer.fx.model;

import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.fx.task.TaskHandle;
import org.radmamba.viewer.study.DecodedImage;
import org.radmamba.viewer.study.FailedFile;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.LoadedImage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The decoded pixels of one series, filled in by a background load, instance by instance, starting at the slice
 * the user looks at. Read and written on the UI thread only (the load publishes there), so no locking.
 */
public final class SeriesImages {

    private final SeriesEntry entry;
    private final LoadedImage[] images;
    private final DecodedFrame[] frames;
    private final List<IntConsumer> arrivalListeners = new ArrayList<>();
    private final List<FailedFile> failures = new ArrayList<>();
    /** The slices of instance i are firstSlice[i] .. firstSlice[i + 1] - 1 (slices go instance by instance). */
    private final int[] firstSlice;
    private int arrived;
    private TaskHandle loading;

    /** One decoded instance, as the background load hands it over. */
    record Arrival(int instanceIndex, DecodedImage image) {
    }

    SeriesImages(SeriesEntry entry) {
        this.entry = entry;
        int instances = entry.series().instances().size();
        this.images = new LoadedImage[instances];
        this.frames = new DecodedFrame[entry.slices().size()];
        this.firstSlice = new int[instances + 1];
        List<SeriesEntry.Slice> slices = entry.slices();
        int s = 0;
        for (int i = 0; i < instances; i++) {
            firstSlice[i] = s;
            while (s < slices.size() && slices.get(s).instanceIndex() == i) {
                s++;
            }
        }
        firstSlice[instances] = s;
    }

    /**
     * Takes over what {@code previous}, the same series before it grew (a retrieve still running), has decoded or
     * found undecodable, so that only the new instances are read.
     */
    void adopt(SeriesImages previous) {
        Map<Path, Integer> previousIndex = new HashMap<>();
        List<Instance> before = previous.entry.series().instances();
        for (int i = 0; i < before.size(); i++) {
            previousIndex.put(before.get(i).file(), i);
        }
        List<SeriesEntry.Slice> slices = entry.slices();
        for (int i = 0; i < images.length; i++) {
            Integer old = previousIndex.get(entry.instance(i).file());
            if (old == null || previous.images[old] == null) {
                continue;
            }
            images[i] = previous.images[old];
            arrived++;
            for (int s = firstSlice[i]; s < firstSlice[i + 1]; s++) {
                frames[s] = previous.frames[previous.firstSlice[old] + slices.get(s).frame()];
            }
        }
        for (FailedFile failure : previous.failures) {
            if (previousIndex.containsKey(failure.file())) {
                failures.add(failure);
                arrived++;
            }
        }
    }

    /** Whether instance {@code index} is decoded or known to be undecodable (nothing left to read). */
    boolean isSettled(int index) {
        Path file = entry.instance(index).file();
        return images[index] != null || failures.stream().anyMatch(f -> f.file().equals(file));
    }

    public SeriesEntry entry() {
        return entry;
    }

    /** The image of slice {@code slice}, null until loaded (or when its file failed). */
    public LoadedImage image(int slice) {
        return images[entry.slices().get(slice).instanceIndex()];
    }

    /** The decoded frame of slice {@code slice}, null until loaded. */
    public DecodedFrame frame(int slice) {
        return frames[slice];
    }

    public boolean isLoaded(int slice) {
        return frames[slice] != null;
    }

    /** The failure of the instance behind {@code slice}, if its file could not be read. */
    public FailedFile failure(int slice) {
        var file = entry.instance(entry.slices().get(slice).instanceIndex()).file();
        return failures.stream().filter(f -> f.file().equals(file)).findFirst().orElse(null);
    }

    public int arrivedInstances() {
        return arrived;
    }

    public boolean isComplete() {
        return arrived == images.length;
    }

    /** Called on the UI thread with each slice index that becomes available. */
    public void addArrivalListener(IntConsumer listener) {
        arrivalListeners.add(listener);
    }

    public void removeArrivalListener(IntConsumer listener) {
        arrivalListeners.remove(listener);
    }

    /** A batch of decoded instances, in the order they were decoded; listeners hear of each slice once. */
    void arrive(List<Arrival> batch) {
        List<IntConsumer> listeners = List.copyOf(arrivalListeners);
        for (Arrival a : batch) {
            images[a.instanceIndex()] = a.image();
            arrived++;
            List<SeriesEntry.Slice> slices = entry.slices();
            for (int s = firstSlice[a.instanceIndex()]; s < firstSlice[a.instanceIndex() + 1]; s++) {
                frames[s] = a.image().frame(slices.get(s).frame());
                for (IntConsumer l : listeners) {
                    l.accept(s);
                }
            }
        }
    }

    /**
     * A file of the series that cannot be shown; listeners hear of its slices as of arrived ones, so that a viewport
     * waiting on one replaces "Loading…" by the reason.
     */
    void fail(FailedFile failure) {
        failures.add(failure);
        arrived++;
        List<IntConsumer> listeners = List.copyOf(arrivalListeners);
        List<SeriesEntry.Slice> slices = entry.slices();
        for (int s = 0; s < slices.size(); s++) {
            if (entry.instance(slices.get(s).instanceIndex()).file().equals(failure.file())) {
                for (IntConsumer l : listeners) {
                    l.accept(s);
                }
            }
        }
    }

    List<FailedFile> failures() {
        return failures;
    }

    void setLoading(TaskHandle handle) {
        this.loading = handle;
    }

    /** Stops the background load (closing a study). */
    void cancel() {
        if (loading != null) {
            loading.cancel();
        }
    }
}
