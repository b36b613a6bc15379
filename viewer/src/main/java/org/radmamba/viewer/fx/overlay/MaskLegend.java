package org.radmamba.viewer.fx.overlay;

import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;

import java.util.List;

/** A colour swatch and name per class of a mask, in the overlay's colours, with a caption (the model and its caveat). */
public final class MaskLegend extends VBox {

    public MaskLegend() {
        setSpacing(2);
        setPadding(new Insets(4));
        getStyleClass().add("mask-legend");
    }

    /** Lists {@code names} (label k = names[k-1]) under {@code caption}. */
    public void show(List<String> names, String caption) {
        getChildren().clear();
        if (caption != null && !caption.isBlank()) {
            Label title = new Label(caption);
            title.getStyleClass().add("mask-legend-caption");
            getChildren().add(title);
        }
        for (int k = 1; k <= names.size(); k++) {
            int rgb = LabelColours.rgb(k);
            Rectangle swatch = new Rectangle(12, 12, Color.rgb(rgb >> 16 & 0xFF, rgb >> 8 & 0xFF, rgb & 0xFF));
            Label name = new Label(names.get(k - 1), swatch);
            name.setId("legend-" + k);
            getChildren().add(new HBox(4, name));
        }
    }
}
