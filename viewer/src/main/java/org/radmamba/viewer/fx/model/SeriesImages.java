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
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/**
 * The decoded pixels of one series, filled in by background loads, instance by instance, starting at the slice
 * the user looks at. A series that grows (a scan or a retrieve still running) grows these in place: what was decoded
 * stays, and the loads running for it go on, their instances found by file in the grown series. Read and written on
 * the UI thread only (the loads publish there), so no locking.
 */
public final class SeriesImages {

    private SeriesEntry entry;
    private LoadedImage[] images;
    private DecodedFrame[] frames;
    private final List<IntConsumer> arrivalListeners = new ArrayList<>();
    private final List<FailedFile> failures = new ArrayList<>();
    /** The slices of instance i are firstSlice[i] .. firstSlice[i + 1] - 1 (slices go instance by instance). */
    private int[] firstSlice;
    private Map<Path, Integer> indexOfFile;
    private int arrived;
    private final List<Load> loads = new ArrayList<>();

    /**
     * A background load of some of the series' files; {@code started} turns true on its worker as it begins.
     * {@code forSliceInView}: the load of the one file a viewport shows, asked for by that viewport's slice change.
     */
    record Load(TaskHandle handle, Set<Path> files, AtomicBoolean started, boolean forSliceInView) {
    }

    /** One decoded instance, as a background load hands it over. */
    record Arrival(Instance instance, DecodedImage image) {
    }

    SeriesImages(SeriesEntry entry) {
        layOut(entry);
        this.images = new LoadedImage[entry.series().instances().size()];
        this.frames = new DecodedFrame[entry.slices().size()];
    }

    private void layOut(SeriesEntry shown) {
        this.entry = shown;
        int instances = shown.series().instances().size();
        this.firstSlice = new int[instances + 1];
        this.indexOfFile = new HashMap<>();
        List<SeriesEntry.Slice> slices = shown.slices();
        int s = 0;
        for (int i = 0; i < instances; i++) {
            firstSlice[i] = s;
            indexOfFile.put(shown.instance(i).file(), i);
            while (s < slices.size() && slices.get(s).instanceIndex() == i) {
                s++;
            }
        }
        firstSlice[instances] = s;
    }

    /**
     * Becomes the images of {@code grown}, this series with more instances: what was decoded or found undecodable
     * is kept, and what the loads running now still hand over lands on its file's place in the grown series.
     */
    void growTo(SeriesEntry grown) {
        LoadedImage[] oldImages = images;
        DecodedFrame[] oldFrames = frames;
        int[] oldFirstSlice = firstSlice;
        Map<Path, Integer> oldIndex = indexOfFile;
        layOut(grown);
        images = new LoadedImage[grown.series().instances().size()];
        frames = new DecodedFrame[grown.slices().size()];
        List<SeriesEntry.Slice> slices = grown.slices();
        for (int i = 0; i < images.length; i++) {
            Integer old = oldIndex.get(grown.instance(i).file());
            if (old == null || oldImages[old] == null) {
                continue;
            }
            images[i] = oldImages[old];
            for (int s = firstSlice[i]; s < firstSlice[i + 1]; s++) {
                frames[s] = oldFrames[oldFirstSlice[old] + slices.get(s).frame()];
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
            Integer index = indexOfFile.get(a.instance().file());
            if (index == null || isSettled(index)) {
                continue;
            }
            images[index] = a.image();
            arrived++;
            List<SeriesEntry.Slice> slices = entry.slices();
            for (int s = firstSlice[index]; s < firstSlice[index + 1]; s++) {
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
        Integer index = indexOfFile.get(failure.file());
        if (index == null || isSettled(index)) {
            return;
        }
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

    /** Whether {@code handle} is one of this series' loads. */
    boolean isLoad(TaskHandle handle) {
        return loads.stream().anyMatch(l -> l.handle() == handle);
    }

    void addLoad(Load load) {
        loads.removeIf(l -> l.handle().isDone());
        loads.add(load);
    }

    /** Whether a load not cancelled will still read {@code file} (queued or under way). */
    boolean isBeingRead(Path file) {
        return loads.stream().anyMatch(l -> !l.handle().isDone() && !l.handle().isCancelled()
                && l.files().contains(file));
    }

    /**
     * Cancels the loads of slices in view that have not begun and whose file no viewport shows any more: the user
     * scrolled on, and the slice now in view should not wait behind them.
     */
    void cancelWaitingSliceLoads(Set<Path> filesInView) {
        for (java.util.Iterator<Load> it = loads.iterator(); it.hasNext(); ) {
            Load load = it.next();
            if (load.forSliceInView() && !load.started().get()
                    && load.files().stream().noneMatch(filesInView::contains)) {
                load.handle().cancel();
                it.remove();
            }
        }
    }

    /**
     * Before a load of the grown series: cancels the loads that have not begun (the new one reads their files too,
     * into one set of slabs) and returns the files the running ones will still read (the new one leaves them).
     */
    Set<Path> keepRunningLoads() {
        Set<Path> claimed = new HashSet<>();
        for (java.util.Iterator<Load> it = loads.iterator(); it.hasNext(); ) {
            Load load = it.next();
            // A cancelled load hands nothing more over, begun or not.
            if (load.handle().isDone() || load.handle().isCancelled() || !load.started().get()) {
                load.handle().cancel();
                it.remove();
            } else {
                claimed.addAll(load.files());
            }
        }
        return claimed;
    }

    /** Stops the background loads (closing a study). */
    void cancel() {
        loads.forEach(l -> l.handle().cancel());
    }
}
