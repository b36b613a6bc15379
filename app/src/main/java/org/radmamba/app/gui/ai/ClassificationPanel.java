package org.radmamba.app.gui.ai;

import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import org.radmamba.app.ai.ClassificationResult;

import java.util.List;
import java.util.Locale;

/**
 * The side panel of a classification: the model and its caveat, then one bar per class, most probable first,
 * with its percentage. FX thread only.
 */
public final class ClassificationPanel extends VBox {

    private final Label attribution = new Label();
    private final GridPane bars = new GridPane();

    public ClassificationPanel() {
        setSpacing(6);
        setPadding(new Insets(6));
        attribution.setId("ai-attribution");
        attribution.setWrapText(true);
        bars.setHgap(6);
        bars.setVgap(4);
        bars.setId("ai-bars");
        getChildren().addAll(attribution, bars);
    }

    /** Shows {@code result}; null clears the panel. */
    public void show(ClassificationResult result) {
        bars.getChildren().clear();
        if (result == null) {
            attribution.setText("");
            return;
        }
        attribution.setText(result.attribution());
        List<ClassificationResult.ClassScore> ranked = result.ranked();
        for (int row = 0; row < ranked.size(); row++) {
            ClassificationResult.ClassScore s = ranked.get(row);
            Label name = new Label(s.label());
            ProgressBar bar = new ProgressBar(s.probability());
            bar.setPrefWidth(140);
            Label percent = new Label(percent(s.probability()));
            percent.getStyleClass().add("ai-percent");
            name.getStyleClass().add("ai-class");
            bars.addRow(row, name, bar, percent);
        }
    }

    /** "87.5 %": one decimal. */
    static String percent(double probability) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * probability);
    }

    /** The corner text of a viewport: top class and probability, then the model. */
    public static String cornerText(ClassificationResult result) {
        ClassificationResult.ClassScore top = result.top();
        return top.label() + " " + percent(top.probability()) + "\n" + result.attribution();
    }
}
