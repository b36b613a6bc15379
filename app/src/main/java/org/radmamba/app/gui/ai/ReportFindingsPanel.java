package org.radmamba.app.gui.ai;

import javafx.scene.control.Label;
import javafx.scene.layout.VBox;

/**
 * The findings of the DICOM Structured Reports that apply to what is on screen (a referenced image, or a report's
 * series), bound to a {@link ReportFindingsViewModel}; hidden while there are none. FX thread only.
 */
public final class ReportFindingsPanel extends VBox {

    public ReportFindingsPanel(ReportFindingsViewModel viewModel) {
        setSpacing(4);
        setId("sr-panel");
        Label title = new Label("DICOM SR findings");
        title.getStyleClass().add("ai-section-title");
        Label findings = new Label();
        findings.setId("sr-findings");
        findings.setWrapText(true);
        findings.textProperty().bind(viewModel.textProperty());
        getChildren().addAll(title, findings);
        visibleProperty().bind(viewModel.textProperty().isNotEmpty());
        managedProperty().bind(visibleProperty());
    }
}
