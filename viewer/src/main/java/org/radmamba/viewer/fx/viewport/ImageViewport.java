package org.radmamba.viewer.fx.viewport;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
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
import javafx.scene.layout.Background;
import javafx.scene.layout.BackgroundFill;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;
import javafx.scene.transform.Affine;
import javafx.scene.transform.Transform;
import org.radmamba.viewer.fx.measure.Measurement;
import org.radmamba.viewer.fx.overlay.MaskOverlayLayer;

import java.util.List;
import java.util.function.Function;

/**
 * Shows one image with its {@link ViewportTransform}, a label-mask overlay, the measurements on it, the four corner
 * texts and a result line under the top-right text. A dumb
 * control: it draws what its properties say; {@code ViewportView} binds them to a view model and turns mouse
 * gestures into view-model calls.
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

    private final ObjectProperty<Image> image = new SimpleObjectProperty<>(this, "image");
    private final ObjectProperty<ViewportTransform> transform =
            new SimpleObjectProperty<>(this, "transform", ViewportTransform.fit());
    private final BooleanProperty cornerTextVisible = new SimpleBooleanProperty(this, "cornerTextVisible", true);
    private final StringProperty topLeftText = new SimpleStringProperty(this, "topLeftText", "");
    private final StringProperty topRightText = new SimpleStringProperty(this, "topRightText", "");
    private final StringProperty bottomLeftText = new SimpleStringProperty(this, "bottomLeftText", "");
    private final StringProperty bottomRightText = new SimpleStringProperty(this, "bottomRightText", "");
    private final StringProperty resultText = new SimpleStringProperty(this, "resultText", "");
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
        getChildren().addAll(imageView, maskLayer, overlay, topLeft, topRight, bottomLeft, bottomRight, result);

        Rectangle clip = new Rectangle();
        clip.widthProperty().bind(widthProperty());
        clip.heightProperty().bind(heightProperty());
        setClip(clip);

        imageView.imageProperty().bind(image);
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
        image.addListener((obs, o, n) -> requestLayout());
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
        // Only a changed transform is set: a new one marks the image dirty, and the software renderer then repaints
        // the whole viewport (tens of ms) for every layout, e.g. each time the corner text changes.
        if (!sameTransform(imageView.getTransforms(), toScreen)) {
            imageView.getTransforms().setAll(toScreen);
            // The mask uses the image's own transform, so it follows zoom, pan, rotation and flip pixel for pixel.
            maskLayer.follow(toScreen);
        }
        // Smoothing blurs pixels when magnified; sharp pixels are what a reader expects when zooming in.
        imageView.setSmooth(img != null && toScreen.getMxx() * toScreen.getMxx() + toScreen.getMyx() * toScreen.getMyx() < 1);
        measurementLayer.redraw(img == null ? null : toScreen, measurements, selectedMeasurement.get(),
                draftMeasurement.get(), measurementLabels.get());

        topLeft.relocate(CORNER_MARGIN, CORNER_MARGIN);
        topRight.relocate(w - CORNER_MARGIN - topRight.getLayoutBounds().getWidth(), CORNER_MARGIN);
        result.relocate(w - CORNER_MARGIN - result.getLayoutBounds().getWidth(),
                CORNER_MARGIN + topRight.getLayoutBounds().getHeight() + (topRightText.get().isEmpty() ? 0 : 4));
        bottomLeft.relocate(CORNER_MARGIN, h - CORNER_MARGIN - bottomLeft.getLayoutBounds().getHeight());
        bottomRight.relocate(w - CORNER_MARGIN - bottomRight.getLayoutBounds().getWidth(),
                h - CORNER_MARGIN - bottomRight.getLayoutBounds().getHeight());
    }

    private static boolean sameTransform(List<Transform> current, Affine wanted) {
        return current.size() == 1 && current.getFirst() instanceof Affine a && a.getMxx() == wanted.getMxx()
                && a.getMxy() == wanted.getMxy() && a.getMyx() == wanted.getMyx() && a.getMyy() == wanted.getMyy()
                && a.getTx() == wanted.getTx() && a.getTy() == wanted.getTy();
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
