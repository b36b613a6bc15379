package org.radmamba.viewer.fx.viewport;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Point2D;
import javafx.geometry.VPos;
import javafx.scene.Group;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.Background;
import javafx.scene.layout.BackgroundFill;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;
import javafx.scene.transform.Affine;
import javafx.scene.transform.NonInvertibleTransformException;
import javafx.stage.Window;
import org.radmamba.viewer.fx.measure.Measurement;
import org.radmamba.viewer.fx.overlay.MaskOverlayLayer;
import org.radmamba.viewer.pixel.ScreenResampler;

import java.nio.IntBuffer;
import java.util.function.Function;

/**
 * Shows one image with its {@link ViewportTransform}, a label-mask overlay, the measurements on it, the four corner
 * texts and a result line under the top-right text. A dumb
 * control: it draws what its properties say; {@code ViewportView} binds them to a view model and turns mouse
 * gestures into view-model calls.
 *
 * <p>The image is drawn at screen resolution: this control resamples it (nearest when magnified, bilinear when
 * reduced, as the renderer's smoothing did) into a buffer of the viewport's size in device pixels, which the
 * renderer then copies 1:1. A software renderer scales an image several times slower than it copies one, and the
 * viewport is repainted with every slice. Measurements, the mask overlay and the probe keep using
 * {@link #imageToScreen()}, the same map the resampling uses.
 */
public class ImageViewport extends Region {

    private static final double CORNER_MARGIN = 6;

    private final ImageView imageView = new ImageView();
    private final MaskOverlayLayer maskLayer = new MaskOverlayLayer();
    private final MeasurementLayer measurementLayer = new MeasurementLayer();
    private final Group overlay = new Group(measurementLayer);
    private final Text topLeft = cornerText(TextAlignment.LEFT);
    private final Text topRight = cornerText(TextAlignment.RIGHT);
    private final Text bottomLeft = cornerText(TextAlignment.LEFT);
    private final Text bottomRight = cornerText(TextAlignment.RIGHT);
    private final Text result = cornerText(TextAlignment.RIGHT);
    /** Why there is no image, in the middle, in the colour of a warning; shown even with the corner text off. */
    private final Text cannotDisplay = cornerText(TextAlignment.CENTER);

    private final ObjectProperty<Image> image = new SimpleObjectProperty<>(this, "image");
    private final LongProperty imageRevision = new SimpleLongProperty(this, "imageRevision");
    private final ScreenResampler resampler = new ScreenResampler();
    private int[] sourcePixels = new int[0];
    private PixelBuffer<IntBuffer> screenBuffer;
    private WritableImage screenImage;
    /** What the screen image was last drawn from; null when it must be drawn again. */
    private Object drawnFrom;
    private final ObjectProperty<ViewportTransform> transform =
            new SimpleObjectProperty<>(this, "transform", ViewportTransform.fit());
    private final BooleanProperty cornerTextVisible = new SimpleBooleanProperty(this, "cornerTextVisible", true);
    private final StringProperty topLeftText = new SimpleStringProperty(this, "topLeftText", "");
    private final StringProperty topRightText = new SimpleStringProperty(this, "topRightText", "");
    private final StringProperty bottomLeftText = new SimpleStringProperty(this, "bottomLeftText", "");
    private final StringProperty bottomRightText = new SimpleStringProperty(this, "bottomRightText", "");
    private final StringProperty resultText = new SimpleStringProperty(this, "resultText", "");
    private final StringProperty cannotDisplayText = new SimpleStringProperty(this, "cannotDisplayText", "");
    private final ObservableList<Measurement> measurements = FXCollections.observableArrayList();
    private final ObjectProperty<Measurement> draftMeasurement = new SimpleObjectProperty<>(this, "draftMeasurement");
    private final ObjectProperty<Measurement> selectedMeasurement =
            new SimpleObjectProperty<>(this, "selectedMeasurement");
    private final ObjectProperty<Function<Measurement, String>> measurementLabels =
            new SimpleObjectProperty<>(this, "measurementLabels", m -> "");

    public ImageViewport() {
        getStyleClass().add("image-viewport");
        setBackground(new Background(new BackgroundFill(Color.BLACK, null, null)));
        setFocusTraversable(true);
        imageView.setManaged(false);
        imageView.setPreserveRatio(false);
        overlay.setManaged(false);
        maskLayer.setManaged(false);
        getChildren().addAll(imageView, maskLayer, overlay, topLeft, topRight, bottomLeft, bottomRight, result,
                cannotDisplay);
        cannotDisplay.textProperty().bind(cannotDisplayText);
        cannotDisplay.setFill(Color.rgb(255, 140, 120));
        cannotDisplayText.addListener((obs, o, n) -> requestLayout());
        // An overlay belongs to an image: without one (loading, undecodable) none shows.
        maskLayer.visibleProperty().bind(image.isNotNull());
        overlay.visibleProperty().bind(image.isNotNull());

        Rectangle clip = new Rectangle();
        clip.widthProperty().bind(widthProperty());
        clip.heightProperty().bind(heightProperty());
        setClip(clip);

        imageView.setSmooth(false);
        topLeft.textProperty().bind(topLeftText);
        topRight.textProperty().bind(topRightText);
        bottomLeft.textProperty().bind(bottomLeftText);
        bottomRight.textProperty().bind(bottomRightText);
        result.textProperty().bind(resultText);
        result.setFill(Color.rgb(255, 220, 120));
        resultText.addListener((obs, o, n) -> requestLayout());
        for (Text t : new Text[] {topLeft, topRight, bottomLeft, bottomRight, result}) {
            t.visibleProperty().bind(cornerTextVisible);
        }
        image.addListener((obs, o, n) -> imageChanged());
        // The image is refilled in place for each slice (the same object): its owner counts the refills.
        imageRevision.addListener((obs, o, n) -> imageChanged());
        transform.addListener((obs, o, n) -> requestLayout());
        measurements.addListener((javafx.collections.ListChangeListener<Measurement>) c -> requestLayout());
        draftMeasurement.addListener((obs, o, n) -> requestLayout());
        selectedMeasurement.addListener((obs, o, n) -> requestLayout());
        measurementLabels.addListener((obs, o, n) -> requestLayout());
    }

    private static Text cornerText(TextAlignment alignment) {
        Text t = new Text();
        t.setFill(Color.rgb(235, 235, 235));
        t.setFont(Font.font("System", 13));
        t.setTextAlignment(alignment);
        t.setTextOrigin(VPos.TOP);
        t.setManaged(false);
        t.setMouseTransparent(true);
        return t;
    }

    @Override
    protected void layoutChildren() {
        double w = getWidth();
        double h = getHeight();
        Image img = image.get();
        Affine toScreen = img == null ? new Affine() : imageToScreen();
        drawScreenImage(img, toScreen, w, h);
        measurementLayer.redraw(img == null ? null : toScreen, measurements, selectedMeasurement.get(),
                draftMeasurement.get(), measurementLabels.get());

        topLeft.relocate(CORNER_MARGIN, CORNER_MARGIN);
        topRight.relocate(w - CORNER_MARGIN - topRight.getLayoutBounds().getWidth(), CORNER_MARGIN);
        result.relocate(w - CORNER_MARGIN - result.getLayoutBounds().getWidth(),
                CORNER_MARGIN + topRight.getLayoutBounds().getHeight() + (topRightText.get().isEmpty() ? 0 : 4));
        bottomLeft.relocate(CORNER_MARGIN, h - CORNER_MARGIN - bottomLeft.getLayoutBounds().getHeight());
        bottomRight.relocate(w - CORNER_MARGIN - bottomRight.getLayoutBounds().getWidth(),
                h - CORNER_MARGIN - bottomRight.getLayoutBounds().getHeight());
        cannotDisplay.setWrappingWidth(Math.max(32, w - 4 * CORNER_MARGIN));
        cannotDisplay.relocate((w - cannotDisplay.getLayoutBounds().getWidth()) / 2,
                (h - cannotDisplay.getLayoutBounds().getHeight()) / 2);
    }

    private void imageChanged() {
        drawnFrom = null;
        requestLayout();
    }

    /**
     * Resamples the image into the screen-sized buffer when the image, its placement or the viewport's size
     * changed since the last time: a layout for other reasons (corner text) leaves the pixels, and so the
     * renderer's dirty region, alone.
     */
    private void drawScreenImage(Image img, Affine toScreen, double w, double h) {
        Window window = getScene() == null ? null : getScene().getWindow();
        double scaleX = window == null ? 1 : window.getRenderScaleX();
        double scaleY = window == null ? 1 : window.getRenderScaleY();
        int dw = (int) Math.ceil(w * scaleX);
        int dh = (int) Math.ceil(h * scaleY);
        if (img == null || dw <= 0 || dh <= 0 || img.getPixelReader() == null) {
            imageView.setImage(null);
            drawnFrom = null;
            maskLayer.follow(toScreen);
            return;
        }
        // Smoothing blurs pixels when magnified; sharp pixels are what a reader expects when zooming in.
        boolean bilinear = toScreen.getMxx() * toScreen.getMxx() + toScreen.getMyx() * toScreen.getMyx() < 1;
        Object key = java.util.List.of(img, toScreen.getMxx(), toScreen.getMxy(), toScreen.getMyx(),
                toScreen.getMyy(), toScreen.getTx(), toScreen.getTy(), dw, dh, scaleX, scaleY);
        if (key.equals(drawnFrom)) {
            return;
        }
        int sw = (int) img.getWidth();
        int sh = (int) img.getHeight();
        if (sourcePixels.length != sw * sh) {
            sourcePixels = new int[sw * sh];
        }
        img.getPixelReader().getPixels(0, 0, sw, sh, PixelFormat.getIntArgbPreInstance(), sourcePixels, 0, sw);
        if (screenBuffer == null || screenBuffer.getWidth() != dw || screenBuffer.getHeight() != dh) {
            screenBuffer = new PixelBuffer<>(dw, dh, IntBuffer.allocate(dw * dh), PixelFormat.getIntArgbPreInstance());
            screenImage = new WritableImage(screenBuffer);
        }
        Affine deviceToImage = new Affine(toScreen);
        deviceToImage.prependScale(scaleX, scaleY);
        try {
            deviceToImage.invert();
        } catch (NonInvertibleTransformException e) {
            throw new IllegalStateException("viewport transform is not invertible: " + toScreen, e);
        }
        double[] m = {deviceToImage.getMxx(), deviceToImage.getMxy(), deviceToImage.getTx(),
                deviceToImage.getMyx(), deviceToImage.getMyy(), deviceToImage.getTy()};
        int[] dst = screenBuffer.getBuffer().array();
        // Black, as the viewport's background, where the image does not reach.
        resampler.resample(sourcePixels, sw, sh, m, dst, dw, dh, bilinear, 0xFF000000);
        screenBuffer.updateBuffer(b -> null);
        imageView.setImage(screenImage);
        // The buffer is in device pixels: shown at the viewport's size, one buffer pixel per device pixel.
        imageView.setFitWidth(scaleX == 1 ? 0 : dw / scaleX);
        imageView.setFitHeight(scaleY == 1 ? 0 : dh / scaleY);
        // The mask uses the image's own transform, so it follows zoom, pan, rotation and flip pixel for pixel.
        maskLayer.follow(toScreen);
        drawnFrom = key;
    }

    /** The current image-pixel → viewport-local affine (identity when there is no image). */
    public Affine imageToScreen() {
        Image img = image.get();
        if (img == null) {
            return new Affine();
        }
        return transform.get().toScreen(img.getWidth(), img.getHeight(), getWidth(), getHeight());
    }

    /** The image pixel coordinate under a point in this control's coordinates. */
    public Point2D screenToImage(double x, double y) {
        Image img = image.get();
        if (img == null) {
            return new Point2D(x, y);
        }
        return transform.get().toImage(new Point2D(x, y), img.getWidth(), img.getHeight(), getWidth(), getHeight());
    }

    @Override
    protected double computePrefWidth(double height) {
        return 512;
    }

    @Override
    protected double computePrefHeight(double width) {
        return 512;
    }

    @Override
    protected double computeMinWidth(double height) {
        return 64;
    }

    @Override
    protected double computeMinHeight(double width) {
        return 64;
    }

    public ObjectProperty<Image> imageProperty() {
        return image;
    }

    /**
     * Bumped by the image's owner each time it refills the same image in place (a new slice or window), so that
     * the screen-resolution copy is drawn again.
     */
    public LongProperty imageRevisionProperty() {
        return imageRevision;
    }

    public ObjectProperty<ViewportTransform> transformProperty() {
        return transform;
    }

    public BooleanProperty cornerTextVisibleProperty() {
        return cornerTextVisible;
    }

    public StringProperty topLeftTextProperty() {
        return topLeftText;
    }

    public StringProperty topRightTextProperty() {
        return topRightText;
    }

    public StringProperty bottomLeftTextProperty() {
        return bottomLeftText;
    }

    public StringProperty bottomRightTextProperty() {
        return bottomRightText;
    }

    /** A result shown under the top-right corner text, e.g. an analysis of the image on screen ("" for none). */
    public StringProperty resultTextProperty() {
        return resultText;
    }

    /** "Cannot display: <reason>" in the middle of the viewport, "" for none. */
    public StringProperty cannotDisplayTextProperty() {
        return cannotDisplayText;
    }

    /** The label-mask overlay over the image; its owner sets the mask of the image on screen. */
    public MaskOverlayLayer maskLayer() {
        return maskLayer;
    }

    public ObservableList<Measurement> getMeasurements() {
        return measurements;
    }

    public ObjectProperty<Measurement> draftMeasurementProperty() {
        return draftMeasurement;
    }

    /** The measurement drawn highlighted, the one Delete removes; null for none. */
    public ObjectProperty<Measurement> selectedMeasurementProperty() {
        return selectedMeasurement;
    }

    /** The shapes and labels drawn for the measurements, for tests that look at what is on screen. */
    public javafx.scene.Parent measurementLayer() {
        return measurementLayer;
    }

    public ObjectProperty<Function<Measurement, String>> measurementLabelsProperty() {
        return measurementLabels;
    }
}
