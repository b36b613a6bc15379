package org.radmamba.viewer.fx.view;

import javafx.beans.binding.Bindings;
import javafx.beans.property.StringProperty;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.fx.model.NodeSettingsViewModel;
import org.radmamba.viewer.fx.model.NodeSettingsViewModel.Auth;
import org.radmamba.viewer.fx.model.NodeSettingsViewModel.Protocol;
import org.radmamba.viewer.fx.model.StudyReceiverViewModel;

/**
 * File > Network settings: the PACS nodes (add, edit, remove, Test) and the storage SCP that receives pushed studies.
 * All state lives in {@link NodeSettingsViewModel} and {@link StudyReceiverViewModel}; the receiver tab is left out
 * where there is none (tests of the nodes alone).
 */
public final class NetworkSettingsView extends TabPane {

    public NetworkSettingsView(NodeSettingsViewModel nodes, StudyReceiverViewModel receiver) {
        Tab nodesTab = new Tab("Nodes", nodesPane(nodes));
        nodesTab.setClosable(false);
        getTabs().add(nodesTab);
        if (receiver != null) {
            Tab receiverTab = new Tab("Receiving", receiverPane(receiver));
            receiverTab.setClosable(false);
            getTabs().add(receiverTab);
        }
    }

    private static BorderPane nodesPane(NodeSettingsViewModel vm) {
        ListView<String> list = new ListView<>(vm.names());
        list.setId("node-list");
        list.setPrefWidth(180);
        list.setPlaceholder(new Label("No node yet: fill in the form and Save"));
        list.getSelectionModel().selectedItemProperty().addListener((obs, o, n) -> {
            if (n != null) {
                vm.select(n);
            }
        });

        GridPane form = new GridPane();
        form.setHgap(6);
        form.setVgap(4);
        form.setPadding(new Insets(0, 0, 0, 8));
        ChoiceBox<Protocol> protocol = new ChoiceBox<>();
        protocol.setId("node-protocol");
        protocol.getItems().setAll(Protocol.values());
        protocol.valueProperty().bindBidirectional(vm.protocol());
        ChoiceBox<DicomNode.Retrieve> retrieve = new ChoiceBox<>();
        retrieve.getItems().setAll(DicomNode.Retrieve.values());
        retrieve.valueProperty().bindBidirectional(vm.retrieve());
        ChoiceBox<Auth> auth = new ChoiceBox<>();
        auth.setId("node-auth");
        auth.getItems().setAll(Auth.values());
        auth.valueProperty().bindBidirectional(vm.auth());

        int row = 0;
        form.addRow(row++, new Label("Name"), field("node-name", vm.name(), "pacs"));
        form.addRow(row++, new Label("Protocol"), protocol);
        var dimse = Bindings.equal(vm.protocol(), Protocol.DIMSE);
        var web = Bindings.equal(vm.protocol(), Protocol.DICOMWEB);
        row = shownRow(form, row, dimse, "Called AE title", field("node-called-aet", vm.calledAet(), "ORTHANC"));
        row = shownRow(form, row, dimse, "Host", field("node-host", vm.host(), "pacs.example.org"));
        row = shownRow(form, row, dimse, "Port", field("node-port", vm.port(), "104"));
        row = shownRow(form, row, dimse, "Our AE title", field("node-calling-aet", vm.callingAet(), "RADMAMBA"));
        row = shownRow(form, row, dimse, "Retrieve by", retrieve);
        row = shownRow(form, row, dimse, "C-MOVE to our port", field("node-move-port", vm.movePort(), "11112"));
        row = shownRow(form, row, web, "Base URL", field("node-url", vm.baseUrl(), "https://pacs/dicom-web"));
        CheckBox tls = new CheckBox("DICOM over TLS");
        tls.setId("node-tls");
        tls.selectedProperty().bindBidirectional(vm.tls());
        row = shownRow(form, row, dimse, "Security", tls);
        row = shownRow(form, row, vm.secure(), "Trusted certificate", field("node-trusted",
                vm.trustedCertificates(), "PEM file of the CA (TLS; empty: the JVM's trust store)"));
        row = shownRow(form, row, vm.secure(), "Client certificate", field("node-client-key-store",
                vm.clientKeyStore(), "PKCS#12 file with our key and certificate (mutual TLS; empty: none)"));
        row = shownRow(form, row, vm.secure(), "Its password", secret("node-client-key-store-password",
                vm.clientKeyStorePassword()));
        row = shownRow(form, row, web, "Authentication", auth);
        var basic = web.and(Bindings.equal(vm.auth(), Auth.BASIC));
        var bearer = web.and(Bindings.equal(vm.auth(), Auth.BEARER));
        row = shownRow(form, row, basic, "User", field("node-user", vm.user(), ""));
        row = shownRow(form, row, basic, "Password", secret("node-password", vm.password()));
        shownRow(form, row, bearer, "Token", secret("node-token", vm.token()));

        Button add = new Button("New");
        add.setOnAction(e -> {
            list.getSelectionModel().clearSelection();
            vm.newNode();
        });
        Button save = new Button("Save");
        save.setId("node-save");
        save.setOnAction(e -> vm.save());
        Button remove = new Button("Remove");
        remove.setId("node-remove");
        remove.setOnAction(e -> vm.remove());
        Button test = new Button("Test");
        test.setId("node-test");
        test.setOnAction(e -> vm.test());
        test.disableProperty().bind(vm.busy());
        Label status = new Label();
        status.setId("node-status");
        status.textProperty().bind(vm.status());
        status.setWrapText(true);
        HBox buttons = new HBox(6, add, save, remove, test);
        VBox right = new VBox(8, form, buttons, status);

        BorderPane pane = new BorderPane();
        pane.setPadding(new Insets(8));
        pane.setLeft(list);
        pane.setCenter(right);
        return pane;
    }

    private static VBox receiverPane(StudyReceiverViewModel vm) {
        CheckBox enabled = new CheckBox("Receive studies pushed to RadMamba (storage SCP), from the start of the app");
        enabled.setId("receiver-enabled");
        enabled.selectedProperty().bindBidirectional(vm.enabled());
        GridPane form = new GridPane();
        form.setHgap(6);
        form.setVgap(4);
        form.addRow(0, new Label("AE title"), field("receiver-aet", vm.aet(), "RADMAMBA"));
        form.addRow(1, new Label("Port"), field("receiver-port", vm.port(), "11112"));
        form.addRow(2, new Label("Accept only from"), field("receiver-allowed", vm.allowedAets(),
                "AE titles, space separated (empty: any)"));
        form.addRow(3, new Label("Folder"), field("receiver-folder", vm.folder(), ""));
        form.addRow(4, new Label("TLS key store"), field("receiver-tls-key-store", vm.tlsKeyStore(),
                "PKCS#12 file with our key and certificate (empty: plain TCP)"));
        form.addRow(5, new Label("Its password"), secret("receiver-tls-password", vm.tlsPassword()));
        Button apply = new Button("Apply");
        apply.setId("receiver-apply");
        apply.setOnAction(e -> vm.apply());
        Label status = new Label();
        status.setId("receiver-status");
        status.textProperty().bind(vm.status());
        status.setWrapText(true);
        VBox box = new VBox(8, enabled, form, apply, status);
        box.setPadding(new Insets(8));
        return box;
    }

    private static int shownRow(GridPane form, int row, javafx.beans.value.ObservableBooleanValue shown, String label,
            Node control) {
        Label l = new Label(label);
        form.addRow(row, l, control);
        for (Node n : new Node[] {l, control}) {
            n.visibleProperty().bind(shown);
            n.managedProperty().bind(shown);
        }
        return row + 1;
    }

    private static TextField field(String id, StringProperty property, String prompt) {
        TextField field = new TextField();
        field.setId(id);
        field.setPromptText(prompt);
        field.textProperty().bindBidirectional(property);
        GridPane.setHgrow(field, Priority.ALWAYS);
        return field;
    }

    private static PasswordField secret(String id, StringProperty property) {
        PasswordField field = new PasswordField();
        field.setId(id);
        field.textProperty().bindBidirectional(property);
        return field;
    }
}
