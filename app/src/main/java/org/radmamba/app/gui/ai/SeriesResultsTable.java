package org.radmamba.app.gui.ai;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import org.radmamba.app.ai.AiResult;
import org.radmamba.app.ai.ClassificationResult;
import org.radmamba.app.ai.SegmentationResult;

import java.util.Locale;
import java.util.function.Consumer;

/** One row per image of a series run; clicking a row jumps to that image (the viewer's callback). FX thread only. */
public final class SeriesResultsTable extends TableView<AiResult> {

    public SeriesResultsTable(Consumer<String> showImage) {
        setId("ai-series-table");
        TableColumn<AiResult, String> image = new TableColumn<>("Image");
        image.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().imageId()));
        TableColumn<AiResult, String> finding = new TableColumn<>("Result");
        finding.setCellValueFactory(c -> new ReadOnlyStringWrapper(summary(c.getValue())));
        getColumns().add(image);
        getColumns().add(finding);
        getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> {
            if (now != null) {
                showImage.accept(now.imageId());
            }
        });
    }

    /** Top class and probability, or the foreground pixels (and mm² when known) per class. */
    static String summary(AiResult result) {
        return switch (result) {
            case ClassificationResult c -> c.top().label() + " " + ClassificationPanel.percent(c.top().probability());
            case SegmentationResult s -> {
                StringBuilder text = new StringBuilder();
                for (int k = 1; k <= s.labels().size(); k++) {
                    int label = k;
                    text.append(k > 1 ? "; " : "").append(s.labels().get(k - 1)).append(": ")
                            .append(s.areaMm2(k).isPresent()
                                    ? String.format(Locale.ROOT, "%.1f mm²", s.areaMm2(label).getAsDouble())
                                    : s.pixels(k) + " px");
                }
                yield text.toString();
            }
        };
    }
}
