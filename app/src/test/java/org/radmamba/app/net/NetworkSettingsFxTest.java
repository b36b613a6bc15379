package org.radmamba.app.net;

import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.NodeDirectory;
import org.radmamba.viewer.fx.model.NodeSettingsViewModel;
import org.radmamba.viewer.fx.view.NetworkSettingsView;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Headless TestFX: the network settings dialog, typed into and clicked, with a real Orthanc behind the Test button. */
@ExtendWith(ApplicationExtension.class)
class NetworkSettingsFxTest {

    @TempDir
    static Path shared;

    private static Orthanc orthanc;
    private static ExecutorService background;
    private final Preferences preferences =
            Preferences.userRoot().node("org/radmamba/test-settings-fx-" + UUID.randomUUID());

    @BeforeAll
    static void startOrthanc() throws Exception {
        orthanc = Orthanc.start(shared.resolve("orthanc"), Orthanc.freePort());
        background = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterAll
    static void stopOrthanc() {
        if (orthanc != null) {
            orthanc.close();
        }
        background.shutdownNow();
    }

    @AfterEach
    void forget() throws Exception {
        preferences.removeNode();
    }

    @Start
    void start(Stage stage) {
        NodeSettingsViewModel vm = new NodeSettingsViewModel(new NodeDirectory(preferences), background,
                javafx.application.Platform::runLater, NetworkTimeouts.DEFAULT);
        stage.setScene(new Scene(new NetworkSettingsView(vm, null), 760, 480));
        stage.show();
    }

    private static String statusWhenDone(FxRobot robot, String prefix) throws Exception {
        Label status = robot.lookup("#node-status").queryAs(Label.class);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> status.getText().startsWith(prefix)
                && !status.getText().contains("Testing"));
        return status.getText();
    }

    @Test
    void a_node_typed_in_is_saved_and_its_test_button_shows_the_answer_or_the_reason(FxRobot robot)
            throws Exception {
        robot.clickOn("#node-name").write("pacs");
        robot.clickOn("#node-called-aet").write(Orthanc.AET);
        robot.clickOn("#node-host").write("127.0.0.1");
        robot.clickOn("#node-port").write(Integer.toString(orthanc.dicomPort()));
        robot.clickOn("#node-save");
        String label = "pacs (" + orthanc.dimseUri() + ")";
        assertEquals("Saved " + label, statusWhenDone(robot, "Saved"));
        assertEquals(orthanc.dimseUri(), new NodeDirectory(preferences).find("pacs").orElseThrow().uri());
        assertTrue(robot.lookup("#node-list").queryListView().getItems().contains("pacs"));

        robot.clickOn("#node-test");
        String echo = statusWhenDone(robot, label + ": C-ECHO answered");
        assertTrue(echo.matches("\\Q" + label + ": C-ECHO answered in \\E\\d+ ms"), echo);

        // A port where nothing listens: the reason, in one line, in the same place.
        int closed = Orthanc.freePort();
        robot.doubleClickOn("#node-port").eraseText(8).write(Integer.toString(closed));
        robot.clickOn("#node-test");
        String refused = statusWhenDone(robot, "pacs (dimse://ORTHANC@127.0.0.1:" + closed + "): C-ECHO");
        assertTrue(refused.contains("connection refused"), refused);
        assertTrue(!refused.contains("\n"), refused);

        // The client certificate, like the trusted certificate, is asked for DICOM over TLS only.
        assertFalse(robot.lookup("#node-client-key-store").query().isVisible());
        robot.clickOn("#node-tls");
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(robot.lookup("#node-client-key-store").query().isVisible());
        assertTrue(robot.lookup("#node-client-key-store-password").query().isVisible());
    }
}
