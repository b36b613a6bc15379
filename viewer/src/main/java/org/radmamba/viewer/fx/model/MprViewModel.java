package org.radmamba.viewer.fx.model;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.fx.overlay.LabelMaskImage;
import org.radmamba.viewer.fx.overlay.OverlayStyle;
import org.radmamba.viewer.fx.viewport.WindowLevel;
import org.radmamba.viewer.fx.viewport.WindowLevelDrag;
import org.radmamba.viewer.pixel.PixelPipeline;
import org.radmamba.viewer.pixel.Voi;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.volume.LabelVolume;
import org.radmamba.viewer.volume.NotAVolumeException;
import org.radmamba.viewer.volume.Plane;
import org.radmamba.viewer.volume.Reformatter;
import org.radmamba.viewer.volume.SeriesVolumes;
import org.radmamba.viewer.volume.Slab;
import org.radmamba.viewer.volume.Volume;
import org.radmamba.viewer.volume.VolumeSlice;
import org.radmamba.viewer.fx.task.BackgroundTask;
import org.radmamba.viewer.fx.task.TaskExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * The MPR layout's view model: one series as a volume, its axial, coronal and sagittal planes
 * ({@link MprPlaneViewModel}), the crosshair they share (a patient point: each plane goes through it, and shows
 * where the two others cut it), one window/level for all three, and one slab. Made while the series still loads:
 * the volume's geometry comes from the scan (single-frame images) or from the headers read in the background
 * (enhanced multi-frame images), and the planes fill in as slices arrive. UI thread only.
 */
public final class MprViewModel {

    private final SeriesImages images;
    private final List<MprPlaneViewModel> planes = new ArrayList<>();
    private final ObjectProperty<WindowLevel> window = new SimpleObjectProperty<>(this, "window");
    private final ObjectProperty<Slab> slab = new SimpleObjectProperty<>(this, "slab", Slab.NONE);
    private final ReadOnlyStringWrapper notice = new ReadOnlyStringWrapper(this, "notice", "");
    private final IntConsumer arrivals = this::arrived;
    /** Runs a render later, once for many arrivals (Platform.runLater in the viewer). */
    private final Consumer<Runnable> later;
    private final ObjectProperty<OverlayStyle> overlayStyle =
            new SimpleObjectProperty<>(this, "overlayStyle", OverlayStyle.DEFAULT);
    private final ReadOnlyStringWrapper classVolumes = new ReadOnlyStringWrapper(this, "classVolumes", "");
    private final ObjectProperty<MprLayout> layout = new SimpleObjectProperty<>(this, "layout", MprLayout.ONE_BY_THREE);
    private final ReadOnlyIntegerWrapper acquiredSlice = new ReadOnlyIntegerWrapper(this, "acquiredSlice", -1);
    /** What the left button does in the planes away from the crosshair lines (as in every viewport). */
    private final ObjectProperty<Tool> tool = new SimpleObjectProperty<>(this, "tool", Tool.WINDOW_LEVEL);
    private Volume volume;
    private Reformatter reformatter;
    /** What each slice the volume was made of is in the series (its index in this list is the volume's). */
    private final List<SeriesEntry.Slice> volumeSlices = new ArrayList<>();
    private LabelVolume labels;
    private Function<SeriesEntry.Slice, LabelMaskImage> masks = slice -> null;
    private double[] crosshair;
    private Rotation rotation;
    private boolean renderPending;
    private final TaskExecutor executor;
    /** Left: a background read that ends later changes nothing. */
    private boolean closed;
    private WindowLevelDrag windowDrag;
    private double valueRange = 4096;

    /**
     * @param executor reads the headers of multi-frame images (their frames' positions) off the UI thread, and runs
     *                 renders later on the UI thread, so that slices arriving in one batch cost one render
     */
    public MprViewModel(SeriesImages images, TaskExecutor executor) {
        this.images = images;
        this.executor = executor;
        this.later = executor::runOnUiThread;
        for (Plane plane : Plane.values()) {
            planes.add(new MprPlaneViewModel(this, plane));
        }
        window.addListener((obs, o, n) -> renderAll());
        slab.addListener((obs, o, n) -> renderAll());
        images.addArrivalListener(arrivals);
        build();
    }

    /** Stops following the series' load (leaving the MPR). */
    public void close() {
        closed = true;
        images.removeArrivalListener(arrivals);
        tool.unbind();
    }

    /**
     * Makes the volume's outline from the slices' geometry, before their pixels: single-frame images from the scan
     * (no I/O), multi-frame ones from their headers, read in the background. Either way the slices already loaded
     * are filled in, and the others as they arrive.
     */
    private void build() {
        List<Instance> sliceImages = images.entry().series().instances().stream().filter(i -> i.frameCount() > 0).toList();
        if (sliceImages.stream().allMatch(i -> i.frameCount() == 1)) {
            try {
                outlined(SeriesVolumes.outline(sliceImages, null));
            } catch (NotAVolumeException e) {
                notice.set("Not a volume: " + e.getMessage());
            }
            return;
        }
        notice.set("Reading the frames' positions…");
        BackgroundTask.wrap(() -> SeriesVolumes.outline(sliceImages, DicomReaders.standard()))
                .withTitle("MPR: reading the frames' positions")
                .onSuccess(slices -> {
                    if (!closed) {
                        outlined(slices);
                    }
                })
                .onFailure(e -> notice.set("Not a volume: " + e.getMessage()))
                .executeWith(executor);
    }

    /** The volume of {@code outline} (the series' slices in order, without pixels) with what has loaded so far. */
    private void outlined(List<VolumeSlice> outline) {
        if (outline.size() != images.entry().slices().size()) {
            notice.set("Not a volume: " + outline.size() + " slices outlined, " + images.entry().slices().size() + " in the series");
            return;
        }
        try {
            volume = Volume.of(outline);
            volumeSlices.clear();
            volumeSlices.addAll(images.entry().slices());
            for (int s = 0; s < volumeSlices.size(); s++) {
                if (images.isLoaded(s)) {
                    fill(s);
                }
            }
        } catch (NotAVolumeException e) {
            volume = null;
            notice.set("Not a volume: " + e.getMessage());
            return;
        }
        reformatter = new Reformatter(volume);
        notice.set(String.join("; ", volume.warnings()));
        crosshair = volume.patientPoint((volume.columns() - 1) / 2.0, (volume.rows() - 1) / 2.0,
                (volume.gridSlices() - 1) / 2.0);
        for (MprPlaneViewModel p : planes) {
            p.volumeReady(reformatter);
        }
        chooseWindow();
        buildLabels();
        renderAll();
        followWithAcquiredSlice();
    }

    /** The acquired slice nearest the crosshair becomes the one the acquired viewport shows. */
    private void followWithAcquiredSlice() {
        int nearest = volume == null || crosshair == null ? -1 : volume.sliceNearest(crosshair);
        if (nearest >= 0) {
            acquiredSlice.set(images.entry().slices().indexOf(volumeSlices.get(nearest)));
        }
    }

    /**
     * Shows the masks {@code masksOfSlice} gives for the series' slices (null for a slice without one) in every
     * plane, in {@code style}, with each class's volume; called again whenever the masks or their style change.
     */
    public void showMasks(Function<SeriesEntry.Slice, LabelMaskImage> masksOfSlice, OverlayStyle style) {
        masks = masksOfSlice;
        overlayStyle.set(style);
        buildLabels();
        for (MprPlaneViewModel p : planes) {
            p.renderMask();
        }
    }

    private void buildLabels() {
        labels = null;
        classVolumes.set("");
        if (volume == null) {
            return;
        }
        List<String> names = null;
        LabelVolume built = null;
        for (int i = 0; i < volumeSlices.size(); i++) {
            LabelMaskImage mask = masks.apply(volumeSlices.get(i));
            if (mask == null || mask.width() != volume.columns() || mask.height() != volume.rows()) {
                continue;
            }
            if (built == null) {
                names = mask.names();
                built = new LabelVolume(volume, names);
            }
            built.set(i, mask.labels());
        }
        labels = built;
        if (built != null) {
            double[] ml = built.classVolumesMl();
            List<String> parts = new ArrayList<>();
            for (int k = 0; k < ml.length; k++) {
                String name = k < names.size() ? names.get(k) : "class " + (k + 1);
                parts.add(name + " " + String.format(java.util.Locale.ROOT, "%.1f", ml[k]) + " mL");
            }
            classVolumes.set(String.join(" · ", parts));
        }
    }

    /** The mask volume shown in the planes, null without masks. */
    LabelVolume labels() {
        return labels;
    }

    /** How the masks are drawn: the AI overlay's opacity, outline and visibility. */
    public ObjectProperty<OverlayStyle> overlayStyleProperty() {
        return overlayStyle;
    }

    /** Each class's volume in mL ("lesion 12.3 mL · ..."), "" without masks. */
    public ReadOnlyStringProperty classVolumesProperty() {
        return classVolumes.getReadOnlyProperty();
    }

    private void fill(int slice) throws NotAVolumeException {
        SeriesEntry.Slice s = images.entry().slices().get(slice);
        DecodedFrame frame = images.frame(slice);
        PixelPipeline pipeline = images.image(slice).pipeline(s.frame());
        volume.fill(slice, frame, pipeline);
    }

    private void arrived(int slice) {
        if (volume == null) {
            return; // not a volume, or its multi-frame headers are still being read (they fill what has loaded)
        }
        if (images.isLoaded(slice)) {
            try {
                fill(slice);
            } catch (NotAVolumeException e) {
                notice.set("Not a volume: " + e.getMessage());
                return;
            }
        }
        if (window.get() == null) {
            chooseWindow();
        }
        if (!renderPending) {
            renderPending = true;
            later.accept(() -> {
                renderPending = false;
                renderAll();
            });
        }
    }

    /** The files' first window, else one over the first loaded slice's range. */
    private void chooseWindow() {
        PixelPipeline pipeline = volume.pipeline();
        if (pipeline == null) {
            return;
        }
        Voi.Window range = pipeline.fullRangeWindow(volume.firstFrame());
        valueRange = Math.max(1, range.width());
        Voi voi = pipeline.defaultVoi(volume.firstFrame());
        Voi.Window w = voi instanceof Voi.Window file ? file : range;
        window.set(new WindowLevel(w.center(), Math.max(1, w.width()), w.explanation()));
    }

    void renderAll() {
        for (MprPlaneViewModel p : planes) {
            p.render();
        }
    }

    /** The crosshair moves to {@code point}: each plane goes to the one through it. */
    void moveCrosshair(double[] point) {
        crosshair = point.clone();
        for (MprPlaneViewModel p : planes) {
            p.followCrosshair();
        }
        followWithAcquiredSlice();
    }

    /**
     * A turn of the crosshair drawn on plane {@code pivot}: the two other planes turned about its normal by
     * {@code degrees} (clockwise as the pivot plane shows it), through the crosshair.
     */
    public record Rotation(Plane pivot, double degrees) {
    }

    /**
     * Turns the crosshair on plane {@code pivot} by {@code degrees} more: the other planes turn with it (oblique).
     * One plane's crosshair is turned at a time: turning another's starts again from the orthogonal planes.
     */
    public void rotate(Plane pivot, double degrees) {
        if (reformatter == null) {
            return;
        }
        double from = rotation != null && rotation.pivot() == pivot ? rotation.degrees() : 0;
        double to = Math.IEEEremainder(from + degrees, 360);
        rotation = Math.abs(to) < 1e-9 ? null : new Rotation(pivot, to == -180 ? 180 : to);
        renderAll();
    }

    /** Back to the axial, coronal and sagittal planes. */
    public void resetRotation() {
        if (rotation != null) {
            rotation = null;
            renderAll();
        }
    }

    /** The turn of the crosshair, null while the planes are the orthogonal ones. */
    public Rotation rotation() {
        return rotation;
    }

    double[] crosshair() {
        return crosshair == null ? null : crosshair.clone();
    }

    public void beginWindowDrag() {
        if (window.get() != null) {
            windowDrag = new WindowLevelDrag(window.get(), valueRange);
        }
    }

    public void dragWindow(double dx, double dy) {
        if (windowDrag != null) {
            window.set(windowDrag.dragTo(dx, dy));
        }
    }

    public void endWindowDrag() {
        windowDrag = null;
    }

    public SeriesImages images() {
        return images;
    }

    /** The volume, null while it cannot be made (multi-frame still loading, or not a volume: see the notice). */
    public Volume volume() {
        return volume;
    }

    public List<MprPlaneViewModel> planes() {
        return planes;
    }

    public MprPlaneViewModel plane(Plane plane) {
        return planes.get(plane.ordinal());
    }

    /** Three planes side by side, or two by two with the acquired images. */
    public ObjectProperty<MprLayout> layoutProperty() {
        return layout;
    }

    /**
     * The series' slice (index in its slices) nearest the crosshair along the acquisition's stack: the acquired
     * viewport of the 2×2 layout shows it; −1 before the volume is ready.
     */
    public ReadOnlyIntegerProperty acquiredSliceProperty() {
        return acquiredSlice.getReadOnlyProperty();
    }

    /** The viewer's tool (bound to it while the MPR is shown): measuring tools measure in any plane. */
    public ObjectProperty<Tool> toolProperty() {
        return tool;
    }

    /** The window/level of all three planes. */
    public ObjectProperty<WindowLevel> windowProperty() {
        return window;
    }

    /** The slab every plane shows (Slab.NONE: the plane alone). */
    public ObjectProperty<Slab> slabProperty() {
        return slab;
    }

    /** What the user should know: the volume's warnings (gantry tilt, gaps, resampling) or why there is none. */
    public ReadOnlyStringProperty noticeProperty() {
        return notice.getReadOnlyProperty();
    }
}
