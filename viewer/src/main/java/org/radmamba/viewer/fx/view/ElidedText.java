package org.radmamba.viewer.fx.view;

import javafx.beans.InvalidationListener;
import javafx.scene.Node;
import javafx.scene.control.Labeled;
import javafx.scene.control.Tooltip;
import javafx.scene.text.Text;

/**
 * Full text on hover for labels and cells too narrow for it: while JavaFX shows a {@link Labeled}'s text cut
 * short (with an ellipsis), the labeled has a tooltip with the whole text; while the text fits, none, so that
 * hovering over short texts shows nothing redundant.
 */
public final class ElidedText {

    private ElidedText() {
    }

    /**
     * Gives {@code labeled} a tooltip with its full text whenever its text is cut short. Checked after each
     * layout of the labeled (a new text, a narrower column or panel lays it out again). Replaces a tooltip it
     * has while the text is cut; use on labeled nodes without a tooltip of their own.
     */
    public static <T extends Labeled> T showFullTextOnHover(T labeled) {
        Tooltip tooltip = new Tooltip();
        tooltip.textProperty().bind(labeled.textProperty());
        tooltip.setWrapText(true);
        tooltip.setMaxWidth(600);
        Runnable update = () -> labeled.setTooltip(isElided(labeled) ? tooltip : null);
        // Whether the text is cut changes only where the text or the text on screen changes, and the skin changes
        // the text on screen when it lays the labeled out; after each layout too, for a text set during one.
        InvalidationListener shownChanged = o -> update.run();
        labeled.skinProperty().addListener((obs, was, skin) -> {
            Text shown = shownText(labeled);
            if (shown != null) {
                shown.textProperty().addListener(shownChanged);
            }
        });
        labeled.textProperty().addListener(shownChanged);
        labeled.needsLayoutProperty().addListener((obs, was, needs) -> {
            if (!needs) {
                update.run();
            }
        });
        return labeled;
    }

    /** Whether {@code labeled} shows its text cut short: the text on screen differs from its text. */
    public static boolean isElided(Labeled labeled) {
        String text = labeled.getText();
        if (text == null || text.isEmpty()) {
            return false;
        }
        Text shown = shownText(labeled);
        return shown != null && !text.equals(shown.getText());
    }

    /** The text node the labeled's skin shows its text in (style class "text"); null before it has a skin. */
    static Text shownText(Labeled labeled) {
        for (Node child : labeled.getChildrenUnmodifiable()) {
            // An icon (Ikonli's FontIcon) is a Text too, but not of style class "text".
            if (child instanceof Text t && child.getStyleClass().contains("text")) {
                return t;
            }
        }
        return null;
    }
}
