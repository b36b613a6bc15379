package org.radmamba.viewer.fx.view;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.geometry.Orientation;
import javafx.geometry.Point2D;
import javafx.scene.control.ScrollBar;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.util.Duration;
import org.radmamba.viewer.fx.measure.ImagePoint;
import org.radmamba.viewer.fx.model.ViewportViewModel;
import org.radmamba.viewer.fx.viewport.ImageViewport;

import java.util.function.IntConsumer;

/**
 * One viewport: the {@link ImageViewport} bound to a {@link ViewportViewModel}, a slice scroll bar, and the
 * mouse and keyboard gestures. Left button: the current tool; right: window/level; middle: pan; wheel: slices;
 * wheel with Ctrl (or Cmd): zoom about the cursor.
 */
public final class ViewportView extends BorderPane {

    /** Data format of a series dragged from the browser: its index in the series list. */
    public static final String SERIES_DRAG_PREFIX = "radmamba-series:";

    /** Screen pixels the mouse may move between press and release and still count as a click. */
    static final double CLICK_SLOP = 4;

    private final ViewportViewModel viewModel;
    private final ImageViewport viewport = new ImageViewport();
    private final ScrollBar sliceBar = new ScrollBar();
    private final Timeline cine = new Timeline();

    private final ToolGestures tools;

    public ViewportView(ViewportViewModel viewModel, IntConsumer onSeriesDropped, Runnable onActivated) {
        this.viewModel = viewModel;
        this.tools = new ToolGestures(viewport, viewModel, null);
        getStyleClass().add("viewport-view");
        setCenter(viewport);
        setRight(sliceBar);
        sliceBar.setOrientation(Orientation.VERTICAL);
        sliceBar.setMin(0);
        sliceBar.setUnitIncrement(1);
        sliceBar.setBlockIncrement(ViewportViewModel.PAGE);
        sliceBar.setFocusTraversable(false);
        bind();

        viewport.widthProperty().addListener((obs, o, n) -> viewModel.viewWidthProperty().set(n.intValue()));
        viewport.heightProperty().addListener((obs, o, n) -> viewModel.viewHeightProperty().set(n.intValue()));

        viewport.addEventHandler(MouseEvent.MOUSE_PRESSED, e -> {
            viewport.requestFocus();
            onActivated.run();
            tools.pressed(e);
        });
        viewport.addEventHandler(MouseEvent.MOUSE_DRAGGED, this::dragged);
        viewport.addEventHandler(MouseEvent.MOUSE_RELEASED, tools::released);
        viewport.addEventHandler(MouseEvent.MOUSE_MOVED, e -> viewModel.probe(imagePoint(e.getX(), e.getY())));
        viewport.addEventHandler(MouseEvent.MOUSE_EXITED, e -> viewModel.probe(null));
        viewport.addEventHandler(ScrollEvent.SCROLL, this::scrolled);
        viewport.addEventHandler(KeyEvent.KEY_PRESSED, this::keyPressed);

        setOnDragOver(e -> {
            if (e.getDragboard().hasString() && e.getDragboard().getString().startsWith(SERIES_DRAG_PREFIX)) {
                e.acceptTransferModes(TransferMode.COPY_OR_MOVE);
                e.consume();
            }
        });
        setOnDragDropped(e -> {
            String s = e.getDragboard().getString();
            if (s != null && s.startsWith(SERIES_DRAG_PREFIX)) {
                onSeriesDropped.accept(Integer.parseInt(s.substring(SERIES_DRAG_PREFIX.length())));
                e.setDropCompleted(true);
                e.consume();
            }
        });
    }

    private void bind() {
        viewport.imageProperty().bind(viewModel.imageProperty());
        viewport.imageRevisionProperty().bind(viewModel.imageRevisionProperty());
        viewport.transformProperty().bindBidirectional(viewModel.transformProperty());
        viewport.topLeftTextProperty().bind(viewModel.topLeftProperty());
        viewport.topRightTextProperty().bind(viewModel.topRightProperty());
        viewport.bottomLeftTextProperty().bind(viewModel.bottomLeftProperty());
        viewport.bottomRightTextProperty().bind(viewModel.bottomRightProperty());
        viewport.cannotDisplayTextProperty().bind(viewModel.cannotDisplayProperty());
        MeasurementBinding.bind(viewport, viewModel.measurementsProperty(), viewModel.draftProperty(),
                viewModel.selectedMeasurementProperty(), viewModel::labelOf);
        // Labels depend on the pixels (ROI statistics): redraw when the image changes.
        viewModel.imageProperty().addListener((obs, o, n) -> viewport.requestLayout());

        sliceBar.maxProperty().bind(Bindings.max(0, viewModel.sliceCountProperty().subtract(1)));
        sliceBar.visibleProperty().bind(viewModel.sliceCountProperty().greaterThan(1));
        // The bar's space is kept while it is hidden: a series arriving would otherwise narrow the viewport, refit
        // the image (e.g. 157% -> 154%) and repaint it all once more.
        sliceBar.setValue(viewModel.sliceProperty().get());
        viewModel.sliceProperty().addListener((obs, o, n) -> sliceBar.setValue(n.intValue()));
        sliceBar.valueProperty().addListener((obs, o, n) -> viewModel.setSlice((int) Math.round(n.doubleValue())));

        viewModel.cineRunningProperty().addListener((obs, o, running) -> updateCine());
        viewModel.cineFramesPerSecondProperty().addListener((obs, o, n) -> updateCine());
        cine.setCycleCount(Timeline.INDEFINITE);
    }

    private void updateCine() {
        cine.stop();
        if (viewModel.cineRunningProperty().get()) {
            double fps = Math.clamp(viewModel.cineFramesPerSecondProperty().get(), 1, 60);
            cine.getKeyFrames().setAll(new KeyFrame(Duration.seconds(1 / fps), e -> viewModel.cineStep()));
            cine.play();
        }
    }

    private ImagePoint imagePoint(double x, double y) {
        Point2D p = viewport.screenToImage(x, y);
        return new ImagePoint(p.getX(), p.getY());
    }

    private void dragged(MouseEvent e) {
        tools.dragged(e);
        viewModel.probe(imagePoint(e.getX(), e.getY()));
    }

    private void scrolled(ScrollEvent e) {
        if (e.getDeltaY() == 0) {
            return;
        }
        if (e.isShortcutDown() || e.isControlDown()) {
            viewModel.zoomAbout(e.getDeltaY() > 0 ? 1.1 : 1 / 1.1, new Point2D(e.getX(), e.getY()));
        } else {
            viewModel.scrollBy(e.getDeltaY() > 0 ? -1 : 1);
        }
        e.consume();
    }

    private void keyPressed(KeyEvent e) {
        boolean handled = true;
        switch (e.getCode()) {
            case UP, LEFT -> viewModel.scrollBy(-1);
            case DOWN, RIGHT -> viewModel.scrollBy(1);
            case PAGE_UP -> viewModel.scrollBy(-ViewportViewModel.PAGE);
            case PAGE_DOWN -> viewModel.scrollBy(ViewportViewModel.PAGE);
            case HOME -> viewModel.firstSlice();
            case END -> viewModel.lastSlice();
            case ESCAPE -> viewModel.cancelDraft();
            default -> handled = false;
        }
        if (handled) {
            e.consume();
        }
    }

    public ImageViewport viewport() {
        return viewport;
    }

    public ViewportViewModel viewModel() {
        return viewModel;
    }

    public ScrollBar sliceBar() {
        return sliceBar;
    }

    /** Marks this viewport as the one keyboard actions go to. */
    public void setActive(boolean active) {
        setStyle(active ? "-fx-border-color: #3d8ee8; -fx-border-width: 1;" : "-fx-border-color: #202020; -fx-border-width: 1;");
    }
}
