package org.radmamba.viewer.fx.model;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Point2D;
import javafx.scene.image.WritableImage;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.FrameFormat;
import org.radmamba.viewer.fx.measure.ImagePoint;
import org.radmamba.viewer.fx.measure.Measurement;
import org.radmamba.viewer.fx.measure.Calibration;
import org.radmamba.viewer.fx.measure.PixelValues;
import org.radmamba.viewer.fx.viewport.CtPresets;
import org.radmamba.viewer.fx.viewport.DisplayImage;
import org.radmamba.viewer.fx.viewport.ViewportTransform;
import org.radmamba.viewer.fx.viewport.WindowLevel;
import org.radmamba.viewer.fx.viewport.WindowLevelDrag;
import org.radmamba.viewer.pixel.PixelPipeline;
import org.radmamba.viewer.pixel.Voi;
import org.radmamba.viewer.study.FailedFile;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.LoadedImage;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * One viewport's state and behaviour: which series and slice, window, orientation; its measurements are drawn by a
 * {@link MeasurementEditor} and its corner text composed by {@link CornerText}. Renders through the DICOM layer's {@link PixelPipeline} into one {@link WritableImage}. UI thread only.
 */
public final class ViewportViewModel implements ToolTarget {

    /** Slices moved by Page Up / Page Down. */
    public static final int PAGE = 10;

    private final SeriesProvider provider;
    private final MeasurementStore measurementStore;
    private final DisplayImage display = new DisplayImage();

    private final ReadOnlyObjectWrapper<SeriesEntry> series = new ReadOnlyObjectWrapper<>(this, "series");
    private final ReadOnlyIntegerWrapper slice = new ReadOnlyIntegerWrapper(this, "slice");
    private final ReadOnlyObjectWrapper<Instance> instance = new ReadOnlyObjectWrapper<>(this, "instance");
    private final ReadOnlyIntegerWrapper sliceCount = new ReadOnlyIntegerWrapper(this, "sliceCount");
    private final ReadOnlyObjectWrapper<WritableImage> image = new ReadOnlyObjectWrapper<>(this, "image");
    private final ReadOnlyLongWrapper imageRevision =
            new ReadOnlyLongWrapper(this, "imageRevision");
    private final ReadOnlyObjectWrapper<Voi> voi = new ReadOnlyObjectWrapper<>(this, "voi");
    private final BooleanProperty inverted = new SimpleBooleanProperty(this, "inverted");
    private final ObjectProperty<ViewportTransform> transform =
            new SimpleObjectProperty<>(this, "transform", ViewportTransform.fit());
    private final ObjectProperty<Tool> tool = new SimpleObjectProperty<>(this, "tool", Tool.WINDOW_LEVEL);
    private final MeasurementEditor editor = new MeasurementEditor(tool);
    private final ReadOnlyObjectWrapper<Calibration> spacing =
            new ReadOnlyObjectWrapper<>(this, "spacing", Calibration.UNKNOWN);
    private final ReadOnlyStringWrapper topLeft = new ReadOnlyStringWrapper(this, "topLeft", "");
    private final ReadOnlyStringWrapper topRight = new ReadOnlyStringWrapper(this, "topRight", "");
    private final ReadOnlyStringWrapper bottomLeft = new ReadOnlyStringWrapper(this, "bottomLeft", "");
    private final ReadOnlyStringWrapper bottomRight = new ReadOnlyStringWrapper(this, "bottomRight", "");
    private final ReadOnlyStringWrapper cannotDisplay = new ReadOnlyStringWrapper(this, "cannotDisplay", "");
    private final DoubleProperty cineFramesPerSecond = new SimpleDoubleProperty(this, "cineFramesPerSecond", 10);
    private final BooleanProperty cineRunning = new SimpleBooleanProperty(this, "cineRunning");
    private final IntegerProperty viewWidth = new SimpleIntegerProperty(this, "viewWidth", 512);
    private final IntegerProperty viewHeight = new SimpleIntegerProperty(this, "viewHeight", 512);

    private SeriesImages images;
    private final IntConsumer arrivalListener = this::sliceArrived;
    private byte[] greyBuffer = new byte[0];
    private int[] argbBuffer = new int[0];
    private WindowLevelDrag windowDrag;
    private String probeText = "";

    public ViewportViewModel(SeriesProvider provider, MeasurementStore measurementStore) {
        this.provider = provider;
        this.measurementStore = measurementStore;
        inverted.addListener((obs, o, n) -> render());
        transform.addListener((obs, o, n) -> updateCornerText());
        viewWidth.addListener((obs, o, n) -> updateCornerText());
        viewHeight.addListener((obs, o, n) -> updateCornerText());
    }

    // ---- series and slices ----

    /** Shows {@code entry} from its first slice, fitted, with its own default window. */
    public void show(SeriesEntry entry) {
        detach();
        series.set(entry);
        voi.set(null);
        inverted.set(false);
        cineRunning.set(false);
        sliceCount.set(entry == null ? 0 : entry.slices().size());
        slice.set(0);
        // The image shown is the previous series' (another patient's, maybe) until this one's first frame renders.
        image.set(null);
        cannotDisplay.set("");
        if (entry == null || !entry.isDisplayable()) {
            images = null;
            instance.set(null);
            image.set(null);
            editor.show(FXCollections.observableArrayList());
            updateCornerText();
            return;
        }
        images = provider.images(entry, 0);
        images.addArrivalListener(arrivalListener);
        transform.set(ViewportTransform.fit(pixelAspect(entry.instance(0))));
        sliceChanged();
    }

    /**
     * Shows {@code grown}, the series shown now with more instances (a retrieve still running), on the image shown
     * now, with the window, zoom and pan as they are: the user's view does not jump as instances arrive.
     */
    public void showGrown(SeriesEntry grown) {
        SeriesEntry shown = series.get();
        if (shown == null || !shown.isDisplayable() || !grown.isDisplayable()) {
            show(grown);
            return;
        }
        SeriesEntry.Slice current = shown.slices().get(slice.get());
        java.nio.file.Path file = shown.instance(current.instanceIndex()).file();
        int same = -1;
        for (int i = 0; i < grown.slices().size(); i++) {
            SeriesEntry.Slice s = grown.slices().get(i);
            if (s.frame() == current.frame() && grown.instance(s.instanceIndex()).file().equals(file)) {
                same = i;
                break;
            }
        }
        boolean onScreen = same >= 0 && image.get() != null;
        same = Math.max(0, same);
        detach();
        series.set(grown);
        sliceCount.set(grown.slices().size());
        slice.set(same);
        images = provider.images(grown, same);
        images.addArrivalListener(arrivalListener);
        if (onScreen) {
            // The same frame stays on screen under the same window: only the text around it changes (the slice
            // count). Rendering it again at each part of a running scan cost the UI thread a whole frame each time.
            instance.set(grown.instance(grown.slices().get(same).instanceIndex()));
            updateCornerText();
        } else {
            sliceChanged();
        }
    }

    /** Forgets the series (the study was closed). */
    public void clear() {
        show(null);
    }

    private void detach() {
        if (images != null) {
            images.removeArrivalListener(arrivalListener);
        }
        cancelDraft();
    }

    private void sliceArrived(int arrivedSlice) {
        if (arrivedSlice == slice.get()) {
            // The first image shows as soon as it is decoded; later ones as the user reaches them.
            sliceChanged();
        }
    }

    public void setSlice(int index) {
        if (images == null || sliceCount.get() == 0) {
            return;
        }
        int clamped = Math.clamp(index, 0, sliceCount.get() - 1);
        if (clamped != slice.get()) {
            slice.set(clamped);
            cancelDraft();
            sliceChanged();
        }
    }

    public void scrollBy(int delta) {
        setSlice(slice.get() + delta);
    }

    public void firstSlice() {
        setSlice(0);
    }

    public void lastSlice() {
        setSlice(sliceCount.get() - 1);
    }

    /** Next slice, wrapping to the first: one cine step. */
    public void cineStep() {
        if (sliceCount.get() > 0) {
            int next = (slice.get() + 1) % sliceCount.get();
            slice.set(next);
            sliceChanged();
        }
    }

    private void sliceChanged() {
        SeriesEntry entry = series.get();
        SeriesEntry.Slice s = entry.slices().get(slice.get());
        Instance current = entry.instance(s.instanceIndex());
        instance.set(current);
        editor.show(measurementStore.of(new MeasurementStore.ImageKey(current.file(), s.frame())));
        spacing.set(spacingOf(current));
        if (!images.isLoaded(slice.get())) {
            // Not every slice of a series is being read (one still being scanned): this one is, now it is in view.
            provider.loadSliceInView(images, slice.get());
        }
        render();
    }

    // ---- rendering ----

    /**
     * Renders the current slice with the current window into the display image. Until the slice is loaded the
     * viewport shows no image, and when it cannot be decoded it shows {@link #cannotDisplayProperty() why}: never
     * the pixels of another slice or series under this one's corner text.
     */
    public void render() {
        if (images == null) {
            return;
        }
        int index = slice.get();
        DecodedFrame frame = images.frame(index);
        LoadedImage loaded = images.image(index);
        if (frame == null || loaded == null) {
            image.set(null);
            FailedFile failure = images.failure(index);
            cannotDisplay.set(failure == null ? "" : "Cannot display: " + failure.reason());
            updateCornerText();
            return;
        }
        try {
            renderFrame(index, frame, loaded);
            cannotDisplay.set("");
        } catch (RuntimeException e) {
            // A frame whose values its pipeline cannot map (a LUT too short for them, say) is this image's fault.
            image.set(null);
            cannotDisplay.set("Cannot display: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
        updateCornerText();
    }

    private void renderFrame(int index, DecodedFrame frame, LoadedImage loaded) {
        PixelPipeline pipeline = loaded.pipeline(series.get().slices().get(index).frame());
        FrameFormat format = pipeline.format();
        int pixels = format.rows() * format.columns();
        if (voi.get() == null) {
            voi.set(pipeline.defaultVoi(frame));
        }
        if (pipeline.isColour()) {
            if (argbBuffer.length != pixels) {
                argbBuffer = new int[pixels];
            }
            pipeline.toArgb(frame, voi.get(), argbBuffer);
            image.set(display.writeArgb(argbBuffer, format.columns(), format.rows(), inverted.get()));
            imageRevision.set(imageRevision.get() + 1);
        } else {
            if (greyBuffer.length != pixels) {
                greyBuffer = new byte[pixels];
            }
            pipeline.toGrey(frame, voi.get(), greyBuffer);
            image.set(display.writeGrey(greyBuffer, format.columns(), format.rows(), inverted.get()));
            imageRevision.set(imageRevision.get() + 1);
        }
    }

    /** The current slice's pipeline and frame as values for statistics and the probe; null until loaded. */
    public PixelValues currentValues() {
        if (images == null || images.frame(slice.get()) == null) {
            return null;
        }
        int index = slice.get();
        LoadedImage loaded = images.image(index);
        return new FramePixelValues(images.frame(index), loaded.pipeline(series.get().slices().get(index).frame()));
    }

    private PixelPipeline currentPipeline() {
        if (images == null || images.image(slice.get()) == null) {
            return null;
        }
        return images.image(slice.get()).pipeline(series.get().slices().get(slice.get()).frame());
    }

    // ---- window / level ----

    /** The windows the file offers, then the CT presets for CT (or HU) images. */
    public List<Voi> windowPresets() {
        List<Voi> presets = new ArrayList<>();
        PixelPipeline pipeline = currentPipeline();
        if (pipeline == null || pipeline.isColour()) {
            return presets;
        }
        presets.addAll(pipeline.vois());
        SeriesEntry entry = series.get();
        if ("CT".equals(entry.series().modality()) || "HU".equals(pipeline.units())) {
            CtPresets.ALL.forEach(p -> presets.add(p.toVoi()));
        }
        return presets;
    }

    /** The windows and VOI LUTs the file offers, in the file's order; empty for colour or no image. */
    public List<Voi> fileWindows() {
        PixelPipeline pipeline = currentPipeline();
        return pipeline == null || pipeline.isColour() ? List.of() : pipeline.vois();
    }

    /**
     * Shows the file's next window after the one shown, round the list (its first when the window shown is not
     * one of the file's): the keyboard's way through "From the file". False when the file offers none.
     */
    public boolean applyNextFileWindow() {
        List<Voi> windows = fileWindows();
        if (windows.isEmpty()) {
            return false;
        }
        applyWindow(windows.get((windows.indexOf(voi.get()) + 1) % windows.size()));
        return true;
    }

    public void applyWindow(Voi newVoi) {
        voi.set(newVoi);
        render();
    }

    public void applyWindow(WindowLevel preset) {
        applyWindow(preset.toVoi());
    }

    /** Back to the file's first window (or the full range). */
    public void resetWindow() {
        voi.set(null);
        render();
    }

    /** Starts a window drag from the current window; no-op for colour images. */
    public void beginWindowDrag() {
        PixelPipeline pipeline = currentPipeline();
        if (pipeline == null || pipeline.isColour()) {
            windowDrag = null;
            return;
        }
        WindowLevel start = switch (voi.get()) {
            case Voi.Window w -> new WindowLevel(w.center(), w.width());
            // A VOI LUT has no centre and width: drag from the full-range window.
            case null, default -> {
                Voi.Window full = pipeline.fullRangeWindow(images.frame(slice.get()));
                yield new WindowLevel(full.center(), full.width());
            }
        };
        double range = pipeline.fullRangeWindow(images.frame(slice.get())).width();
        windowDrag = new WindowLevelDrag(start, range);
    }

    /** The window after dragging {@code dx, dy} screen pixels since {@link #beginWindowDrag}. */
    public void dragWindow(double dx, double dy) {
        if (windowDrag == null) {
            return;
        }
        WindowLevel w = windowDrag.dragTo(dx, dy);
        applyWindow(new Voi.Window(w.center(), w.width(), org.radmamba.viewer.pixel.VoiFunction.LINEAR, "Custom"));
    }

    public void endWindowDrag() {
        windowDrag = null;
    }

    // ---- geometry ----

    public void zoomAbout(double factor, Point2D anchor) {
        Point2D size = imageSize();
        if (size != null) {
            transform.set(transform.get().zoomAbout(factor, anchor, size.getX(), size.getY(), viewWidth.get(),
                    viewHeight.get()));
        }
    }

    public void zoomBy(double factor) {
        zoomAbout(factor, new Point2D(viewWidth.get() / 2.0, viewHeight.get() / 2.0));
    }

    public void fit() {
        transform.set(transform.get().fitted());
    }

    public void actualSize() {
        transform.set(transform.get().actualSize());
    }

    public void panBy(double dx, double dy) {
        transform.set(transform.get().panBy(dx, dy));
    }

    public void rotateClockwise() {
        transform.set(transform.get().rotateClockwise());
    }

    public void rotateCounterClockwise() {
        transform.set(transform.get().rotateCounterClockwise());
    }

    public void flipHorizontally() {
        transform.set(transform.get().flippedHorizontally());
    }

    public void flipVertically() {
        transform.set(transform.get().flippedVertically());
    }

    public void toggleInvert() {
        inverted.set(!inverted.get());
    }

    /** Fit, upright, unflipped, not inverted, the file's window. */
    public void reset() {
        transform.set(ViewportTransform.fit(transform.get().pixelAspect()));
        inverted.set(false);
        resetWindow();
    }

    private Point2D imageSize() {
        WritableImage img = image.get();
        return img == null ? null : new Point2D(img.getWidth(), img.getHeight());
    }

    // ---- measurements (drawn and selected by the editor; the viewport says which image's list is in view) ----

    /** Mouse pressed with a measuring tool at an image point. */
    public void beginMeasurement(ImagePoint at) {
        editor.begin(at, image.get() != null);
    }

    /** Mouse dragged: moves the last point of the measurement being drawn. */
    public void updateMeasurement(ImagePoint at) {
        editor.update(at);
    }

    /** Mouse released: completes the measurement (an angle needs one more click). */
    public void finishMeasurement(ImagePoint at) {
        editor.finish(at);
    }

    /** See {@link MeasurementEditor#clickAt}. */
    public void clickAt(ImagePoint at, double tolerance) {
        editor.clickAt(at, tolerance);
    }

    /** Selects a measurement on the current image, or nothing with null. */
    public void selectMeasurement(Measurement m) {
        editor.select(m);
    }

    /** Adds a finished measurement (keyboard-free scripting and tests). */
    public void addMeasurement(Measurement m) {
        editor.add(m);
    }

    /** Deletes the selected measurement (the last one drawn, unless the user clicked another); none: no-op. */
    public void deleteSelectedMeasurement() {
        editor.deleteSelected();
    }

    public void clearMeasurements() {
        editor.clear();
    }

    public void cancelDraft() {
        editor.cancelDraft();
    }

    /** The label of a measurement on the current image. */
    public String labelOf(Measurement m) {
        PixelValues values = currentValues();
        if (values == null) {
            return "";
        }
        return m.label(spacing.get(), values);
    }

    // ---- probe ----

    /** Updates the probe text for the image point under the cursor; null clears it. */
    public void probe(ImagePoint at) {
        probeText = CornerText.probe(currentValues(), at);
        updateCornerText();
    }

    public String probeText() {
        return probeText;
    }

    // ---- corner text ----

    private void updateCornerText() {
        SeriesEntry entry = series.get();
        if (entry == null) {
            topLeft.set("");
            topRight.set("");
            bottomLeft.set("");
            bottomRight.set("");
            return;
        }
        int index = slice.get();
        SeriesEntry.Slice s = entry.isDisplayable() ? entry.slices().get(index) : null;
        Instance instance = s == null ? null : entry.instance(s.instanceIndex());
        topLeft.set(CornerText.topLeft(entry.patient().patientName(), entry.patient().patientId(),
                entry.study().studyDate(), entry.study().description()));
        topRight.set(CornerText.topRight(entry.description(), entry.series().seriesNumber(), index, sliceCount.get(),
                instance == null ? null : instance.geometry().orElse(null)));
        String loadState = null;
        if (images != null && !images.isLoaded(index)) {
            FailedFile failure = images.failure(index);
            loadState = failure == null ? "Loading…" : "Cannot display: " + failure.reason();
        }
        PixelPipeline pipeline = currentPipeline();
        Point2D size = imageSize();
        double zoom = size == null ? Double.NaN
                : transform.get().effectiveZoom(size.getX(), size.getY(), viewWidth.get(), viewHeight.get());
        bottomLeft.set(CornerText.bottomLeft(loadState, voi.get(), pipeline != null && !pipeline.isColour(), zoom,
                inverted.get()));
        bottomRight.set(probeText);
    }

    private static Calibration spacingOf(Instance instance) {
        return Calibration.of(instance.geometry().orElse(null));
    }

    private static double pixelAspect(Instance instance) {
        Calibration s = spacingOf(instance);
        return s.isCalibrated() ? s.aspectRatio() : 1;
    }

    // ---- properties ----

    public ReadOnlyObjectProperty<SeriesEntry> seriesProperty() {
        return series.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty sliceProperty() {
        return slice.getReadOnlyProperty();
    }

    /** The instance of the slice in view; null without a series. */
    public ReadOnlyObjectProperty<Instance> instanceProperty() {
        return instance.getReadOnlyProperty();
    }

    public ReadOnlyIntegerProperty sliceCountProperty() {
        return sliceCount.getReadOnlyProperty();
    }

    /** Counts the renders into {@link #imageProperty()}'s image, which is refilled in place (the same object). */
    public ReadOnlyLongProperty imageRevisionProperty() {
        return imageRevision.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<WritableImage> imageProperty() {
        return image.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Voi> voiProperty() {
        return voi.getReadOnlyProperty();
    }

    public BooleanProperty invertedProperty() {
        return inverted;
    }

    public ObjectProperty<ViewportTransform> transformProperty() {
        return transform;
    }

    public ObjectProperty<Tool> toolProperty() {
        return tool;
    }

    public ReadOnlyObjectProperty<ObservableList<Measurement>> measurementsProperty() {
        return editor.measurementsProperty();
    }

    public ReadOnlyObjectProperty<Measurement> draftProperty() {
        return editor.draftProperty();
    }

    /** The measurement Delete removes; null when none is selected. */
    public ReadOnlyObjectProperty<Measurement> selectedMeasurementProperty() {
        return editor.selectedProperty();
    }

    public ReadOnlyObjectProperty<Calibration> spacingProperty() {
        return spacing.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty topLeftProperty() {
        return topLeft.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty topRightProperty() {
        return topRight.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty bottomLeftProperty() {
        return bottomLeft.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty bottomRightProperty() {
        return bottomRight.getReadOnlyProperty();
    }

    /** "Cannot display: <reason>" while the slice in view cannot be decoded or rendered, else "". */
    public ReadOnlyStringProperty cannotDisplayProperty() {
        return cannotDisplay.getReadOnlyProperty();
    }

    public DoubleProperty cineFramesPerSecondProperty() {
        return cineFramesPerSecond;
    }

    public BooleanProperty cineRunningProperty() {
        return cineRunning;
    }

    public IntegerProperty viewWidthProperty() {
        return viewWidth;
    }

    public IntegerProperty viewHeightProperty() {
        return viewHeight;
    }
}
