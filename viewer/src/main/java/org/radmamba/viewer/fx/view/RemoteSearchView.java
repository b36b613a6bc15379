package org.radmamba.viewer.fx.view;

import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;
import org.radmamba.viewer.dicom.net.FindMatch;
import org.radmamba.viewer.dicom.net.QueryLevel;
import org.radmamba.viewer.fx.model.RemoteSearchViewModel;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The PACS search panel: the node and the search keys above, the matches as a sortable table (patient, study or
 * series rows by the level searched), Retrieve (with progress; the study opens in the browser), Cancel and Send.
 * All state lives in {@link RemoteSearchViewModel}.
 */
public final class RemoteSearchView extends BorderPane {

    private final RemoteSearchViewModel viewModel;
    private final TableView<FindMatch> table = new TableView<>();

    public RemoteSearchView(RemoteSearchViewModel viewModel) {
        this.viewModel = viewModel;
        setPadding(new Insets(8));
        setTop(keys());
        setCenter(buildTable());
        setBottom(actions());
    }

    public TableView<FindMatch> table() {
        return table;
    }

    private GridPane keys() {
        GridPane grid = new GridPane();
        grid.setHgap(6);
        grid.setVgap(4);
        ComboBox<String> node = new ComboBox<>(viewModel.nodeNames());
        node.setEditable(true);
        node.setPromptText("node name, dimse://AET@HOST:PORT or http(s)://HOST/PATH");
        node.valueProperty().bindBidirectional(viewModel.node());
        node.setMaxWidth(Double.MAX_VALUE);
        ChoiceBox<QueryLevel> level = new ChoiceBox<>();
        level.getItems().setAll(QueryLevel.values());
        level.setConverter(new StringConverter<>() {
            @Override
            public String toString(QueryLevel l) {
                return l == null ? "" : l.name().toLowerCase(Locale.ROOT);
            }

            @Override
            public QueryLevel fromString(String s) {
                return QueryLevel.parse(s);
            }
        });
        level.valueProperty().bindBidirectional(viewModel.level());
        grid.addRow(0, new Label("Node"), node, new Label("Level"), level);
        grid.addRow(1, new Label("Patient name"), field(viewModel.patientName(), "Doe* (wildcards * ?)"),
                new Label("Patient ID"), field(viewModel.patientId(), ""));
        grid.addRow(2, new Label("Study date"), field(viewModel.studyDate(), "YYYYMMDD-YYYYMMDD"),
                new Label("Modality"), field(viewModel.modality(), "CT"));
        grid.addRow(3, new Label("Accession"), field(viewModel.accession(), ""), new Label("Description"),
                field(viewModel.description(), ""));
        Button search = new Button("Search");
        search.setDefaultButton(true);
        search.setOnAction(e -> viewModel.search());
        search.disableProperty().bind(viewModel.busy());
        grid.add(search, 3, 4);
        GridPane.setHgrow(node, Priority.ALWAYS);
        return grid;
    }

    private static TextField field(javafx.beans.property.StringProperty property, String prompt) {
        TextField field = new TextField();
        field.setPromptText(prompt);
        field.textProperty().bindBidirectional(property);
        return field;
    }

    private TableView<FindMatch> buildTable() {
        table.setItems(viewModel.results());
        table.getColumns().setAll(List.of(
                column("Patient", FindMatch::patientName),
                column("Patient ID", FindMatch::patientId),
                column("Study date", FindMatch::studyDate),
                column("Modality", m -> String.join("\\", m.modalities())),
                column("Accession", FindMatch::accessionNumber),
                column("Description", m -> m.level() == QueryLevel.SERIES ? m.seriesDescription()
                        : m.studyDescription()),
                column("Series", FindMatch::seriesNumber),
                column("Instances", m -> m.numberOfInstances().isPresent()
                        ? Integer.toString(m.numberOfInstances().getAsInt()) : ""),
                column("UID", m -> m.level() == QueryLevel.SERIES ? m.seriesInstanceUid() : m.studyInstanceUid())));
        table.setPlaceholder(new Label("Search a node for patients, studies or series"));
        // A study chosen here is the one a series-level search lists.
        table.getSelectionModel().selectedItemProperty().addListener((obs, old, match) -> {
            if (match != null && match.level() == QueryLevel.STUDY) {
                viewModel.studyUid().set(match.studyInstanceUid());
            }
        });
        return table;
    }

    private static TableColumn<FindMatch, String> column(String title, Function<FindMatch, String> value) {
        TableColumn<FindMatch, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        column.setSortable(true);
        return column;
    }

    private BorderPane actions() {
        Button retrieve = new Button("Retrieve");
        retrieve.setOnAction(e -> {
            FindMatch match = table.getSelectionModel().getSelectedItem();
            if (match != null) {
                viewModel.retrieve(match);
            }
        });
        retrieve.disableProperty().bind(viewModel.busy()
                .or(Bindings.isNull(table.getSelectionModel().selectedItemProperty())));
        Button cancel = new Button("Cancel");
        cancel.setOnAction(e -> viewModel.cancel());
        cancel.disableProperty().bind(viewModel.busy().not());
        Button send = new Button("Send…");
        send.setOnAction(e -> {
            List<File> files = new FileChooser().showOpenMultipleDialog(getScene().getWindow());
            if (files != null && !files.isEmpty()) {
                viewModel.send(files.stream().map(File::toPath).map(Path::toAbsolutePath).toList());
            }
        });
        send.disableProperty().bind(viewModel.busy());
        ProgressBar progress = new ProgressBar();
        progress.progressProperty().bind(viewModel.progress());
        progress.visibleProperty().bind(viewModel.busy());
        Label status = new Label();
        status.textProperty().bind(viewModel.status());
        HBox buttons = new HBox(6, progress, retrieve, cancel, send);
        BorderPane bottom = new BorderPane();
        bottom.setPadding(new Insets(6, 0, 0, 0));
        bottom.setCenter(status);
        BorderPane.setAlignment(status, javafx.geometry.Pos.CENTER_LEFT);
        bottom.setRight(buttons);
        return bottom;
    }
}
