package org.radmamba.viewer.fx.view;

import javafx.geometry.Insets;
import javafx.geometry.Point2D;
import javafx.geometry.Pos;
import javafx.scene.Cursor;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Tooltip;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;
import javafx.scene.paint.Color;
import javafx.util.StringConverter;
import org.radmamba.viewer.fx.model.MprLayout;
import org.radmamba.viewer.fx.model.MprPlaneViewModel;
import org.radmamba.viewer.fx.model.MprViewModel;
import org.radmamba.viewer.fx.viewport.CrosshairHandles.Handle;
import org.radmamba.viewer.fx.viewport.CrosshairViewport;
import org.radmamba.viewer.volume.Plane;
import org.radmamba.viewer.volume.Slab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The MPR layout: axial, coronal and sagittal side by side (1×3), or two by two with the acquired images, under a
 * bar for the layout and the slab. In each plane: a left drag on a crosshair line moves that line's plane alone,
 * on their crossing both (the cursor shows which); elsewhere the viewer's mouse tools act as in any viewport (the
 * left button's tool, right drag the window of all three, middle drag pans), and a left click without a measuring
 * tool moves the crosshair there (the other planes follow); Shift+← / Shift+→ turn the plane's crosshair and the two other planes with it (oblique), the wheel (and Up/Down, Page Up/Down) scrolls along the plane's normal, the wheel with Ctrl (or
 * Cmd) zooms about the cursor.
 */
public final class MprView extends BorderPane {

    /** The colour of each plane: its crosshair line in the other planes, and its name. */
    static final Color[] PLANE_COLOURS = {Color.rgb(232, 196, 61), Color.rgb(80, 200, 120), Color.rgb(79, 143, 232)};

    private final MprViewModel viewModel;
    private final List<CrosshairViewport> viewports = new ArrayList<>();
    private final ChoiceBox<Slab> slabChoice = new ChoiceBox<>();
    private final ChoiceBox<MprLayout> layoutChoice = new ChoiceBox<>();
    private final Button orthogonal = new Button("Orthogonal planes");
    /** Degrees a Shift+←/→ press turns a plane's crosshair. */
    static final double TURN_STEP_DEGREES = 5;
    private final GridPane grid = new GridPane();
    private final Node acquired;

    /**
     * @param acquired the viewport of the series' own images (the one the MPR was opened from), shown in the 2×2
     *                 layout; null for none
     */
    public MprView(MprViewModel viewModel, Node acquired) {
        this.viewModel = viewModel;
        this.acquired = acquired;
        getStyleClass().add("mpr-view");
        grid.setStyle("-fx-background-color: black;");
        grid.setHgap(2);
        grid.setVgap(2);
        for (MprPlaneViewModel plane : viewModel.planes()) {
            viewports.add(viewport(plane));
        }
        arrange(viewModel.layoutProperty().get());
        viewModel.layoutProperty().addListener((obs, o, n) -> arrange(n));
        setTop(slabBar());
        setCenter(grid);
    }

    /** 1×3: the planes side by side; 2×2: axial, coronal / sagittal, the acquired images. */
    private void arrange(MprLayout layout) {
        grid.getChildren().clear();
        grid.getColumnConstraints().clear();
        grid.getRowConstraints().clear();
        int columns = layout == MprLayout.ONE_BY_THREE ? 3 : 2;
        int rows = layout == MprLayout.ONE_BY_THREE ? 1 : 2;
        for (int c = 0; c < columns; c++) {
            ColumnConstraints column = new ColumnConstraints();
            column.setPercentWidth(100.0 / columns);
            column.setHgrow(Priority.ALWAYS);
            grid.getColumnConstraints().add(column);
        }
        for (int r = 0; r < rows; r++) {
            RowConstraints row = new RowConstraints();
            row.setPercentHeight(100.0 / rows);
            row.setVgrow(Priority.ALWAYS);
            grid.getRowConstraints().add(row);
        }
        for (int i = 0; i < viewports.size(); i++) {
            grid.add(viewports.get(i), i % columns, i / columns);
        }
        if (layout == MprLayout.TWO_BY_TWO && acquired != null) {
            grid.add(acquired, 1, 1);
        }
    }

    private HBox slabBar() {
        for (Slab.Mode mode : Slab.Mode.values()) {
            for (double mm : new double[] {5, 10, 20, 40}) {
                slabChoice.getItems().add(new Slab(mm, mode));
            }
        }
        slabChoice.getItems().addFirst(Slab.NONE);
        slabChoice.setConverter(new StringConverter<>() {
            @Override
            public String toString(Slab slab) {
                return slab == null || slab.thicknessMm() == 0 ? "Thin (no slab)"
                        : slab.mode().label() + " " + String.format(Locale.ROOT, "%.0f", slab.thicknessMm()) + " mm";
            }

            @Override
            public Slab fromString(String text) {
                throw new UnsupportedOperationException("the slab is chosen from the list");
            }
        });
        slabChoice.setValue(viewModel.slabProperty().get());
        slabChoice.valueProperty().addListener((obs, o, n) -> viewModel.slabProperty().set(n == null ? Slab.NONE : n));
        Label notice = new Label();
        notice.textProperty().bind(viewModel.noticeProperty());
        notice.setStyle("-fx-text-fill: #ffb070;");
        notice.setWrapText(true);
        Label classVolumes = new Label();
        classVolumes.textProperty().bind(viewModel.classVolumesProperty());
        classVolumes.setStyle("-fx-text-fill: #ffdc78;");
        layoutChoice.getItems().setAll(MprLayout.values());
        layoutChoice.setConverter(new StringConverter<>() {
            @Override
            public String toString(MprLayout layout) {
                return layout == null ? "" : layout.label();
            }

            @Override
            public MprLayout fromString(String text) {
                throw new UnsupportedOperationException("the layout is chosen from the list");
            }
        });
        layoutChoice.valueProperty().bindBidirectional(viewModel.layoutProperty());
        orthogonal.setTooltip(new Tooltip("Undo the turn of the crosshair (Shift+← / Shift+→ in a plane turns it)"));
        orthogonal.setOnAction(e -> viewModel.resetRotation());
        orthogonal.setFocusTraversable(false);
        HBox bar = new HBox(8, new Label("Layout"), layoutChoice, new Label("Slab"), slabChoice, orthogonal,
                classVolumes, notice);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 8, 4, 8));
        return bar;
    }

    private CrosshairViewport viewport(MprPlaneViewModel plane) {
        CrosshairViewport viewport = new CrosshairViewport();
        viewport.getStyleClass().add("mpr-" + plane.plane().label());
        viewport.imageProperty().bind(plane.imageProperty());
        viewport.imageRevisionProperty().bind(plane.imageRevisionProperty());
        viewport.transformProperty().bindBidirectional(plane.transformProperty());
        viewport.topLeftTextProperty().bind(plane.topLeftProperty());
        viewport.topRightTextProperty().bind(plane.topRightProperty());
        viewport.bottomLeftTextProperty().bind(plane.bottomLeftProperty());
        viewport.bottomRightTextProperty().bind(plane.bottomRightProperty());
        viewport.maskLayer().setStyle(viewModel.overlayStyleProperty().get());
        viewport.maskLayer().setMask(plane.maskProperty().get());
        plane.maskProperty().addListener((obs, o, n) -> viewport.maskLayer().setMask(n));
        viewModel.overlayStyleProperty().addListener((obs, o, n) -> viewport.maskLayer().setStyle(n));
        MeasurementBinding.bind(viewport, plane.measurementsProperty(), plane.draftProperty(),
                plane.selectedMeasurementProperty(), plane::labelOf);
        viewport.crosshairXProperty().bind(plane.crosshairColumnProperty());
        viewport.crosshairYProperty().bind(plane.crosshairRowProperty());
        viewport.lineAngleProperty().bind(plane.lineAngleProperty());
        // The vertical line is the plane whose normal runs across this one, the horizontal the one running down.
        viewport.setLineColours(PLANE_COLOURS[planeAlong(plane.plane().columnAxis()).ordinal()],
                PLANE_COLOURS[planeAlong(plane.plane().rowAxis()).ordinal()]);
        viewport.setStyle("-fx-border-color: " + web(PLANE_COLOURS[plane.plane().ordinal()]) + "; -fx-border-width: 0 0 2 0;");
        Gestures gestures = new Gestures(plane, viewport);
        viewport.addEventHandler(MouseEvent.MOUSE_PRESSED, gestures::pressed);
        viewport.addEventHandler(MouseEvent.MOUSE_DRAGGED, gestures::dragged);
        viewport.addEventHandler(MouseEvent.MOUSE_RELEASED, gestures::released);
        viewport.addEventHandler(MouseEvent.MOUSE_MOVED, gestures::moved);
        viewport.widthProperty().addListener((obs, o, n) -> plane.setViewSize(n.doubleValue(), viewport.getHeight()));
        viewport.heightProperty().addListener((obs, o, n) -> plane.setViewSize(viewport.getWidth(), n.doubleValue()));
        viewport.addEventHandler(ScrollEvent.SCROLL, gestures::scrolled);
        viewport.addEventHandler(KeyEvent.KEY_PRESSED, e -> {
            int step = switch (e.getCode()) {
                case UP -> 1;
                case DOWN -> -1;
                case PAGE_UP -> 10;
                case PAGE_DOWN -> -10;
                default -> 0;
            };
            if (step != 0) {
                plane.scrollBy(step);
                e.consume();
            } else if (e.isShiftDown() && (e.getCode() == KeyCode.LEFT || e.getCode() == KeyCode.RIGHT)) {
                // Turn this plane's crosshair (and the two other planes with it): 5° a press, 1° with Alt.
                double degrees = e.isAltDown() ? 1 : TURN_STEP_DEGREES;
                plane.turnCrosshair(e.getCode() == KeyCode.RIGHT ? degrees : -degrees);
                e.consume();
            } else if (e.getCode() == KeyCode.ESCAPE) {
                plane.cancelDraft();
                e.consume();
            } else if (e.getCode() == KeyCode.DELETE || e.getCode() == KeyCode.BACK_SPACE) {
                plane.deleteSelectedMeasurement();
                e.consume();
            }
        });
        return viewport;
    }

    private static Plane planeAlong(int normalAxis) {
        for (Plane p : Plane.values()) {
            if (p.normalAxis() == normalAxis) {
                return p;
            }
        }
        throw new IllegalArgumentException("no plane has normal axis " + normalAxis);
    }

    private static String web(Color c) {
        return String.format(Locale.ROOT, "#%02x%02x%02x", (int) Math.round(c.getRed() * 255),
                (int) Math.round(c.getGreen() * 255), (int) Math.round(c.getBlue() * 255));
    }

    /**
     * The mouse in a plane: a left press on a crosshair line or its centre drags it (the plane's view model tells
     * which); anywhere else the viewer's mouse tools act ({@link ToolGestures}), and a left click without a measuring
     * tool moves the crosshair there. The cursor shows what a press would grab.
     */
    private final class Gestures {
        private final MprPlaneViewModel plane;
        private final CrosshairViewport viewport;
        private final ToolGestures tools;

        Gestures(MprPlaneViewModel plane, CrosshairViewport viewport) {
            this.plane = plane;
            this.viewport = viewport;
            this.tools = new ToolGestures(viewport, plane, at -> plane.pointAt(at.x(), at.y()));
        }

        void pressed(MouseEvent e) {
            viewport.requestFocus();
            if (e.getButton() != MouseButton.PRIMARY || plane.beginHandleDrag(e.getX(), e.getY()) == Handle.NONE) {
                tools.pressed(e);
            }
        }

        void dragged(MouseEvent e) {
            if (plane.draggedHandle() != Handle.NONE) {
                plane.dragHandleTo(e.getX(), e.getY());
            } else {
                tools.dragged(e);
            }
        }

        void released(MouseEvent e) {
            if (plane.draggedHandle() != Handle.NONE) {
                plane.endHandleDrag();
            } else {
                tools.released(e);
            }
            moved(e);
        }

        void moved(MouseEvent e) {
            Handle handle = plane.draggedHandle() != Handle.NONE ? plane.draggedHandle() : plane.handleAt(e.getX(), e.getY());
            boolean turned = plane.lineAngleProperty().get() != 0;
            viewport.setCursor(switch (handle) {
                case NONE -> Cursor.DEFAULT;
                case CENTRE -> Cursor.MOVE;
                case VERTICAL_LINE -> turned ? Cursor.MOVE : Cursor.H_RESIZE;
                case HORIZONTAL_LINE -> turned ? Cursor.MOVE : Cursor.V_RESIZE;
            });
        }

        void scrolled(ScrollEvent e) {
            if (e.getDeltaY() == 0) {
                return;
            }
            if (e.isShortcutDown() || e.isControlDown()) {
                plane.zoomAbout(e.getDeltaY() > 0 ? 1.1 : 1 / 1.1, new Point2D(e.getX(), e.getY()));
            } else {
                plane.scrollBy(e.getDeltaY() > 0 ? 1 : -1);
            }
            e.consume();
        }
    }

    public MprViewModel viewModel() {
        return viewModel;
    }

    /** The axial, coronal and sagittal viewports, in that order. */
    public List<CrosshairViewport> viewports() {
        return viewports;
    }

    public ChoiceBox<MprLayout> layoutChoice() {
        return layoutChoice;
    }

    public ChoiceBox<Slab> slabChoice() {
        return slabChoice;
    }
}
