package org.radmamba.viewer.fx.model;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Point2D;
import javafx.scene.image.Image;
import javafx.scene.transform.Affine;
import org.radmamba.viewer.fx.measure.Calibration;
import org.radmamba.viewer.fx.measure.ImagePoint;
import org.radmamba.viewer.fx.measure.Measurement;
import org.radmamba.viewer.fx.measure.PixelValues;
import org.radmamba.viewer.fx.overlay.LabelMaskImage;
import org.radmamba.viewer.fx.viewport.CrosshairHandles;
import org.radmamba.viewer.fx.viewport.CrosshairHandles.Handle;
import org.radmamba.viewer.fx.viewport.DisplayImage;
import org.radmamba.viewer.fx.viewport.ViewportTransform;
import org.radmamba.viewer.fx.viewport.WindowLevel;
import org.radmamba.viewer.volume.LabelVolume;
import org.radmamba.viewer.volume.Plane;
import org.radmamba.viewer.volume.PlaneGeometry;
import org.radmamba.viewer.volume.PlaneRendering;
import org.radmamba.viewer.volume.Reformatter;
import org.radmamba.viewer.volume.Slab;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One plane of the MPR layout: which plane along its normal it shows, the image of it under the shared window,
 * its own zoom and pan, where the crosshair's lines cross it (in image pixels), its corner text, and the
 * measurements drawn on it (by the viewer's {@link MeasurementEditor}, in mm of the plane's own pixel spacing: the
 * in-plane spacing across the acquired slices, the slice spacing along the stack). Each plane position keeps its
 * own measurements, as each acquired image does. UI thread only.
 */
public final class MprPlaneViewModel implements ToolTarget {

    private static final String[] AXIS_NAMES = {"x", "y", "z"};

    private final MprViewModel owner;
    private final Plane plane;
    private final IntegerProperty index = new SimpleIntegerProperty(this, "index", -1);
    private final IntegerProperty planeCount = new SimpleIntegerProperty(this, "planeCount", 0);
    private final ObjectProperty<Image> image = new SimpleObjectProperty<>(this, "image");
    private final LongProperty imageRevision = new SimpleLongProperty(this, "imageRevision");
    private final ObjectProperty<ViewportTransform> transform =
            new SimpleObjectProperty<>(this, "transform", ViewportTransform.fit());
    private final DoubleProperty crosshairColumn = new SimpleDoubleProperty(this, "crosshairColumn", Double.NaN);
    private final DoubleProperty crosshairRow = new SimpleDoubleProperty(this, "crosshairRow", Double.NaN);
    private final StringProperty topLeft = new SimpleStringProperty(this, "topLeft", "");
    private final StringProperty topRight = new SimpleStringProperty(this, "topRight", "");
    private final StringProperty bottomLeft = new SimpleStringProperty(this, "bottomLeft", "");
    private final StringProperty bottomRight = new SimpleStringProperty(this, "bottomRight", "");
    private final ObjectProperty<LabelMaskImage> mask = new SimpleObjectProperty<>(this, "mask");
    private final DoubleProperty lineAngle = new SimpleDoubleProperty(this, "lineAngle", 0);
    private final DisplayImage display = new DisplayImage();
    private final MeasurementEditor editor;
    /** Measurements by plane position (index and orientation), as the viewer keeps them by image. */
    private final Map<List<Object>, ObservableList<Measurement>> measurementsByPosition = new HashMap<>();
    private Reformatter reformatter;
    private PlaneGeometry geometry;
    private float[] values = new float[0];
    private byte[] grey = new byte[0];
    private double viewWidth;
    private double viewHeight;
    /** The crosshair part being dragged (NONE: none), where the drag began on the screen and the crosshair then. */
    private Handle draggedHandle = Handle.NONE;
    private double dragStartX;
    private double dragStartY;
    private double[] dragStartCrosshair;

    MprPlaneViewModel(MprViewModel owner, Plane plane) {
        this.owner = owner;
        this.plane = plane;
        this.editor = new MeasurementEditor(owner.toolProperty());
        topLeft.set(label());
        topRight.set(owner.images().entry().description());
    }

    void volumeReady(Reformatter reformatter) {
        this.reformatter = reformatter;
        geometry = targetGeometry();
        planeCount.set(geometry.planeCount());
        index.set(geometry.index());
        // Rows and columns of a reformat may have different spacings (slice spacing against pixel spacing).
        transform.set(ViewportTransform.fit(aspect(geometry)));
        crosshairMoved();
    }

    private static double aspect(PlaneGeometry g) {
        return g.pixelSpacing()[0] / g.pixelSpacing()[1];
    }

    /**
     * The plane to show for the crosshair and rotation now: the orthogonal plane through the crosshair (the nearest
     * of the grid), or, while another plane's crosshair is turned, this plane turned with it (oblique).
     */
    private PlaneGeometry targetGeometry() {
        double[] point = owner.crosshair();
        MprViewModel.Rotation rotation = owner.rotation();
        if (rotation != null && rotation.pivot() != plane) {
            return reformatter.oblique(plane, rotation.pivot(), rotation.degrees(), point);
        }
        return reformatter.geometry(plane, reformatter.indexAt(plane, point));
    }

    /** Reformats the plane (or slab) under the shared window into the image. */
    void render() {
        WindowLevel window = owner.windowProperty().get();
        if (reformatter == null) {
            return;
        }
        PlaneGeometry target = targetGeometry();
        if (geometry != null && Math.abs(aspect(target) - aspect(geometry)) > 1e-9) {
            // A turned plane may have other spacings: keep its pixels square in mm on the screen.
            transform.set(transform.get().withPixelAspect(aspect(target)));
        }
        geometry = target;
        planeCount.set(geometry.planeCount());
        index.set(geometry.index());
        double degrees = owner.rotation() == null ? 0 : owner.rotation().degrees();
        lineAngle.set(owner.rotation() != null && owner.rotation().pivot() == plane ? degrees : 0);
        crosshairMoved();
        if (window == null) {
            return;
        }
        int pixels = geometry.rows() * geometry.columns();
        if (values.length != pixels) {
            values = new float[pixels];
            grey = new byte[pixels];
        }
        Slab slab = owner.slabProperty().get();
        if (isOblique()) {
            reformatter.reformat(geometry, slab, values);
        } else {
            reformatter.reformat(plane, index.get(), slab, values);
        }
        PlaneRendering.toGrey(values, window.toVoi(), PlaneRendering.isMonochrome1(reformatter.volume()), grey);
        image.set(display.writeGrey(grey, geometry.columns(), geometry.rows(), false));
        imageRevision.set(imageRevision.get() + 1);
        updateText(window, slab);
        editor.show(measurementsByPosition.computeIfAbsent(positionKey(), k -> FXCollections.observableArrayList()));
        renderMask();
    }

    /** Whether the plane is turned out of the patient axes (another plane's crosshair is turned). */
    public boolean isOblique() {
        MprViewModel.Rotation rotation = owner.rotation();
        return rotation != null && rotation.pivot() != plane;
    }

    /** Where the plane is: its orientation and its first pixel (which moves with the index). */
    private List<Object> positionKey() {
        return List.of(Arrays.toString(geometry.firstPixel()), Arrays.toString(geometry.rowCosines()),
                Arrays.toString(geometry.columnCosines()));
    }

    /** The mask volume's labels on this plane, or none. */
    void renderMask() {
        LabelVolume labels = owner.labels();
        if (labels == null || geometry == null) {
            mask.set(null);
            return;
        }
        byte[] planeLabels = new byte[geometry.rows() * geometry.columns()];
        reformatter.reformatLabels(geometry, labels, planeLabels);
        mask.set(new LabelMaskImage(geometry.columns(), geometry.rows(), planeLabels, labels.names()));
    }

    private void updateText(WindowLevel window, Slab slab) {
        MprViewModel.Rotation rotation = owner.rotation();
        String turned = "";
        if (rotation != null) {
            turned = "\n" + (rotation.pivot() == plane ? "crosshair turned " : "oblique, turned ")
                    + String.format(Locale.ROOT, "%.1f", rotation.degrees()) + "°"
                    + (rotation.pivot() == plane ? "" : " about the " + rotation.pivot().label() + " normal");
        }
        topLeft.set(label() + "  " + (index.get() + 1) + " / " + planeCount.get() + turned);
        int slabPlanes = slab.planes(reformatter.normalSpacing(geometry));
        String position = isOblique()
                ? String.format(Locale.ROOT, "%.1f mm along the normal", (index.get() - (planeCount.get() - 1) / 2.0)
                        * reformatter.normalSpacing(geometry))
                : AXIS_NAMES[plane.normalAxis()] + " " + String.format(Locale.ROOT, "%.1f", geometry.normalPosition()) + " mm";
        bottomLeft.set(position + (slabPlanes > 1 ? "\n" + slab.mode().label() + " "
                + String.format(Locale.ROOT, "%.1f", slab.thicknessMm()) + " mm (" + slabPlanes + " planes)" : ""));
        bottomRight.set(String.format(Locale.ROOT, "W %.0f  L %.0f", window.width(), window.center()));
    }

    private String label() {
        String name = plane.label();
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /** The crosshair moved: the plane goes to the one through it (when that is another), its lines follow. */
    void followCrosshair() {
        if (reformatter == null) {
            return;
        }
        PlaneGeometry target = targetGeometry();
        if (geometry == null || target.index() != geometry.index() || target.planeCount() != geometry.planeCount()
                || !Arrays.equals(target.firstPixel(), geometry.firstPixel())) {
            render();
        }
        crosshairMoved();
    }

    /** Places the crosshair's lines where it now is. */
    void crosshairMoved() {
        double[] point = owner.crosshair();
        if (geometry == null || point == null) {
            return;
        }
        double[] image = imagePointOf(point);
        crosshairColumn.set(image[0]);
        crosshairRow.set(image[1]);
    }

    /** The image point (x, y) of a patient point on this plane; image coordinates put pixel i's centre at i + 0.5. */
    private double[] imagePointOf(double[] point) {
        double[] d = new double[3];
        for (int a = 0; a < 3; a++) {
            d[a] = point[a] - geometry.firstPixel()[a];
        }
        return new double[] {dot(d, geometry.rowCosines()) / geometry.pixelSpacing()[1] + 0.5,
                dot(d, geometry.columnCosines()) / geometry.pixelSpacing()[0] + 0.5};
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    /** Moves the crosshair to the image point (x, y) of this plane (pixel i's centre at i + 0.5): the others follow. */
    public void pointAt(double x, double y) {
        if (geometry == null) {
            return;
        }
        double column = Math.clamp(x - 0.5, 0, geometry.columns() - 1);
        double row = Math.clamp(y - 0.5, 0, geometry.rows() - 1);
        owner.moveCrosshair(geometry.patientPoint(column, row));
    }

    /** Scrolls {@code delta} planes along the normal (clamped); the crosshair moves with it. */
    public void scrollBy(int delta) {
        setIndex(index.get() + delta);
    }

    /** Goes to plane {@code newIndex} along the normal (clamped): the crosshair moves onto it, the others follow. */
    public void setIndex(int newIndex) {
        if (reformatter == null || geometry == null) {
            return;
        }
        int clamped = Math.clamp(newIndex, 0, planeCount.get() - 1);
        if (clamped == index.get()) {
            return;
        }
        double step = (clamped - index.get()) * reformatter.normalSpacing(geometry);
        double[] normal = geometry.indexDirection();
        double[] point = owner.crosshair();
        // Onto the new plane exactly (the crosshair's distance to it along the normal), not a step from wherever the
        // crosshair was between two planes.
        double[] d = new double[3];
        for (int a = 0; a < 3; a++) {
            d[a] = geometry.firstPixel()[a] + step * normal[a] - point[a];
        }
        double along = dot(d, normal);
        for (int a = 0; a < 3; a++) {
            point[a] += along * normal[a];
        }
        owner.moveCrosshair(point);
    }

    /**
     * Turns the crosshair lines drawn on this plane by {@code degrees} (clockwise on the screen when positive): the
     * two other planes turn with them about this plane's normal, and are cut obliquely (trilinear).
     */
    public void turnCrosshair(double degrees) {
        owner.rotate(plane, degrees);
    }

    // ---- the crosshair's handles (screen pixels of the viewport, so the tolerance is the same at every zoom) ----

    /** The size of the viewport on the screen, for the hit test and zooming; the view sets it as it is laid out. */
    public void setViewSize(double width, double height) {
        viewWidth = width;
        viewHeight = height;
    }

    /** What a press at the viewport point (x, y) grabs of the crosshair: a line, the centre, or neither. */
    public Handle handleAt(double x, double y) {
        if (geometry == null || viewWidth <= 0 || viewHeight <= 0) {
            return Handle.NONE;
        }
        Affine toScreen = toScreen();
        Point2D centre = toScreen.transform(crosshairColumn.get(), crosshairRow.get());
        Handle handle = CrosshairHandles.at(x, y, centre.getX(), centre.getY(), lineDirection(toScreen, 0, 1),
                lineDirection(toScreen, 1, 0));
        if (handle != Handle.CENTRE && lineAngle.get() == 0 && !onImage(x, y)) {
            // Unturned lines are drawn across the image only: beside it there is no line to grab.
            return Handle.NONE;
        }
        return handle;
    }

    private boolean onImage(double x, double y) {
        Point2D p = transform.get().toImage(new Point2D(x, y), geometry.columns(), geometry.rows(), viewWidth, viewHeight);
        return p.getX() >= 0 && p.getX() <= geometry.columns() && p.getY() >= 0 && p.getY() <= geometry.rows();
    }

    /** Presses at the viewport point (x, y): grabs what {@link #handleAt} finds there and returns it. */
    public Handle beginHandleDrag(double x, double y) {
        draggedHandle = handleAt(x, y);
        dragStartX = x;
        dragStartY = y;
        dragStartCrosshair = owner.crosshair();
        return draggedHandle;
    }

    /**
     * Drags the grabbed part to the viewport point (x, y): the centre moves the crosshair by the mouse's move (both
     * other planes follow); a line moves by the part of it across the line, so only its plane moves, along its normal.
     */
    public void dragHandleTo(double x, double y) {
        if (draggedHandle == Handle.NONE || geometry == null || dragStartCrosshair == null) {
            return;
        }
        Affine toScreen = toScreen();
        double[] move = {x - dragStartX, y - dragStartY};
        if (draggedHandle != Handle.CENTRE) {
            move = CrosshairHandles.acrossLine(move[0], move[1], draggedHandle == Handle.VERTICAL_LINE
                    ? lineDirection(toScreen, 0, 1) : lineDirection(toScreen, 1, 0));
        }
        Point2D imageMove;
        try {
            imageMove = toScreen.inverseDeltaTransform(move[0], move[1]);
        } catch (javafx.scene.transform.NonInvertibleTransformException e) {
            return; // cannot happen: zoom and aspect are positive (ViewportTransform)
        }
        // From where the crosshair was when the drag began, so no step accumulates rounding or the clamp of pointAt.
        double[] start = imagePointOf(dragStartCrosshair);
        pointAt(start[0] + imageMove.getX(), start[1] + imageMove.getY());
    }

    /** Releases the grabbed part. */
    public void endHandleDrag() {
        draggedHandle = Handle.NONE;
        dragStartCrosshair = null;
    }

    /** The part of the crosshair being dragged, NONE when none is. */
    public Handle draggedHandle() {
        return draggedHandle;
    }

    private Affine toScreen() {
        return transform.get().toScreen(geometry.columns(), geometry.rows(), viewWidth, viewHeight);
    }

    private double[] lineDirection(Affine toScreen, double imageDx, double imageDy) {
        Point2D d = toScreen.deltaTransform(imageDx, imageDy);
        return CrosshairHandles.lineDirection(d.getX(), d.getY(), lineAngle.get());
    }

    @Override
    public void panBy(double dx, double dy) {
        transform.set(transform.get().panBy(dx, dy));
    }

    @Override
    public void zoomAbout(double factor, Point2D anchor) {
        zoomAbout(factor, anchor, viewWidth, viewHeight);
    }

    public void zoomAbout(double factor, Point2D anchor, double viewWidth, double viewHeight) {
        if (geometry == null) {
            return;
        }
        transform.set(transform.get().zoomAbout(factor, anchor, geometry.columns(), geometry.rows(), viewWidth, viewHeight));
    }

    /** The window of all three planes (see {@link MprViewModel#beginWindowDrag}). */
    @Override
    public void beginWindowDrag() {
        owner.beginWindowDrag();
    }

    @Override
    public void dragWindow(double dx, double dy) {
        owner.dragWindow(dx, dy);
    }

    @Override
    public void endWindowDrag() {
        owner.endWindowDrag();
    }

    @Override
    public ObjectProperty<Tool> toolProperty() {
        return owner.toolProperty();
    }

    public void fit() {
        transform.set(transform.get().fitted());
    }

    // ---- measurements (the viewer's editor; calibrated by the plane's own spacing) ----

    /** Mouse pressed with a measuring tool at an image point (pixel i's centre at i + 0.5). */
    @Override
    public void beginMeasurement(ImagePoint at) {
        editor.begin(at, image.get() != null);
    }

    /** Mouse dragged: moves the last point of the measurement being drawn. */
    @Override
    public void updateMeasurement(ImagePoint at) {
        editor.update(at);
    }

    /** Mouse released: completes the measurement (an angle needs one more click). */
    @Override
    public void finishMeasurement(ImagePoint at) {
        editor.finish(at);
    }

    /** See {@link MeasurementEditor#clickAt}. */
    @Override
    public void clickAt(ImagePoint at, double tolerance) {
        editor.clickAt(at, tolerance);
    }

    public void deleteSelectedMeasurement() {
        editor.deleteSelected();
    }

    public void cancelDraft() {
        editor.cancelDraft();
    }

    /** Pixel Spacing of the plane: rows then columns, mm; uncalibrated before the volume is ready. */
    public Calibration calibration() {
        if (geometry == null) {
            return Calibration.UNKNOWN;
        }
        return new Calibration(geometry.pixelSpacing()[0], geometry.pixelSpacing()[1], Calibration.Source.PIXEL_SPACING);
    }

    /** The plane's modality values on screen for ROI statistics; null before the plane is rendered. */
    public PixelValues currentValues() {
        if (geometry == null || values.length != geometry.rows() * geometry.columns() || image.get() == null) {
            return null;
        }
        var pipeline = reformatter.volume().pipeline();
        return new PlanePixelValues(values, geometry.columns(), geometry.rows(), pipeline == null ? "" : pipeline.units());
    }

    /** The label of a measurement on this plane ("14.4 mm", "mean 40.2 HU …"). */
    public String labelOf(Measurement m) {
        PixelValues planeValues = currentValues();
        return planeValues == null ? "" : m.label(calibration(), planeValues);
    }

    /** The measurements of the plane position in view. */
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

    public Plane plane() {
        return plane;
    }

    /** The plane on screen, null before the volume is ready. */
    public PlaneGeometry geometry() {
        return geometry;
    }

    /** The modality values on screen (a copy), NaN outside the volume, in gaps and in slices not loaded yet. */
    public float[] values() {
        return Arrays.copyOf(values, values.length);
    }

    /** The masks on this plane (the labels of the nearest voxels), null without masks. */
    public ObjectProperty<LabelMaskImage> maskProperty() {
        return mask;
    }

    public IntegerProperty indexProperty() {
        return index;
    }

    public IntegerProperty planeCountProperty() {
        return planeCount;
    }

    public ObjectProperty<Image> imageProperty() {
        return image;
    }

    public LongProperty imageRevisionProperty() {
        return imageRevision;
    }

    public ObjectProperty<ViewportTransform> transformProperty() {
        return transform;
    }

    /** Where the vertical crosshair line is, in image x (pixel i's centre at i + 0.5); NaN without a volume. */
    public DoubleProperty crosshairColumnProperty() {
        return crosshairColumn;
    }

    /** How far the crosshair lines on this plane are turned, degrees clockwise on the screen; 0 when not. */
    public DoubleProperty lineAngleProperty() {
        return lineAngle;
    }

    /** Where the horizontal crosshair line is, in image y. */
    public DoubleProperty crosshairRowProperty() {
        return crosshairRow;
    }

    public StringProperty topLeftProperty() {
        return topLeft;
    }

    public StringProperty topRightProperty() {
        return topRight;
    }

    public StringProperty bottomLeftProperty() {
        return bottomLeft;
    }

    public StringProperty bottomRightProperty() {
        return bottomRight;
    }
}
