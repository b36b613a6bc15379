package org.radmamba.app.gui.ai;

import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import org.radmamba.app.ai.ModelEntry;
import org.radmamba.app.ai.ModelLibrary;
import org.radmamba.viewer.fx.view.ElidedText;

/**
 * The model library as a list: name, task, labels, provenance and whether the weights match the card's SHA-256
 * (a model that does not is marked and cannot be chosen to run). FX thread only; listing re-hashes the weights, so
 * call {@link ModelLibrary#list()} off the FX thread and hand the result here.
 */
public final class ModelListPanel extends ListView<ModelEntry> {

    public ModelListPanel() {
        setId("ai-models");
        // Lines too long for the panel (a long model name) end in an ellipsis; the whole text shows on hover.
        setCellFactory(list -> ElidedText.showFullTextOnHover(new ListCell<ModelEntry>() {
            @Override
            protected void updateItem(ModelEntry entry, boolean empty) {
                super.updateItem(entry, empty);
                setText(empty || entry == null ? null : describe(entry));
                setDisable(entry != null && !entry.runnable());
            }
        }));
    }

    public void show(ModelLibrary.Listing listing) {
        getItems().setAll(listing.models());
    }

    /** Several lines: name (demo), task and architecture, labels, source, hash status. */
    public static String describe(ModelEntry entry) {
        var card = entry.card();
        String status = switch (entry.hashStatus()) {
            case VERIFIED -> entry.architectureProblem() == null ? "SHA-256 verified"
                    : "not run: " + entry.architectureProblem();
            case MISMATCH -> "weights differ from the card: not run";
            case MISSING -> "weights missing: not run";
        };
        return card.name() + (card.demo() ? " — demo model, not for diagnosis" : "") + "\n"
                + card.task().cardName() + ", " + card.architecture().cardName() + ", input "
                + card.inputWidth() + "×" + card.inputHeight() + "\n"
                + "classes: " + String.join(", ", card.labels()) + "\n"
                + (card.source() == null ? "" : card.source() + "\n")
                + status + " (" + (entry.origin() == ModelEntry.Origin.BUNDLED ? "shipped" : "imported") + ")";
    }
}
