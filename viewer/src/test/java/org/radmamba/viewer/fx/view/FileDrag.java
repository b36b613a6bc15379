package org.radmamba.viewer.fx.view;

import com.sun.javafx.scene.input.DragboardHelper;
import com.sun.javafx.tk.TKClipboard;
import javafx.event.Event;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.image.Image;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.DataFormat;
import javafx.scene.input.DragEvent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.TransferMode;
import javafx.util.Pair;

import java.io.File;
import java.security.AccessControlContext;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Files dragged in from the desktop, as JavaFX delivers them to a node: a DRAG_OVER and a DRAG_DROPPED event
 * carrying a dragboard with the files. Monocle's headless robot cannot drag from outside the application, so the
 * dragboard is made here (JavaFX only creates them for a real drag gesture) and the events are fired at a node
 * under the drop point, from where they bubble up to the window's handlers as a real drop's do.
 */
final class FileDrag {

    private final Dragboard dragboard;

    FileDrag(List<File> files) {
        dragboard = DragboardHelper.createDragboard(new DesktopClipboard());
        ClipboardContent content = new ClipboardContent();
        content.putFiles(files);
        dragboard.setContent(content);
    }

    /** DRAG_OVER at the centre of {@code target}; returns the transfer mode the scene accepted (null: refused). */
    TransferMode dragOver(Node target) {
        DragEvent event = event(target, DragEvent.DRAG_OVER);
        Event.fireEvent(target, event);
        return event.isAccepted() ? event.getAcceptedTransferMode() : null;
    }

    /** DRAG_OVER at the centre of {@code target} with text instead of files (a drag from a text editor). */
    TransferMode dragOverWithText(Node target, String text) {
        ClipboardContent content = new ClipboardContent();
        content.putString(text);
        dragboard.setContent(content);
        return dragOver(target);
    }

    /** DRAG_DROPPED at the centre of {@code target}; returns whether a handler completed the drop. */
    boolean drop(Node target) {
        DragEvent event = event(target, DragEvent.DRAG_DROPPED);
        Event.fireEvent(target, event);
        return event.isDropCompleted();
    }

    private DragEvent event(Node target, javafx.event.EventType<DragEvent> type) {
        double x = target.getLayoutBounds().getCenterX();
        double y = target.getLayoutBounds().getCenterY();
        Point2D screen = target.localToScreen(x, y);
        return new DragEvent(null, target, type, dragboard, x, y, screen.getX(), screen.getY(), TransferMode.COPY,
                null, target, null);
    }

    /** What a file manager offers: the files, to be copied, moved or linked. */
    private static final class DesktopClipboard implements TKClipboard {
        private final Map<DataFormat, Object> content = new LinkedHashMap<>();

        @Override
        @SuppressWarnings("removal")
        public void setSecurityContext(AccessControlContext context) {
        }

        @Override
        public Set<DataFormat> getContentTypes() {
            return content.keySet();
        }

        @Override
        @SafeVarargs
        public final boolean putContent(Pair<DataFormat, Object>... pairs) {
            content.clear();
            for (Pair<DataFormat, Object> p : pairs) {
                content.put(p.getKey(), p.getValue());
            }
            return true;
        }

        @Override
        public Object getContent(DataFormat format) {
            return content.get(format);
        }

        @Override
        public boolean hasContent(DataFormat format) {
            return content.containsKey(format);
        }

        @Override
        public Set<TransferMode> getTransferModes() {
            return EnumSet.of(TransferMode.COPY, TransferMode.MOVE, TransferMode.LINK);
        }

        @Override
        public void setDragView(Image image) {
        }

        @Override
        public void setDragViewOffsetX(double offsetX) {
        }

        @Override
        public void setDragViewOffsetY(double offsetY) {
        }

        @Override
        public Image getDragView() {
            return null;
        }

        @Override
        public double getDragViewOffsetX() {
            return 0;
        }

        @Override
        public double getDragViewOffsetY() {
            return 0;
        }
    }
}
