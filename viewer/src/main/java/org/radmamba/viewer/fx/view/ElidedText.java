package org.radmamba.viewer.fx.view;

import javafx.beans.InvalidationListener;
import javafx.scene.Node;
import javafx.scene.control.Labeled;
import javafx.scene.control.ListCell;
import javafx.scene.control.TreeCell;
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
     *
     * <p>A list or tree cell is made as wide as its list, not as its text: a list widens its cells to the longest
     * text and scrolls sideways, so a long text would be hidden past a scroll bar rather than cut with an
     * ellipsis, and nothing would tell the user that it goes on.
     */
    public static <T extends Labeled> T showFullTextOnHover(T labeled) {
        if (labeled instanceof ListCell<?> || labeled instanceof TreeCell<?>) {
            labeled.setPrefWidth(0);
        }
        Tooltip tooltip = new Tooltip();
        tooltip.textProperty().bind(labeled.textProperty());
        tooltip.setWrapText(true);
        tooltip.setMaxWidth(600);
        // Whether the text is cut changes only where the text on screen changes: the skin sets it when it lays
        // the labeled out, after a new text or width. The skin's text node is found at the first layout (a skin
        // adds it when it is made, which may be after this); the labeled's own text is followed for the case
        // where the skin shows it unchanged.
        Text[] followed = {null};
        InvalidationListener[] update = new InvalidationListener[1];
        update[0] = o -> {
            if (followed[0] == null) {
                followed[0] = shownText(labeled);
                if (followed[0] != null) {
                    followed[0].textProperty().addListener(update[0]);
                }
            }
            labeled.setTooltip(isElided(labeled) ? tooltip : null);
        };
        labeled.textProperty().addListener(update[0]);
        labeled.needsLayoutProperty().addListener((obs, was, needs) -> {
            if (!needs) {
                update[0].invalidated(obs);
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
